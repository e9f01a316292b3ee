/**
 * `gantry deploy/rollout status/promote/abort/rollback/history --env prod` as users run them (real CLI processes)
 * against a FAKE Kubernetes API server (test/support/fake-kube-api.ts) — contract tests, not
 * cluster tests: they pin what a release on the cluster writes (image, replicas, the canary
 * Deployment, the release annotation) and that a second process steers it through the annotation.
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

const spec = (release: string) => `app: demo
services:
  api:
    image: ghcr.io/acme/demo-api:1.0.0
    port: 8000
    replicas: 4
    release:
${release}
environments:
  prod: {}
`;

// These tests drive the mechanics (objects, weights, requests from another process); the fake API
// server has no traffic to measure, so analysis is switched off, as a user would say it.
const CANARY = `      strategy: canary
      steps: [ { weight: 25 }, { pause: {} }, { weight: 100 } ]
      analysis: { enabled: false }`;

const work = mkdtempSync(join(tmpdir(), 'gantry-release-cluster-'));
after(() => rmSync(work, { recursive: true, force: true }));
const rollingFile = join(work, 'rolling.yaml');
const canaryFile = join(work, 'canary.yaml');
writeFileSync(rollingFile, spec('      strategy: rolling\n      analysis: { enabled: false }'));
writeFileSync(canaryFile, spec(CANARY));
const smokeFile = join(work, 'smoke.yaml');
writeFileSync(smokeFile, spec(`${CANARY}\n      smoke: [ { path: /health } ]`));

const STABLE_PATH = '/apis/apps/v1/namespaces/demo/deployments/api';
const CANARY_PATH = '/apis/apps/v1/namespaces/demo/deployments/api-canary';

function stableDeployment(track: Record<string, string>) {
  const selector = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'demo-api', ...track };
  const labels = { ...selector, 'app.kubernetes.io/version': '1.0.0' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'demo', labels },
    spec: {
      replicas: 4,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'api', image: 'ghcr.io/acme/demo-api:1.0.0' }] },
      },
    },
    status: { observedGeneration: 1, replicas: 4, readyReplicas: 4 },
  };
}

let fake: FakeKubeApi;
let kubeconfig: string;
let apiServer: string;

function cli(file: string, ...args: string[]) {
  return gantry([...args, '-f', file, '--env', 'prod', '--kubeconfig', kubeconfig], { timeoutMs: 60_000 });
}

type Stored = {
  metadata: { annotations?: Record<string, string> };
  spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
};
const stored = (path: string) => fake.objects.get(path) as unknown as Stored | undefined;

function release(): ReleaseState | undefined {
  const text = stored(STABLE_PATH)?.metadata.annotations?.['gantry.dev/release'];
  if (text === undefined) return undefined;
  const decoded = decodeRelease(text);
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.problem);
  return decoded.value.state;
}

async function until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; release: ${JSON.stringify(release())}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('gantry deploy --env — contract tests (fake API server)', () => {
  beforeEach(async () => {
    await fake?.stop();
    fake = new FakeKubeApi();
    const server = await fake.start();
    apiServer = server;
    kubeconfig = join(work, `kubeconfig-${Date.now()}`);
    writeFileSync(kubeconfig, kubeconfigFor(server, 'demo'));
  });
  after(() => fake?.stop());

  it('a service not applied yet: exit 1 naming the Deployment and the command to run first, nothing written', async () => {
    const { code, stderr } = await cli(rollingFile, 'deploy', 'api', '--version', '1.1.0');
    assert.equal(code, 1);
    assert.match(stderr, /Deployment demo\/api not found: a release needs the service applied first/);
    assert.match(stderr, /hint: run `gantry apply --env <name>` first/);
    assert.equal(fake.requests.filter((r) => r.method === 'PATCH').length, 0);
  });

  it('--set-env with --env is a usage error (exit 2) that says why', async () => {
    const { code, stderr } = await cli(
      rollingFile,
      'deploy',
      'api',
      '--version',
      '1.1.0',
      '--set-env',
      'A=1',
    );
    assert.equal(code, 2);
    assert.match(
      stderr,
      /--set-env cannot be used with --env: a release on the cluster changes only the image tag/,
    );
    assert.equal(fake.requests.length, 0);
  });

  it('rolling: patches the image of the Deployment, waits for its rollout by watch, records success in the annotation', async () => {
    fake.put(stableDeployment({}));
    const { code, stdout, stderr } = await cli(rollingFile, 'deploy', 'api', '--version', '1.1.0');
    assert.equal(code, 0, stderr);
    assert.match(
      stdout,
      /revision 1: rolling release of api 1\.0\.0 → 1\.1\.0 on fake \(http:\/\/127\.0\.0\.1:\d+\), namespace demo/,
    );
    assert.equal(stored(STABLE_PATH)?.spec.template.spec.containers[0]?.image, 'ghcr.io/acme/demo-api:1.1.0');
    const imageApply = fake.requests.find(
      (r) => r.method === 'PATCH' && r.query.fieldManager === 'gantry-release-image',
    );
    assert.equal(imageApply?.query.force, 'true');
    assert.ok(
      fake.requests.some(
        (r) => r.method === 'GET' && r.query.watch === 'true' && r.path.endsWith('/deployments'),
      ),
      'waited by watching the Deployment',
    );
    assert.equal(release()?.status, 'succeeded');
    assert.equal(release()?.version, '1.1.0');
  });

  it('gantry apply after a release keeps what the release set (the API server would refuse it otherwise); --force-conflicts takes it back', async () => {
    const first = await cli(rollingFile, 'apply');
    assert.equal(first.code, 0, first.stderr);
    const deploy = await cli(rollingFile, 'deploy', 'api', '--version', '1.1.0');
    assert.equal(deploy.code, 0, deploy.stderr);
    const image = () => stored(STABLE_PATH)?.spec.template.spec.containers[0]?.image;
    assert.equal(image(), 'ghcr.io/acme/demo-api:1.1.0');

    // What a plain re-apply of the rendered Deployment would meet: the release owns the image.
    const body = JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'demo' },
      spec: { template: { spec: { containers: [{ name: 'api', image: 'ghcr.io/acme/demo-api:1.0.0' }] } } },
    });
    const refused = await fetch(`${apiServer}${STABLE_PATH}?fieldManager=gantry`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/apply-patch+yaml' },
      body,
    });
    assert.equal(refused.status, 409);
    assert.match(
      ((await refused.json()) as { message: string }).message,
      /conflict with "gantry-release-image": \.spec\.template\.spec\.containers\[name="api"\]\.image/,
    );

    const again = await cli(rollingFile, 'apply');
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      /kept Deployment demo\/api \.spec\.template\.metadata\.labels\.app\.kubernetes\.io\/version, \.spec\.template\.spec\.containers\[name="api"\]\.image as a release set them \(gantry-release-image; --force-conflicts takes them back\)/,
    );
    assert.equal(image(), 'ghcr.io/acme/demo-api:1.1.0', 'the released image stays');

    const forced = await cli(rollingFile, 'apply', '--force-conflicts');
    assert.equal(forced.code, 0, forced.stderr);
    assert.doesNotMatch(forced.stdout, /^kept /m);
    assert.equal(image(), 'ghcr.io/acme/demo-api:1.0.0', "--force-conflicts puts the spec's image back");
  });

  it('rolling past its progress deadline: sets the previous image back, records the rollback, exits 1', async () => {
    fake.rollout = 'deadline';
    fake.put(stableDeployment({}));
    const { code, stderr } = await cli(rollingFile, 'deploy', 'api', '--version', '1.1.0');
    assert.equal(code, 1);
    assert.match(
      stderr,
      /api 1\.1\.0 rolled-back: .*ProgressDeadlineExceeded|api 1\.1\.0 rolled-back: .*timed out progressing/,
    );
    assert.equal(stored(STABLE_PATH)?.spec.template.spec.containers[0]?.image, 'ghcr.io/acme/demo-api:1.0.0');
    assert.deepEqual(
      fake.requests
        .filter((r) => r.query.fieldManager === 'gantry-release-image')
        .map((r) => (r.body as Stored).spec.template.spec.containers[0]?.image),
      ['ghcr.io/acme/demo-api:1.1.0', 'ghcr.io/acme/demo-api:1.0.0'],
    );
    assert.equal(release()?.status, 'rolled-back');
  });

  it('rollback of a finished rolling release sets the previous image again as a new revision; history lists both', async () => {
    fake.put(stableDeployment({}));
    const deploy = await cli(rollingFile, 'deploy', 'api', '--version', '1.1.0');
    assert.equal(deploy.code, 0, deploy.stderr);

    const { code, stdout, stderr } = await cli(rollingFile, 'rollback', 'api');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /revision 2: rollback of api 1\.1\.0 → 1\.0\.0 \(revision 1\)/);
    assert.equal(stored(STABLE_PATH)?.spec.template.spec.containers[0]?.image, 'ghcr.io/acme/demo-api:1.0.0');
    assert.deepEqual(
      fake.requests
        .filter((r) => r.query.fieldManager === 'gantry-release-image')
        .map((r) => (r.body as Stored).spec.template.spec.containers[0]?.image),
      ['ghcr.io/acme/demo-api:1.1.0', 'ghcr.io/acme/demo-api:1.0.0'],
    );
    assert.equal(release()?.strategy, 'rollback');
    assert.equal(release()?.status, 'succeeded');

    const history = await cli(rollingFile, 'history', 'api', '--output', 'json');
    assert.equal(history.code, 0, history.stderr);
    assert.deepEqual(
      (JSON.parse(history.stdout) as ReleaseState[]).map((r) => [r.id, r.strategy, r.version, r.status]),
      [
        [1, 'rolling', '1.1.0', 'succeeded'],
        [2, 'rollback', '1.0.0', 'succeeded'],
      ],
    );
  });

  it('--strategy blue-green on a service applied as rolling: usage error (exit 2) naming what blue-green needs, nothing sent', async () => {
    const { code, stderr } = await cli(
      rollingFile,
      'deploy',
      'api',
      '--version',
      '1.1.0',
      '--strategy',
      'blue-green',
    );
    assert.equal(code, 2);
    assert.match(
      stderr,
      /api is applied as rolling: a blue-green release on the cluster needs api-blue and api-green and a Service selecting one/,
    );
    assert.match(
      stderr,
      /hint: set release.strategy: blue-green for this service and run gantry apply --env first/,
    );
    assert.equal(fake.requests.length, 0);
  });

  it('rollback with no earlier version in the history: exit 1 saying why and what to run, nothing written', async () => {
    fake.put(stableDeployment({}));
    const { code, stderr } = await cli(rollingFile, 'rollback', 'api');
    assert.equal(code, 1);
    assert.match(stderr, /cannot roll back api on fake .*: no release on the cluster yet/);
    assert.match(stderr, /hint: release a version first: gantry deploy api --version V --env prod/);
    assert.equal(fake.requests.filter((r) => r.method === 'PATCH').length, 0);
  });

  it('canary by replica ratio: creates api-canary, scales stable/canary per step, a second process promotes, the canary is folded into the stable Deployment', async () => {
    fake.readyOnApply = true;
    fake.put(stableDeployment({ track: 'stable' }));
    const deploy = cli(canaryFile, 'deploy', 'api', '--version', '1.1.0');

    await until('the pause step', () => release()?.status === 'paused');
    assert.equal(stored(CANARY_PATH)?.spec.replicas, 1);
    assert.equal(stored(CANARY_PATH)?.spec.template.spec.containers[0]?.image, 'ghcr.io/acme/demo-api:1.1.0');
    assert.equal(stored(STABLE_PATH)?.spec.replicas, 3, 'stable gives up one pod for weight 25 of 4');

    const status = await cli(canaryFile, 'rollout', 'status', 'api', '--output', 'json');
    assert.equal(status.code, 0, status.stderr);
    const shown = JSON.parse(status.stdout) as {
      release: ReleaseState;
      traffic: string;
      versions: { version: string; weight: number }[];
    };
    assert.equal(shown.release.status, 'paused');
    assert.equal(shown.traffic, 'replica-ratio');
    assert.deepEqual(
      shown.versions.map((v) => [v.version, v.weight]),
      [
        ['1.0.0', 75],
        ['1.1.0', 25],
      ],
    );

    const watching = cli(canaryFile, 'rollout', 'status', 'api', '--watch');
    const promote = await cli(canaryFile, 'promote', 'api');
    assert.equal(promote.code, 0, promote.stderr);
    assert.match(promote.stdout, /api: promote requested \(revision 1: 1\.1\.0\)/);

    const { code, stdout, stderr } = await deploy;
    assert.equal(code, 0, stderr);
    assert.match(stdout, /traffic: by replica ratio \(no Gateway API HTTPRoute demo\/api\)/);
    assert.match(stdout, /promote requested/);
    assert.equal(release()?.status, 'succeeded');
    const watched = await watching;
    assert.equal(watched.code, 0, watched.stderr);
    assert.match(watched.stdout, /\d\d:\d\d:\d\d paused: /);
    assert.match(watched.stdout, /\d\d:\d\d:\d\d succeeded: promoted: 1\.1\.0 takes 100 % of traffic/);
    assert.equal(stored(STABLE_PATH)?.spec.template.spec.containers[0]?.image, 'ghcr.io/acme/demo-api:1.1.0');
    assert.equal(stored(STABLE_PATH)?.spec.replicas, 4);
    assert.equal(stored(CANARY_PATH)?.spec.replicas, 0);
  });

  it('abort from a second process: the driving deploy takes it from the annotation, gives the stable its pods back and exits 1', async () => {
    fake.readyOnApply = true;
    fake.put(stableDeployment({ track: 'stable' }));
    const deploy = cli(canaryFile, 'deploy', 'api', '--version', '1.1.0');
    await until('the pause step', () => release()?.status === 'paused');

    const abort = await cli(canaryFile, 'abort', 'api');
    assert.equal(abort.code, 0, abort.stderr);

    const { code, stderr } = await deploy;
    assert.equal(code, 1);
    assert.match(stderr, /api 1\.1\.0 aborted/);
    assert.equal(release()?.status, 'aborted');
    assert.equal(stored(STABLE_PATH)?.spec.replicas, 4);
    assert.equal(stored(STABLE_PATH)?.spec.template.spec.containers[0]?.image, 'ghcr.io/acme/demo-api:1.0.0');
    assert.equal(stored(CANARY_PATH)?.spec.replicas, 0);

    const again = await cli(canaryFile, 'abort', 'api');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /release 1 of api is aborted, not in progress/);
  });

  it('canary smoke checks go through a port-forward to a ready canary pod; a failing one rolls back before any traffic', async () => {
    const front = new FakePodLogs();
    const server = await front.start(apiServer);
    const viaFront = join(work, `kubeconfig-front-${Date.now()}`);
    writeFileSync(viaFront, kubeconfigFor(server, 'demo'));
    try {
      fake.readyOnApply = true;
      fake.put(stableDeployment({ track: 'stable' }));
      fake.put({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'api-canary-5c4-a',
          namespace: 'demo',
          labels: {
            'app.kubernetes.io/name': 'api',
            'app.kubernetes.io/instance': 'demo-api',
            track: 'canary',
          },
        },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      });
      const { code, stdout, stderr } = await gantry(
        ['deploy', 'api', '--version', '1.1.0', '-f', smokeFile, '--env', 'prod', '--kubeconfig', viaFront],
        { timeoutMs: 60_000 },
      );
      // The fake pod echoes the request back, which is no HTTP answer: the check fails.
      assert.equal(code, 1, stdout);
      assert.deepEqual(front.portForward.opened, ['demo/api-canary-5c4-a:8000']);
      assert.match(stdout, /SmokeFailed: GET \/health: /);
      assert.match(stderr, /api 1\.1\.0 rolled-back: smoke check failed: GET \/health/);
      assert.equal(stored(CANARY_PATH)?.spec.replicas, 0);
      assert.equal(stored(STABLE_PATH)?.spec.replicas, 4);
    } finally {
      await front.stop();
    }
  });
});
