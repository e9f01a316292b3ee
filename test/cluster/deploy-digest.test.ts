/**
 * `gantry deploy SERVICE --version V --digest sha256:… --env prod` as the generated pipeline runs it
 * (real CLI processes, the service applied first by `gantry apply`) against a REAL control plane
 * (test/support/kube-cluster.ts): the image a release writes is `repo:V@sha256:…`, so the kubelet
 * pulls the digest CI pushed and signed while people still read the tag — and the Deployment
 * controller's pods carry it; a malformed digest, or one without --env, is a usage error before
 * anything is sent.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { decodeRelease } from '../../src/platform/kubernetes/release-annotation.ts';
import { gantry } from '../support/gantry.ts';
import { testClusterOrSkip, waitFor } from '../support/kube-cluster.ts';

const { cluster, skip } = await testClusterOrSkip();
after(() => cluster?.stop());

const work = mkdtempSync(join(tmpdir(), 'gantry-deploy-digest-'));
after(() => rmSync(work, { recursive: true, force: true }));

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const PINNED = `ghcr.io/acme/demo-api:1.1.0@${DIGEST}`;

// The mechanics only: kwok's pods serve nothing to measure, so analysis is off, as a user says it.
const ROLLING = '      strategy: rolling\n      analysis: { enabled: false }';
const CANARY =
  '      strategy: canary\n      steps: [ { weight: 50 }, { weight: 100 } ]\n      analysis: { enabled: false }';
const BLUE_GREEN =
  '      strategy: blue-green\n      autoPromotion: true\n      scaleDownDelaySeconds: 0\n      analysis: { enabled: false }';

type Deployment = KubernetesObject & {
  metadata: { annotations?: Record<string, string> };
  spec: {
    replicas: number;
    template: { metadata: { labels: Record<string, string> }; spec: { containers: { image: string }[] } };
  };
};

/** A namespace with the spec applied, and readers of what the API server holds. */
async function arranged(release: string, options: { apply?: boolean } = {}) {
  const namespace = await cluster!.namespace('digest');
  const file = join(work, `${namespace}.yaml`);
  writeFileSync(
    file,
    `app: demo\nnamespace: ${namespace}\nservices:\n  api:\n    image: ghcr.io/acme/demo-api:1.0.0\n    port: 8000\n    replicas: 4\n    release:\n${release}\nenvironments:\n  prod: {}\n`,
  );
  const kubeconfig = cluster!.kubeconfig({ namespace });
  const cli = (...args: string[]) =>
    gantry([...args, '-f', file, '--kubeconfig', kubeconfig], { timeoutMs: 150_000 });
  if (options.apply !== false) {
    const applied = await cli('apply', '--env', 'prod', '--timeout', '90s');
    assert.equal(applied.code, 0, applied.stderr);
  }
  const deployment = async (name: string) =>
    (await cluster!.api
      .read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace } })
      .catch(() => undefined)) as Deployment | undefined;
  const image = async (name: string) => (await deployment(name))?.spec.template.spec.containers[0]?.image;
  /** The images of the pods running now, as the Deployment controller made them. */
  const podImages = async () => {
    const pods = (await cluster!.api.list('v1', 'Pod', namespace)).items as unknown as {
      metadata: { deletionTimestamp?: string };
      spec: { containers: { image: string }[] };
    }[];
    return [
      ...new Set(pods.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec.containers[0]!.image)),
    ];
  };
  const deployByDigest = (digest: string = DIGEST) =>
    cli('deploy', 'api', '--version', '1.1.0', '--digest', digest, '--env', 'prod');
  return { namespace, cli, deployment, image, podImages, deployByDigest };
}

describe('gantry deploy --digest on a real control plane', { skip }, () => {
  it('rolling: the stable Deployment runs repo:V@sha256:…, its pods labelled with V, and every pod runs the digest', async () => {
    const { deployment, image, podImages, deployByDigest } = await arranged(ROLLING);
    assert.equal(await image('api'), 'ghcr.io/acme/demo-api:1.0.0');
    const { code, stderr } = await deployByDigest();
    assert.equal(code, 0, stderr);
    const api = (await deployment('api'))!;
    assert.equal(api.spec.template.spec.containers[0]?.image, PINNED);
    assert.equal(api.spec.template.metadata.labels['app.kubernetes.io/version'], '1.1.0');
    const release = decodeRelease(api.metadata.annotations?.['gantry.dev/release'] ?? '');
    assert.ok(release.ok);
    assert.equal(`${release.value.state.version} ${release.value.state.status}`, '1.1.0 succeeded');
    await waitFor('every pod at the digest', async () => (await podImages()).join() === PINNED);
  });

  it('canary: the stable Deployment runs the digest once the canary is promoted, and api-canary is scaled to 0', async () => {
    const { deployment, image, deployByDigest } = await arranged(CANARY);
    const { code, stderr } = await deployByDigest();
    assert.equal(code, 0, stderr);
    assert.equal(await image('api'), PINNED);
    assert.equal(await image('api-canary'), PINNED);
    assert.equal((await deployment('api-canary'))?.spec.replicas, 0);
  });

  it('blue-green: the idle colour comes up at the digest, the Service moves to it, the old colour keeps its tag', async () => {
    const { namespace, deployment, image, deployByDigest } = await arranged(BLUE_GREEN);
    const { code, stderr } = await deployByDigest();
    assert.equal(code, 0, stderr);
    assert.equal(await image('api-green'), PINNED);
    assert.equal((await deployment('api-green'))?.spec.replicas, 4);
    assert.equal(await image('api-blue'), 'ghcr.io/acme/demo-api:1.0.0');
    await waitFor('the old colour at 0', async () => (await deployment('api-blue'))?.spec.replicas === 0);
    const service = (await cluster!.api.read({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api', namespace },
    })) as KubernetesObject & { spec: { selector: Record<string, string> } };
    assert.equal(service.spec.selector.version, 'green');
  });

  for (const [title, digest, shown] of [
    ['too short', 'sha256:abc', 'sha256:abc'],
    ['upper-case hex', `sha256:${'AB'.repeat(32)}`, `sha256:${'AB'.repeat(32)}`],
    ['no algorithm', '0123456789abcdef'.repeat(4), '0123456789abcdef'.repeat(4)],
    ['empty', '', '""'],
  ] as const)
    it(`a malformed digest (${title}): usage error (exit 2) with a hint, no request sent`, async () => {
      const { namespace, deployByDigest } = await arranged(ROLLING, { apply: false });
      const { code, stdout, stderr } = await deployByDigest(digest);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.equal(
        stderr,
        `error: --digest ${shown}: expected sha256: and 64 hex digits\n  hint: the digest the registry gave the pushed image, e.g. from docker image inspect --format {{.RepoDigests}}\n`,
      );
      assert.deepEqual(cluster!.requests(namespace), []);
    });

  it('--digest without --env: usage error (exit 2), the local platform runs commands, not images', async () => {
    // No --env, --context or --kubeconfig: the command targets the local daemon.
    const file = join(work, 'local.yaml');
    writeFileSync(
      file,
      'app: demo\nservices:\n  api:\n    image: ghcr.io/acme/demo-api:1.0.0\n    port: 8000\n',
    );
    const { code, stderr } = await gantry([
      'deploy',
      'api',
      '--version',
      '1.1.0',
      '--digest',
      DIGEST,
      '-f',
      file,
    ]);
    assert.equal(code, 2);
    assert.equal(
      stderr,
      'error: --digest needs --env: it pins the image a cluster pulls; gantry up runs `run`, not images\n',
    );
  });
});
