/**
 * `gantry deploy SERVICE --version V --digest sha256:… --env prod` as the generated pipeline runs it
 * (real CLI processes) against a FAKE Kubernetes API server (test/support/fake-kube-api.ts) —
 * contract tests, not cluster tests: the image the release writes is `repo:V@sha256:…`, so the
 * kubelet pulls the digest CI pushed and signed while people still read the tag; a malformed
 * digest, or one without --env, is a usage error before anything is sent.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { decodeRelease } from '../../src/platform/kubernetes/release-annotation.ts';
import { FakeKubeApi, kubeconfigFor } from '../support/fake-kube-api.ts';
import { gantry } from '../support/gantry.ts';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const PINNED = `ghcr.io/acme/demo-api:1.1.0@${DIGEST}`;

const spec = (release: string) => `app: demo
services:
  api:
    image: ghcr.io/acme/demo-api:1.0.0
    port: 8000
    replicas: 4
    release:
${release}
      analysis: { enabled: false }   # the mechanics only: the fake API server has no traffic to measure
environments:
  prod: {}
`;

const work = mkdtempSync(join(tmpdir(), 'gantry-deploy-digest-'));
after(() => rmSync(work, { recursive: true, force: true }));
const rollingFile = join(work, 'rolling.yaml');
writeFileSync(rollingFile, spec('      strategy: rolling'));
const canaryFile = join(work, 'canary.yaml');
writeFileSync(canaryFile, spec('      strategy: canary\n      steps: [ { weight: 50 }, { weight: 100 } ]'));

const blueGreenFile = join(work, 'blue-green.yaml');
writeFileSync(
  blueGreenFile,
  spec('      strategy: blue-green\n      autoPromotion: true\n      scaleDownDelaySeconds: 0'),
);

const STABLE = '/apis/apps/v1/namespaces/demo/deployments/api';
const BLUE = '/apis/apps/v1/namespaces/demo/deployments/api-blue';
const GREEN = '/apis/apps/v1/namespaces/demo/deployments/api-green';
const SERVICE = '/api/v1/namespaces/demo/services/api';
const CANARY = '/apis/apps/v1/namespaces/demo/deployments/api-canary';

type Stored = {
  metadata: { annotations?: Record<string, string> };
  spec: {
    replicas: number;
    template: {
      metadata: { labels: Record<string, string> };
      spec: { containers: { image: string }[] };
    };
  };
};

let fake: FakeKubeApi;
let kubeconfig: string;

const stored = (path: string) => fake.objects.get(path) as unknown as Stored | undefined;
const image = (path: string) => stored(path)?.spec.template.spec.containers[0]?.image;
/** Every image a release manager sent for a Deployment, in order. */
const imagesSent = (path: string, manager: string) =>
  fake.requests
    .filter((r) => r.method === 'PATCH' && r.path === path && r.query.fieldManager === manager)
    .map((r) => (r.body as Stored).spec.template.spec.containers[0]?.image);

function cli(file: string, ...args: string[]) {
  return gantry([...args, '-f', file, '--kubeconfig', kubeconfig], { timeoutMs: 60_000 });
}

/** `gantry apply` of the spec, then the fake's Deployments become ready as soon as they are written. */
async function applied(file: string): Promise<void> {
  const run = await cli(file, 'apply', '--env', 'prod', '--timeout', '20s');
  assert.equal(run.code, 0, run.stderr);
  fake.readyOnApply = true;
}

/** `gantry deploy api --version 1.1.0 --digest DIGEST --env prod`, as the generated pipeline runs it. */
function deployByDigest(file: string, digest: string = DIGEST) {
  return cli(file, 'deploy', 'api', '--version', '1.1.0', '--digest', digest, '--env', 'prod');
}

function releaseStatus(): string | undefined {
  const text = stored(STABLE)?.metadata.annotations?.['gantry.dev/release'];
  if (text === undefined) return undefined;
  const decoded = decodeRelease(text);
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.problem);
  return `${decoded.value.state.version} ${decoded.value.state.status}`;
}

describe('gantry deploy --digest — contract tests (fake API server)', () => {
  beforeEach(async () => {
    await fake?.stop();
    fake = new FakeKubeApi();
    kubeconfig = join(work, `kubeconfig-${Date.now()}`);
    writeFileSync(kubeconfig, kubeconfigFor(await fake.start(), 'demo'));
  });
  after(() => fake?.stop());

  it('rolling: the stable Deployment runs repo:V@sha256:…, its pods labelled with V', async () => {
    await applied(rollingFile);
    assert.equal(image(STABLE), 'ghcr.io/acme/demo-api:1.0.0');

    const { code, stderr } = await deployByDigest(rollingFile);
    assert.equal(code, 0, stderr);
    assert.deepEqual(imagesSent(STABLE, 'gantry-release-image'), [PINNED]);
    assert.equal(image(STABLE), PINNED);
    assert.equal(stored(STABLE)?.spec.template.metadata.labels['app.kubernetes.io/version'], '1.1.0');
    assert.equal(releaseStatus(), '1.1.0 succeeded');
  });

  it('canary: api-canary runs the digest, and so does the stable Deployment once the canary is promoted', async () => {
    await applied(canaryFile);

    const { code, stderr } = await deployByDigest(canaryFile);
    assert.equal(code, 0, stderr);
    assert.deepEqual([...new Set(imagesSent(CANARY, 'gantry-release-canary'))], [PINNED]);
    assert.equal(image(STABLE), PINNED);
    assert.equal(stored(CANARY)?.spec.replicas, 0);
    assert.equal(releaseStatus(), '1.1.0 succeeded');
  });

  it('blue-green: the idle colour comes up at the digest, the Service moves to it, the old colour keeps its tag', async () => {
    await applied(blueGreenFile);

    const { code, stderr } = await deployByDigest(blueGreenFile);
    assert.equal(code, 0, stderr);
    assert.deepEqual(imagesSent(GREEN, 'gantry-release-image'), [PINNED]);
    assert.equal(image(GREEN), PINNED);
    assert.equal(stored(GREEN)?.spec.replicas, 4);
    assert.equal(image(BLUE), 'ghcr.io/acme/demo-api:1.0.0');
    assert.equal(stored(BLUE)?.spec.replicas, 0);
    const selector = (fake.objects.get(SERVICE) as unknown as { spec: { selector: Record<string, string> } })
      .spec.selector;
    assert.equal(selector.version, 'green');
  });

  for (const [title, digest, shown] of [
    ['too short', 'sha256:abc', 'sha256:abc'],
    ['upper-case hex', `sha256:${'AB'.repeat(32)}`, `sha256:${'AB'.repeat(32)}`],
    ['no algorithm', '0123456789abcdef'.repeat(4), '0123456789abcdef'.repeat(4)],
    ['empty', '', '""'],
  ] as const)
    it(`a malformed digest (${title}): usage error (exit 2) with a hint, nothing sent`, async () => {
      const { code, stdout, stderr } = await deployByDigest(rollingFile, digest);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.equal(
        stderr,
        `error: --digest ${shown}: expected sha256: and 64 hex digits\n  hint: the digest the registry gave the pushed image, e.g. from docker image inspect --format {{.RepoDigests}}\n`,
      );
      assert.equal(fake.requests.length, 0);
    });

  it('--digest without --env: usage error (exit 2), the local platform runs commands, not images', async () => {
    // No --env, --context or --kubeconfig: the command targets the local daemon.
    const { code, stderr } = await gantry([
      'deploy',
      'api',
      '--version',
      '1.1.0',
      '--digest',
      DIGEST,
      '-f',
      rollingFile,
    ]);
    assert.equal(code, 2);
    assert.equal(
      stderr,
      'error: --digest needs --env: it pins the image a cluster pulls; gantry up runs `run`, not images\n',
    );
    assert.equal(fake.requests.length, 0);
  });
});
