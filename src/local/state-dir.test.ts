import assert from 'node:assert/strict';
import { chownSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { StateDir } from './state-dir.ts';

const work = mkdtempSync(join(tmpdir(), 'gantry-state-'));
after(() => rmSync(work, { recursive: true, force: true }));
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

test('ensure() upgrades what an older gantry left in place: files 0600, directories 0700', () => {
  const root = join(work, 'old');
  mkdirSync(join(root, 'logs', 'api'), { recursive: true, mode: 0o755 });
  mkdirSync(join(root, 'backing', 'cache', 'data'), { recursive: true, mode: 0o755 });
  for (const file of [
    'daemon.log',
    'logs/api/api-1.log',
    'backing/cache/redis.conf',
    'backing/cache/data/a.aof',
  ])
    writeFileSync(join(root, file), 'kept\n', { mode: 0o644 });
  new StateDir(root).ensure();
  for (const dir of ['', 'logs', 'logs/api', 'backing', 'backing/cache', 'backing/cache/data'])
    assert.equal(mode(join(root, dir)), '700', dir || '(root)');
  for (const file of [
    'daemon.log',
    'logs/api/api-1.log',
    'backing/cache/redis.conf',
    'backing/cache/data/a.aof',
  ])
    assert.equal(mode(join(root, file)), '600', file);
});

test('as root: the way to a directory postgres owns stays 0711 (search only); its content is left to it', (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to give a directory to another user');
  const root = join(work, 'pg');
  const pgdata = join(root, 'backing', 'db', 'pgdata');
  mkdirSync(pgdata, { recursive: true, mode: 0o755 });
  writeFileSync(join(pgdata, 'PG_VERSION'), '15\n', { mode: 0o644 });
  chownSync(pgdata, 65534, 65534);
  chownSync(join(pgdata, 'PG_VERSION'), 65534, 65534);
  mkdirSync(join(root, 'logs'), { mode: 0o755 });
  new StateDir(root).ensure();
  for (const dir of ['', 'backing', 'backing/db'])
    assert.equal(mode(join(root, dir)), '711', dir || '(root)');
  assert.equal(mode(join(root, 'logs')), '700');
  assert.equal(mode(pgdata), '755', "another user's directory is not ours to change");
  assert.equal(mode(join(pgdata, 'PG_VERSION')), '644');
});

test('log paths: a service or replica name that is not one never becomes a path', () => {
  const state = new StateDir(join(work, 'names'));
  assert.equal(state.logFile('api', 'api-2'), join(state.root, 'logs', 'api', 'api-2.log'));
  assert.equal(state.logFolder('api'), join(state.root, 'logs', 'api'));
  for (const [service, replica] of [
    ['../logs/api', '../logs/api-1'],
    ['api', 'api-1/../../token'],
    ['api', 'web-1'],
    ['API', 'API-1'],
    ['api', '../api-1'],
  ])
    assert.throws(
      () => state.logFile(service!, replica!),
      /not a (service name|replica of)/,
      `${service} ${replica}`,
    );
  assert.throws(() => state.logFolder('..'), /not a service name/);
});
