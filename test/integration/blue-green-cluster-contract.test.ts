/**
 * Blue-green, rollback and history on a cluster, as users run them (real CLI processes: `gantry
 * apply`, then `gantry deploy/promote/abort/rollback/history --env prod`) against a FAKE
 * Kubernetes API server (test/support/fake-kube-api.ts) — contract tests, not cluster tests. They
 * pin what the release writes: the idle colour's image and replicas, the Service selector only
 * once the new colour is available, the old colour scaled down after scaleDownDelaySeconds, and
 * the release annotation with its history on the Service. The test plays the Deployment
 * controller (`fake.settle`) so "available" happens when the test says so, not at once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { decodeRelease } from '../../src/platform/kubernetes/release-annotation.ts';
import type { ReleaseState } from '../../src/rollout/state.ts';
import { FakeKubeApi, kubeconfigFor } from '../support/fake-kube-api.ts';
import { FakePodLogs } from '../support/fake-pod-logs.ts';
import { gantry } from '../support/gantry.ts';

const spec = (extra = '') => `app: demo
services:
  api:
    image: ghcr.io/acme/demo-api:1.0.0
    port: 8000
    replicas: 4
    release:
      strategy: blue-green
      autoPromotion: false
      scaleDownDelaySeconds: 2
      analysis: { enabled: false }   # the mechanics only: the fake API server has no traffic to measure
${extra}environments:
  prod: {}
`;

const work = mkdtempSync(join(tmpdir(), 'gantry-blue-green-cluster-'));
after(() => rmSync(work, { recursive: true, force: true }));
const file = join(work, 'gantry.yaml');
writeFileSync(file, spec());
const smokeFile = join(work, 'smoke.yaml');
writeFileSync(smokeFile, spec('      smoke: [ { path: /health } ]\n'));

const keptFile = join(work, 'kept.yaml');
writeFileSync(keptFile, spec().replace('scaleDownDelaySeconds: 2', 'scaleDownDelaySeconds: 6'));

const BLUE = '/apis/apps/v1/namespaces/demo/deployments/api-blue';
const GREEN = '/apis/apps/v1/namespaces/demo/deployments/api-green';
const SERVICE = '/api/v1/namespaces/demo/services/api';

let fake: FakeKubeApi;
let front: FakePodLogs;
let kubeconfig: string;

function cli(spec: string, ...args: string[]) {
  return gantry([...args, '-f', spec, '--env', 'prod', '--kubeconfig', kubeconfig], { timeoutMs: 60_000 });
}

type StoredDeployment = {
  spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
};
type StoredService = {
  metadata: { annotations?: Record<string, string> };
  spec: { selector: Record<string, string> };
};
const deployment = (path: string) => fake.objects.get(path) as unknown as StoredDeployment;
const image = (path: string) => deployment(path).spec.template.spec.containers[0]?.image;
const service = () => fake.objects.get(SERVICE) as unknown as StoredService;
const selected = () => service().spec.selector.version;

function release(): ReleaseState | undefined {
  const text = service()?.metadata.annotations?.['gantry.dev/release'];
  if (text === undefined) return undefined;
  const decoded = decodeRelease(text);
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.problem);
  return decoded.value.state;
}

async function until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}; release: ${JSON.stringify(release())} DEBUG ${JSON.stringify(fake.objects.get(GREEN))} ${fake.calls().slice(-6)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const selectorWrites = () =>
  fake.requests.filter((r) => r.method === 'PATCH' && r.query.fieldManager === 'gantry-release-selector');

/** The release's replicas manager has written the Deployment (the fake stores a write before recording the next request). */
const scaledByRelease = (path: string) =>
  fake.requests.some(
    (r) => r.method === 'PATCH' && r.path === path && r.query.fieldManager === 'gantry-release-replicas',
  );

/** `gantry apply` renders both colours at 1.0.0 (green, idle, at 0) and the Service selecting blue; the fake rolls them out. */
async function applied(): Promise<void> {
  const run = await cli(file, 'apply', '--timeout', '20s');
  assert.equal(run.code, 0, run.stderr);
  assert.equal(selected(), 'blue');
  assert.equal(image(GREEN), 'ghcr.io/acme/demo-api:1.0.0');
  assert.equal(deployment(GREEN).spec.replicas, 0, 'the idle colour waits at 0 for a release');
}

/**
 * Starts deploying 1.1.0 and waits until the release has brought green up at the new image;
 * returns the running deploy (in an object: an async function returning a promise would wait for it).
 */
async function deployStarted(specFile = file): Promise<{ deploy: ReturnType<typeof cli> }> {
  const deploy = cli(specFile, 'deploy', 'api', '--version', '1.1.0', '--timeout', '40');
  await until('green at the new image', () => image(GREEN) === 'ghcr.io/acme/demo-api:1.1.0');
  await until('green scaled by the release', () => scaledByRelease(GREEN));
  assert.equal(deployment(GREEN).spec.replicas, 4);
  return { deploy };
}

describe('blue-green, rollback and history on a cluster — contract tests (fake API server)', () => {
  beforeEach(async () => {
    await fake?.stop();
    await front?.stop();
    fake = new FakeKubeApi();
    front = new FakePodLogs();
    const server = await front.start(await fake.start());
    kubeconfig = join(work, `kubeconfig-${Date.now()}`);
    writeFileSync(kubeconfig, kubeconfigFor(server, 'demo'));
  });
  after(async () => {
    await fake?.stop();
    await front?.stop();
  });

  it('deploy: the idle colour takes the new image, the selector moves only once it is available and after promote, the old colour goes to 0 after scaleDownDelaySeconds', async () => {
    await applied();
    const { deploy } = await deployStarted();
    assert.equal(image(BLUE), 'ghcr.io/acme/demo-api:1.0.0', 'the serving colour is not touched');

    // Not available yet: two ticks later the Service still selects blue.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(selected(), 'blue');
    assert.match(release()?.message ?? '', /bringing up 1\.1\.0: 0\/4 ready/);
    assert.equal(selectorWrites().length, 0);

    fake.settle(GREEN);
    await until('the pause for promotion', () => release()?.status === 'paused');
    assert.equal(selected(), 'blue', 'autoPromotion false: no switch without promote');
    assert.match(release()?.message ?? '', /switch traffic with `gantry promote api`/);

    const promote = await cli(file, 'promote', 'api', '--full');
    assert.equal(promote.code, 0, promote.stderr);

    const { code, stdout, stderr } = await deploy;
    assert.equal(code, 0, stderr);
    assert.match(stdout, /revision 1: blue-green release of api 1\.0\.0 → 1\.1\.0 on fake/);
    assert.match(stdout, /traffic: all at once, by the selector of the Service demo\/api/);
    assert.match(stdout, /keeping 1\.0\.0 in api-blue for [12]s \(scaleDownDelaySeconds\)/);
    assert.match(stdout, /api-blue \(1\.0\.0\) scaled to 0/);
    assert.equal(selected(), 'green');
    const switched = selectorWrites();
    assert.equal(switched.length, 1);
    assert.equal(switched[0]?.query.force, 'true');
    assert.deepEqual((switched[0]?.body as StoredService | undefined)?.spec.selector, {
      'app.kubernetes.io/name': 'api',
      'app.kubernetes.io/instance': 'demo-api',
      version: 'green',
    });
    assert.equal(deployment(BLUE).spec.replicas, 0);
    assert.equal(deployment(GREEN).spec.replicas, 4);
    assert.equal(release()?.status, 'succeeded');
    // Re-applying the spec keeps what the release set: green selected, green at 1.1.0, blue at 0.
    const again = await cli(file, 'apply', '--timeout', '20s');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /kept Service demo\/api \.spec\.selector as a release set them/);
    assert.equal(selected(), 'green');
    assert.equal(image(GREEN), 'ghcr.io/acme/demo-api:1.1.0');
    assert.equal(deployment(BLUE).spec.replicas, 0);
  });

  it('abort before the switch (from a second process): the new colour goes to 0, the Service is never written', async () => {
    await applied();
    const { deploy } = await deployStarted();
    fake.settle(GREEN);
    await until('the pause for promotion', () => release()?.status === 'paused');

    const abort = await cli(file, 'abort', 'api');
    assert.equal(abort.code, 0, abort.stderr);
    const { code, stderr } = await deploy;
    assert.equal(code, 1);
    assert.match(stderr, /api 1\.1\.0 aborted: aborted by a person/);
    assert.equal(selected(), 'blue');
    assert.equal(selectorWrites().length, 0);
    assert.equal(deployment(GREEN).spec.replicas, 0);
    assert.equal(deployment(BLUE).spec.replicas, 4);
    assert.equal(release()?.status, 'aborted');
  });

  it('smoke checks go through a port-forward to a ready pod of the new colour; a failing one rolls back before the switch', async () => {
    await applied();
    fake.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'api-green-7d9-a',
        namespace: 'demo',
        labels: {
          'app.kubernetes.io/name': 'api',
          'app.kubernetes.io/instance': 'demo-api',
          version: 'green',
        },
      },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
    const { deploy } = await deployStarted(smokeFile);
    fake.settle(GREEN);
    // The fake pod echoes the request back, which is no HTTP answer: the check fails.
    const { code, stdout, stderr } = await deploy;
    assert.equal(code, 1, stdout);
    assert.deepEqual(front.portForward.opened, ['demo/api-green-7d9-a:8000']);
    assert.match(stdout, /SmokeFailed: GET \/health: /);
    assert.match(stderr, /api 1\.1\.0 rolled-back: smoke check failed: GET \/health/);
    assert.equal(selected(), 'blue');
    assert.equal(deployment(GREEN).spec.replicas, 0);
  });

  it('rollback of a finished release switches back to the previous colour (its image kept), and history lists every revision', async () => {
    await applied();
    const { deploy } = await deployStarted();
    fake.settle(GREEN);
    await until('the pause for promotion', () => release()?.status === 'paused');
    assert.equal((await cli(file, 'promote', 'api', '--full')).code, 0);
    assert.equal((await deploy).code, 0);
    assert.equal(deployment(BLUE).spec.replicas, 0);

    const rollback = cli(file, 'rollback', 'api');
    const scaledBefore = fake.requests.filter(
      (r) => r.path === BLUE && r.query.fieldManager === 'gantry-release-replicas',
    ).length;
    await until(
      'blue scaled up again',
      () =>
        fake.requests.filter((r) => r.path === BLUE && r.query.fieldManager === 'gantry-release-replicas')
          .length > scaledBefore && deployment(BLUE).spec.replicas === 4,
    );
    assert.equal(image(BLUE), 'ghcr.io/acme/demo-api:1.0.0');
    assert.equal(selected(), 'green', 'no switch before blue is available');
    fake.settle(BLUE);
    const { code, stdout, stderr } = await rollback;
    assert.equal(code, 0, stderr);
    assert.match(stdout, /revision 2: rollback of api 1\.1\.0 → 1\.0\.0 \(revision 1\)/);
    assert.equal(selected(), 'blue');
    assert.equal(deployment(GREEN).spec.replicas, 0, 'green scaled down after scaleDownDelaySeconds');

    const history = await cli(file, 'history', 'api', '--output', 'json');
    assert.equal(history.code, 0, history.stderr);
    const revisions = JSON.parse(history.stdout) as ReleaseState[];
    assert.deepEqual(
      revisions.map((r) => [r.id, r.strategy, r.stable, r.version, r.status]),
      [
        [1, 'blue-green', '1.0.0', '1.1.0', 'succeeded'],
        [2, 'rollback', '1.1.0', '1.0.0', 'succeeded'],
      ],
    );
    const table = await cli(file, 'history', 'api');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^REVISION {2}VERSION {2}STRATEGY {4}RESULT {5}ANALYSIS +STARTED/);
    assert.match(table.stdout, /\n1 {9}1\.1\.0 {4}blue-green {2}succeeded/);
    assert.match(table.stdout, /\n2 {9}1\.0\.0 {4}rollback {4}succeeded/);
  });

  it('rollback while the old colour is still kept is instant: the Service goes back, the deploy that kept it leaves both colours to the rollback', async () => {
    await applied();
    const { deploy } = await deployStarted(keptFile);
    fake.settle(GREEN);
    await until('the pause for promotion', () => release()?.status === 'paused');
    const promoted = await cli(keptFile, 'promote', 'api', '--full');
    assert.equal(promoted.code, 0, promoted.stderr);
    await until('the switch', () => release()?.status === 'succeeded' && selected() === 'green');

    const rollback = await cli(keptFile, 'rollback', 'api');
    assert.equal(rollback.code, 0, rollback.stderr);
    assert.match(
      rollback.stdout,
      /revision 2: rollback of api 1\.1\.0 → 1\.0\.0 \(revision 1\)[\s\S]*back on 1\.0\.0/,
    );
    assert.equal(selected(), 'blue');
    assert.equal(
      fake.requests.filter((r) => r.path === BLUE && r.query.fieldManager === 'gantry-release-replicas')
        .length,
      0,
      'blue was kept at full size: nothing to bring up',
    );
    const kept = await deploy;
    assert.equal(kept.code, 0, kept.stderr);
    assert.match(kept.stdout, /revision 2 took over; api-blue is left to it/);
    assert.equal(deployment(BLUE).spec.replicas, 4, 'the serving colour is never scaled to 0');
    assert.equal(deployment(GREEN).spec.replicas, 0, 'the rollback scaled green down after its delay');
  });
});
