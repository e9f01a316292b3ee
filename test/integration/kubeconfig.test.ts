/**
 * Which cluster a cluster command talks to, when the kubeconfig is missing or incomplete: the
 * files looked for (as kubectl looks: $KUBECONFIG's list, else ~/.kube/config), what is missing,
 * and how to point Gantry at a cluster. Real CLI processes; no API server is reached.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gantry } from '../support/gantry.ts';

const work = mkdtempSync(join(tmpdir(), 'gantry-kubeconfig-'));
after(() => rmSync(work, { recursive: true, force: true }));
const spec = join(work, 'gantry.yaml');
writeFileSync(
  spec,
  'app: demo\nservices:\n  api:\n    image: ghcr.io/acme/demo-api:1.0.0\n    port: 8000\n    replicas: 2\nenvironments:\n  prod: {}\n',
);
const home = join(work, 'home');
mkdirSync(home);

const HINT =
  '  hint: point Gantry at a cluster with --kubeconfig PATH (and --context NAME) or KUBECONFIG=PATH, or write ~/.kube/config (aws eks update-kubeconfig, gcloud container clusters get-credentials and az aks get-credentials do)\n';

function run(args: string[], env: Record<string, string>) {
  const { KUBECONFIG: _, ...rest } = process.env;
  return gantry([...args, '-f', spec, '--env', 'prod'], {
    env: { ...rest, HOME: home, ...env },
    timeoutMs: 30_000,
  });
}

const kubeconfig = (currentContext: string) =>
  [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: c1\n  cluster:\n    server: https://127.0.0.1:1',
    'users:',
    '- name: u1\n  user:\n    token: t',
    'contexts:',
    '- name: dev\n  context:\n    cluster: c1\n    user: u1',
    `current-context: ${currentContext}`,
    '',
  ].join('\n');

describe('no kubeconfig, or one without the context', () => {
  it('no KUBECONFIG and no ~/.kube/config: says where it looked and how to point at a cluster', async () => {
    const { code, stdout, stderr } = await run(['apply'], {});
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      `error: no kubeconfig: looked for ${home}/.kube/config (KUBECONFIG is not set) and found none\n${HINT}`,
    );
  });

  it('KUBECONFIG naming files that do not exist: lists each; the release and day-2 commands say the same', async () => {
    const missing = `${work}/a.yaml:${work}/b.yaml`;
    const expected = `error: no kubeconfig: looked for ${work}/a.yaml, ${work}/b.yaml (from KUBECONFIG) and found none\n${HINT}`;
    for (const args of [['apply'], ['deploy', 'api', '--version', '1.1.0'], ['status']]) {
      const { code, stderr } = await run(args, { KUBECONFIG: missing });
      assert.equal(code, 1, args.join(' '));
      assert.equal(stderr, expected, args.join(' '));
    }
  });

  it('a missing file in the KUBECONFIG list is skipped, as kubectl does: the next one is used', async () => {
    writeFileSync(join(work, 'dev.yaml'), kubeconfig('dev'));
    const { stdout } = await run(['apply', '--timeout', '5s'], {
      KUBECONFIG: `${work}/a.yaml:${work}/dev.yaml`,
    });
    assert.match(stdout, /^applying demo \(prod\) to dev \(https:\/\/127\.0\.0\.1:1\)$/m);
  });

  it('a current-context the kubeconfig does not define names it and the contexts there are', async () => {
    writeFileSync(join(work, 'stale.yaml'), kubeconfig('prod-eu'));
    const { code, stderr } = await run(['apply'], { KUBECONFIG: join(work, 'stale.yaml') });
    assert.equal(code, 1);
    assert.equal(
      stderr,
      `error: current-context prod-eu is not defined in ${work}/stale.yaml\n  hint: pass --context NAME (contexts in it: dev)\n`,
    );
    const unknown = await run(['apply', '--context', 'prod'], { KUBECONFIG: join(work, 'stale.yaml') });
    assert.equal(
      unknown.stderr,
      `error: --context prod: no such context in ${work}/stale.yaml\n  hint: contexts in it: dev\n`,
    );
  });
});
