import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GANTRY_VARIABLES } from '../spec/rules.ts';
import { PROCESS_BASICS, replicaEnvironment } from './replica-env.ts';
import { secretValues } from './secrets.ts';

const daemonEnv = {
  PATH: '/usr/bin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
  PAYMENT_API_KEY: 'pk-live-123',
  AWS_SECRET_ACCESS_KEY: 'aws-secret',
  HTTPS_PROXY: 'http://proxy:3128',
  NODE_OPTIONS: '--require /tmp/evil.js',
};
const identity = { app: 'shop', version: 'v2', index: 3, port: 41000 };
const worker = { name: 'worker', env: { LOG_LEVEL: 'info' }, secrets: ['DATABASE_URL'], passEnv: [] };

test('a replica gets what its service declares and nothing else of the daemon’s environment', () => {
  const env = replicaEnvironment(
    worker,
    identity,
    { file: {}, environment: daemonEnv },
    {
      DATABASE_URL: 'postgres://gantry:pw@127.0.0.1:5432/shop',
      DB_URL: 'postgres://gantry:pw@127.0.0.1:5432/shop',
    },
  );
  assert.deepEqual(env, {
    PATH: '/usr/bin:/bin',
    HOME: '/root',
    LANG: 'C.UTF-8',
    LOG_LEVEL: 'info',
    DATABASE_URL: 'postgres://gantry:pw@127.0.0.1:5432/shop',
    DB_URL: 'postgres://gantry:pw@127.0.0.1:5432/shop',
    PORT: '41000',
    HOST: '127.0.0.1',
    APP_VERSION: 'v2',
    GANTRY_APP: 'shop',
    GANTRY_SERVICE: 'worker',
    GANTRY_REPLICA: '3',
  });
});

test('declared secrets and passEnv names come through; the secrets file wins over the environment', () => {
  const api = {
    name: 'api',
    env: {},
    secrets: ['PAYMENT_API_KEY', 'SMTP_PASSWORD'],
    passEnv: ['HTTPS_PROXY', 'NO_PROXY'],
  };
  const env = replicaEnvironment(
    api,
    identity,
    { file: { SMTP_PASSWORD: 'from-file', PAYMENT_API_KEY: 'file-wins' }, environment: daemonEnv },
    {},
  );
  assert.equal(env.PAYMENT_API_KEY, 'file-wins');
  assert.equal(env.SMTP_PASSWORD, 'from-file');
  assert.equal(env.HTTPS_PROXY, 'http://proxy:3128');
  assert.equal('NO_PROXY' in env, false, 'an unset passEnv name is left out');
  assert.equal('AWS_SECRET_ACCESS_KEY' in env, false);
  assert.equal('NODE_OPTIONS' in env, false);
});

test('Gantry’s own variables cannot be overridden by env, secrets or injected URLs', () => {
  const env = replicaEnvironment(
    { name: 'api', env: { PORT: '1', HOST: '0.0.0.0' }, secrets: [], passEnv: [] },
    identity,
    { file: {}, environment: {} },
    {},
  );
  assert.equal(env.PORT, '41000');
  assert.equal(env.HOST, '127.0.0.1');
  // The names the spec rules refuse in passEnv are exactly the ones set here.
  assert.deepEqual(Object.keys(env).sort(), [...GANTRY_VARIABLES].sort());
  assert.ok(PROCESS_BASICS.includes('PATH'));
});

test('the MissingSecret check reads the same sources as the injection', () => {
  const sources = { file: { A: 'a' }, environment: { B: 'b' } };
  assert.deepEqual(secretValues(['A', 'B', 'DATABASE_URL', 'C'], sources, { DATABASE_URL: 'postgres://x' }), {
    values: { A: 'a', B: 'b', DATABASE_URL: 'postgres://x' },
    missing: ['C'],
  });
  // An exported secret is not reported missing (the check once read only the file and the URLs).
  assert.deepEqual(secretValues(['PAYMENT_API_KEY'], { file: {}, environment: daemonEnv }, {}).missing, []);
});
