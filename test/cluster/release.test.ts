/**
 * Releases on a cluster — `gantry deploy/rollout status/promote/abort/rollback/history --env prod`
 * as users run them (real CLI processes, the service applied first by `gantry apply`) against a
 * REAL control plane (test/support/kube-cluster.ts): the Deployment controller rolls out what a
 * release writes, kwok's pods become ready (or never do, for the image tag `never-ready`), a second
 * process steers the release through the annotation, and smoke checks go through a real
 * port-forward to a local server standing in for the pod.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type KubernetesObject, PatchStrategy } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { decodeRelease } from '../../src/platform/kubernetes/release-annotation.ts';
import type { ReleaseState } from '../../src/rollout/state.ts';
import { gantry } from '../support/gantry.ts';
import { testClusterOrSkip, waitFor } from '../support/kube-cluster.ts';

const { cluster, skip } = await testClusterOrSkip();
after(() => cluster?.stop());

const work = mkdtempSync(join(tmpdir(), 'gantry-release-cluster-'));
after(() => rmSync(work, { recursive: true, force: true }));

// These tests drive the mechanics (objects, weights, requests from another process); there is no
// traffic to measure on this control plane (kwok runs no containers), so analysis is off, as a user says it.
const CANARY = `      strategy: canary
      steps: [ { weight: 25 }, { pause: {} }, { weight: 100 } ]
      analysis: { enabled: false }`;
const ROLLING = '      strategy: rolling\n      analysis: { enabled: false }';

const spec = (namespace: string, release: string) => `app: demo
namespace: ${namespace}
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

type Deployment = KubernetesObject & {
  metadata: { annotations?: Record<string, string> };
  spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
  status?: { readyReplicas?: number; updatedReplicas?: number };
};

/** A namespace with the spec (`release` lines under services.api.release), applied unless `apply: false`. */
async function arranged(releaseLines: string, options: { apply?: boolean } = {}) {
  const namespace = await cluster!.namespace('release');
  const file = join(work, `${namespace}.yaml`);
  writeFileSync(file, spec(namespace, releaseLines));
  const kubeconfig = cluster!.kubeconfig({ namespace });
  const cli = (...args: string[]) =>
    gantry([...args, '-f', file, '--env', 'prod', '--kubeconfig', kubeconfig], { timeoutMs: 150_000 });
  if (options.apply !== false) {
    const applied = await cli('apply', '--timeout', '90s');
    assert.equal(applied.code, 0, applied.stderr);
  }
  const deployment = async (name: string) =>
    (await cluster!.api
      .read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace } })
      .catch(() => undefined)) as Deployment | undefined;
  const image = async (name = 'api') => (await deployment(name))?.spec.template.spec.containers[0]?.image;
  const release = async (): Promise<ReleaseState | undefined> => {
    const text = (await deployment('api'))?.metadata.annotations?.['gantry.dev/release'];
    if (text === undefined) return undefined;
    const decoded = decodeRelease(text);
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.problem);
    return decoded.value.state;
  };
  const writes = (manager: string) =>
    cluster!.requests(namespace).filter((r) => r.method === 'PATCH' && r.query.fieldManager === manager);
  return { namespace, file, kubeconfig, cli, deployment, image, release, writes };
}

describe('releases on a real control plane', { skip }, () => {
  it('a service not applied yet: exit 1 naming the Deployment and the command to run first, nothing written', async () => {
    const { namespace, cli } = await arranged(ROLLING, { apply: false });
    const { code, stderr } = await cli('deploy', 'api', '--version', '1.1.0');
    assert.equal(code, 1);
    assert.match(
      stderr,
      new RegExp(`Deployment ${namespace}/api not found: a release needs the service applied first`),
    );
    assert.match(stderr, /hint: run `gantry apply --env <name>` first/);
    assert.equal(cluster!.requests(namespace).filter((r) => r.method === 'PATCH').length, 0);
  });

  it('--set-env with --env is a usage error (exit 2) that says why, before any request', async () => {
    const { namespace, cli } = await arranged(ROLLING, { apply: false });
    const { code, stderr } = await cli('deploy', 'api', '--version', '1.1.0', '--set-env', 'A=1');
    assert.equal(code, 2);
    assert.match(
      stderr,
      /--set-env cannot be used with --env: a release on the cluster changes only the image tag/,
    );
    assert.equal(cluster!.requests(namespace).length, 0);
  });

  it('rolling: sets the image (gantry-release-image, forced), the Deployment controller rolls every pod to it, success in the annotation', async () => {
    const { namespace, cli, image, release, writes, deployment } = await arranged(ROLLING);
    const { code, stdout, stderr } = await cli('deploy', 'api', '--version', '1.1.0');
    assert.equal(code, 0, stderr);
    assert.match(
      stdout,
      new RegExp(
        `revision 1: rolling release of api 1\\.0\\.0 → 1\\.1\\.0 on gantry-test \\(https://127\\.0\\.0\\.1:\\d+\\), namespace ${namespace}`,
      ),
    );
    assert.match(
      stdout,
      /no gantry controller is installed \(no Lease gantry-system\/gantry-controller\): this gantry deploy drives the release itself until it ends/,
    );
    assert.equal(await image(), 'ghcr.io/acme/demo-api:1.1.0');
    assert.deepEqual(writes('gantry-release-image')[0]?.query, {
      fieldManager: 'gantry-release-image',
      force: 'true',
    });
    const status = (await deployment('api'))!.status!;
    assert.equal(status.updatedReplicas, 4);
    assert.equal(status.readyReplicas, 4);
    const pods = await cluster!.api.list(
      'v1',
      'Pod',
      namespace,
      undefined,
      undefined,
      undefined,
      undefined,
      'app.kubernetes.io/name=api',
    );
    const running = pods.items.filter((p) => !p.metadata?.deletionTimestamp) as unknown as {
      spec: { containers: { image: string }[] };
    }[];
    assert.deepEqual(
      new Set(running.map((p) => p.spec.containers[0]!.image)),
      new Set(['ghcr.io/acme/demo-api:1.1.0']),
    );
    assert.equal((await release())?.status, 'succeeded');
    assert.equal((await release())?.version, '1.1.0');
  });

  it('gantry apply after a release keeps what the release set (the API server refuses a plain re-apply with 409); --force-conflicts takes it back', async () => {
    const { namespace, cli, image } = await arranged(ROLLING);
    const deploy = await cli('deploy', 'api', '--version', '1.1.0');
    assert.equal(deploy.code, 0, deploy.stderr);

    // What a plain re-apply of the rendered image meets on a real API server.
    await assert.rejects(
      cluster!.api.patch(
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'api', namespace },
          spec: {
            template: { spec: { containers: [{ name: 'api', image: 'ghcr.io/acme/demo-api:1.0.0' }] } },
          },
        } as KubernetesObject,
        undefined,
        undefined,
        'gantry',
        undefined,
        PatchStrategy.ServerSideApply,
      ),
      (error: { code?: number; body?: string }) => {
        assert.equal(error.code, 409);
        assert.equal(
          (JSON.parse(String(error.body)) as { message: string }).message,
          'Apply failed with 1 conflict: conflict with "gantry-release-image": .spec.template.spec.containers[name="api"].image',
        );
        return true;
      },
    );

    const again = await cli('apply', '--timeout', '90s');
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      new RegExp(
        `kept Deployment ${namespace}/api \\.spec\\.template\\.metadata\\.labels\\.app\\.kubernetes\\.io/version, \\.spec\\.template\\.spec\\.containers\\[name="api"\\]\\.image as a release set them \\(gantry-release-image; --force-conflicts takes them back\\)`,
      ),
    );
    assert.equal(await image(), 'ghcr.io/acme/demo-api:1.1.0', 'the released image stays');

    const forced = await cli('apply', '--force-conflicts', '--timeout', '90s');
    assert.equal(forced.code, 0, forced.stderr);
    assert.doesNotMatch(forced.stdout, /^kept /m);
    assert.equal(
      await image(),
      'ghcr.io/acme/demo-api:1.0.0',
      "--force-conflicts puts the spec's image back",
    );
  });

  it('rolling to pods that never become ready: past progressDeadlineSeconds the previous image is set back, rolled-back recorded, exit 1', async () => {
    const { cli, image, release, writes } = await arranged(`${ROLLING}\n      progressDeadlineSeconds: 5`);
    const { code, stderr } = await cli('deploy', 'api', '--version', 'never-ready');
    assert.equal(code, 1);
    assert.match(
      stderr,
      /api never-ready rolled-back: .*(ProgressDeadlineExceeded|timed out progressing|not ready within progressDeadlineSeconds)/,
    );
    assert.equal(await image(), 'ghcr.io/acme/demo-api:1.0.0');
    assert.equal(writes('gantry-release-image').length, 2);
    assert.equal((await release())?.status, 'rolled-back');
  });

  it('rollback of a finished rolling release sets the previous image again as a new revision; history lists both', async () => {
    const { cli, image, release } = await arranged(ROLLING);
    assert.equal((await cli('deploy', 'api', '--version', '1.1.0')).code, 0);
    const { code, stdout, stderr } = await cli('rollback', 'api');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /revision 2: rollback of api 1\.1\.0 → 1\.0\.0 \(revision 1\)/);
    assert.equal(await image(), 'ghcr.io/acme/demo-api:1.0.0');
    assert.equal((await release())?.strategy, 'rollback');
    assert.equal((await release())?.status, 'succeeded');
    const history = await cli('history', 'api', '--output', 'json');
    assert.equal(history.code, 0, history.stderr);
    assert.deepEqual(
      (JSON.parse(history.stdout) as ReleaseState[]).map((r) => [r.id, r.strategy, r.version, r.status]),
      [
        [1, 'rolling', '1.1.0', 'succeeded'],
        [2, 'rollback', '1.0.0', 'succeeded'],
      ],
    );
  });

  it('--strategy blue-green on a service applied as rolling, and a rollback with nothing to go back to: errors that say why, nothing written', async () => {
    const { namespace, cli } = await arranged(ROLLING);
    const before = cluster!.requests(namespace).filter((r) => r.method === 'PATCH').length;
    const blueGreen = await cli('deploy', 'api', '--version', '1.1.0', '--strategy', 'blue-green');
    assert.equal(blueGreen.code, 2);
    assert.match(
      blueGreen.stderr,
      /api is applied as rolling: a blue-green release on the cluster needs api-blue and api-green and a Service selecting one/,
    );
    const rollback = await cli('rollback', 'api');
    assert.equal(rollback.code, 1);
    assert.match(rollback.stderr, /cannot roll back api on gantry-test .*: no release yet/);
    assert.match(rollback.stderr, /hint: release a version first: gantry deploy api --version V --env prod/);
    assert.equal(cluster!.requests(namespace).filter((r) => r.method === 'PATCH').length, before);
  });

  it('canary by replica ratio: api-canary from the stable pod spec, replicas per step, a second process watches and promotes, the canary folded into api', async () => {
    const { cli, deployment, image, release } = await arranged(CANARY);
    const deploy = cli('deploy', 'api', '--version', '1.1.0');
    await waitFor('the pause step', async () => (await release())?.status === 'paused');
    assert.equal((await deployment('api-canary'))?.spec.replicas, 1);
    assert.equal(await image('api-canary'), 'ghcr.io/acme/demo-api:1.1.0');
    assert.equal((await deployment('api'))?.spec.replicas, 3, 'stable gives up one pod for weight 25 of 4');

    const status = await cli('rollout', 'status', 'api', '--output', 'json');
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

    const watching = cli('rollout', 'status', 'api', '--watch');
    const promote = await cli('promote', 'api');
    assert.equal(promote.code, 0, promote.stderr);
    assert.match(promote.stdout, /api: promote requested \(revision 1: 1\.1\.0\)/);
    const { code, stdout, stderr } = await deploy;
    assert.equal(code, 0, stderr);
    assert.match(stdout, /traffic: by replica ratio \(no Gateway API HTTPRoute release-[0-9a-f]+\/api\)/);
    assert.equal((await release())?.status, 'succeeded');
    const watched = await watching;
    assert.equal(watched.code, 0, watched.stderr);
    assert.match(watched.stdout, /\d\d:\d\d:\d\d succeeded: promoted: 1\.1\.0 takes 100 % of traffic/);
    assert.equal(await image(), 'ghcr.io/acme/demo-api:1.1.0');
    assert.equal((await deployment('api'))?.spec.replicas, 4);
    assert.equal((await deployment('api-canary'))?.spec.replicas, 0);
  });

  it('abort from a second process: the driving deploy takes it from the annotation, gives the stable its pods back and exits 1', async () => {
    const { cli, deployment, image, release } = await arranged(CANARY);
    const deploy = cli('deploy', 'api', '--version', '1.1.0');
    await waitFor('the pause step', async () => (await release())?.status === 'paused');
    const abort = await cli('abort', 'api');
    assert.equal(abort.code, 0, abort.stderr);
    const { code, stderr } = await deploy;
    assert.equal(code, 1);
    assert.match(stderr, /api 1\.1\.0 aborted/);
    assert.equal((await release())?.status, 'aborted');
    assert.equal((await deployment('api'))?.spec.replicas, 4);
    assert.equal(await image(), 'ghcr.io/acme/demo-api:1.0.0');
    assert.equal((await deployment('api-canary'))?.spec.replicas, 0);
    const again = await cli('abort', 'api');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /release 1 of api is aborted, not in progress/);
  });

  it('canary with Gateway API HTTPRoute weights (rendered by gantry render --traffic gateway): exact weights in the route, replicas stay', async () => {
    const { namespace, file, cli, deployment, release } = await arranged(CANARY, { apply: false });
    // What a user of --traffic gateway applies: the rendered objects, server-side, as field manager gantry.
    const out = join(work, `${namespace}-rendered`);
    const rendered = await gantry([
      'render',
      '-f',
      file,
      '--env',
      'prod',
      '--traffic',
      'gateway',
      '--output',
      out,
    ]);
    assert.equal(rendered.code, 0, rendered.stderr);
    for (const name of readdirSync(out).filter((f) => f.endsWith('.yaml')))
      for (const doc of parseAllDocuments(readFileSync(join(out, name), 'utf8'))) {
        const object = doc.toJS() as KubernetesObject | null;
        if (object?.kind)
          await cluster!.api.patch(
            object,
            undefined,
            undefined,
            'gantry',
            true,
            PatchStrategy.ServerSideApply,
          );
      }
    await waitFor('api ready', async () => (await deployment('api'))?.status?.readyReplicas === 4);
    const route = async () =>
      (await cluster!.api.read({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'api', namespace },
      })) as {
        spec: { parentRefs: unknown[]; rules: { backendRefs: { name: string; weight: number }[] }[] };
      };
    const deploy = cli('deploy', 'api', '--version', '1.1.0');
    await waitFor('the pause step', async () => (await release())?.status === 'paused');
    assert.deepEqual(
      (await route()).spec.rules[0]!.backendRefs.map((r) => [r.name, r.weight]),
      [
        ['api-stable', 75],
        ['api-canary', 25],
      ],
    );
    assert.deepEqual((await route()).spec.parentRefs, [
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'demo' },
    ]);
    assert.equal((await deployment('api'))?.spec.replicas, 4, 'the stable keeps its size: the route weighs');
    const promote = await cli('promote', 'api');
    assert.equal(promote.code, 0, promote.stderr);
    const { code, stdout, stderr } = await deploy;
    assert.equal(code, 0, stderr);
    assert.match(
      stdout,
      new RegExp(`traffic: exact weights through the Gateway API HTTPRoute ${namespace}/api`),
    );
    assert.deepEqual(
      (await route()).spec.rules[0]!.backendRefs.map((r) => [r.name, r.weight]),
      [
        ['api-stable', 100],
        ['api-canary', 0],
      ],
    );
  });

  it('canary smoke checks go through a real port-forward to a ready canary pod; a failing one rolls back before any traffic', async () => {
    const { namespace, cli, deployment } = await arranged(`${CANARY}\n      smoke: [ { path: /health } ]`);
    const health: string[] = [];
    const pod = await localPod((url) => {
      health.push(url);
      return 503;
    });
    try {
      await forwardNamespace(namespace, pod);
      const { code, stdout, stderr } = await cli('deploy', 'api', '--version', '1.1.0');
      assert.equal(code, 1, stdout);
      assert.ok(health.includes('/health'), 'the smoke check reached the "pod"');
      assert.match(stdout, /SmokeFailed: GET \/health: /);
      assert.match(stderr, /api 1\.1\.0 rolled-back: smoke check failed: GET \/health/);
      assert.equal((await deployment('api-canary'))?.spec.replicas, 0);
      assert.equal((await deployment('api'))?.spec.replicas, 4);
    } finally {
      await unforward(namespace);
      pod.close();
    }
  });
});

/** A local HTTP server standing in for the pods' port 8000: answers `status(url)`. */
async function localPod(status: (url: string) => number): Promise<Server> {
  const server = createServer((req, res) => res.writeHead(status(req.url ?? '/')).end('from the pod'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** kwok forwards port 8000 of every pod in `namespace` to `server`. */
export async function forwardNamespace(namespace: string, server: Server): Promise<void> {
  await cluster!.api.create({
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterPortForward',
    metadata: { name: `pf-${namespace}` },
    spec: {
      selector: { matchNamespaces: [namespace] },
      forwards: [
        { ports: [8000], target: { address: '127.0.0.1', port: (server.address() as AddressInfo).port } },
      ],
    },
  } as KubernetesObject);
}

async function unforward(namespace: string): Promise<void> {
  await cluster!.api.delete({
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterPortForward',
    metadata: { name: `pf-${namespace}` },
  });
}
