/**
 * The Kubernetes Platform (src/platform/kubernetes/platform.ts) against a REAL control plane
 * (test/support/kube-cluster.ts): what a release writes (server-side apply, one forced field manager
 * per concern) as the API server merges and stores it, and how it reads the result back (versions,
 * replica ratio, HTTPRoute weights, the release annotation) once the Deployment controller and kwok
 * have acted on it.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { KubernetesPlatform } from '../../src/platform/kubernetes/platform.ts';
import { connectForRelease } from '../../src/platform/kubernetes/release-api.ts';
import { releaseState } from '../../src/rollout/fixtures.test-support.ts';
import { effectiveAnalysis } from '../../src/spec/model.ts';
import { testClusterOrSkip, waitFor } from '../support/kube-cluster.ts';

const { cluster, skip } = await testClusterOrSkip();
after(() => cluster?.stop());

const selector = {
  'app.kubernetes.io/name': 'api',
  'app.kubernetes.io/instance': 'demo-api',
  track: 'stable',
};

function stableDeployment(namespace: string, matchLabels: Record<string, string> = selector) {
  const labels = { ...selector, 'app.kubernetes.io/version': '1.0.0' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace, labels },
    spec: {
      replicas: 4,
      selector: { matchLabels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            { name: 'api', image: 'ghcr.io/acme/demo-api:1.0.0', ports: [{ containerPort: 8000 }] },
          ],
        },
      },
    },
  };
}

type Stored = KubernetesObject & {
  metadata: { annotations?: Record<string, string>; managedFields?: { manager: string }[] };
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { spec: { containers: { name: string; image: string; ports?: unknown[] }[] } };
  };
  status?: { readyReplicas?: number };
};

/** A namespace with the stable Deployment (created as `gantry apply` would, field manager gantry) rolled out. */
async function arranged(matchLabels?: Record<string, string>) {
  const namespace = await cluster!.namespace('platform');
  await cluster!.api.create(
    stableDeployment(namespace, matchLabels) as KubernetesObject,
    undefined,
    undefined,
    'gantry',
  );
  // As plain JSON (client-node returns its model classes).
  const read = async (name: string) =>
    (await cluster!.api
      .read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace } })
      .then((o) => JSON.parse(JSON.stringify(o)))
      .catch(() => undefined)) as Stored | undefined;
  await waitFor('api ready', async () => (await read('api'))?.status?.readyReplicas === 4);
  const { api } = connectForRelease({ kubeconfig: cluster!.kubeconfig({ namespace }) });
  const platform = () => new KubernetesPlatform(api, namespace, effectiveAnalysis(undefined));
  const writers = (name: string) =>
    cluster!
      .requests(namespace)
      .filter((r) => r.method === 'PATCH' && r.name === name)
      .map((r) => [r.query.fieldManager, r.query.force]);
  return { namespace, read, platform, writers };
}

describe('Kubernetes platform on a real control plane', { skip }, () => {
  it('observes the stable Deployment as one version with all the traffic', async () => {
    const { platform } = await arranged();
    assert.deepEqual(await platform().observe('api'), {
      service: 'api',
      versions: [{ version: '1.0.0', desired: 4, current: 4, ready: 4, weight: 100 }],
    });
  });

  it('a canary by replica ratio: api-canary from the stable pod spec, the stable track shrinks by its pods, the partial applies keep the rest; abort gives them back', async () => {
    const { read, platform, writers } = await arranged();
    const k8s = platform();
    assert.equal(await k8s.traffic('api'), 'replica-ratio');

    await k8s.scale('api', '1.1.0', 1);
    const canary = (await read('api-canary'))!;
    assert.equal(canary.spec.template.spec.containers[0]!.image, 'ghcr.io/acme/demo-api:1.1.0');
    assert.deepEqual(canary.spec.template.spec.containers[0]!.ports, [
      { containerPort: 8000, protocol: 'TCP' },
    ]);
    assert.equal(canary.spec.selector.matchLabels.track, 'canary');
    assert.equal(canary.spec.replicas, 1);
    assert.deepEqual(writers('api-canary'), [
      ['gantry-release-canary', 'true'],
      ['gantry-release-replicas', 'true'],
    ]);

    await k8s.route('api', { '1.0.0': 75, '1.1.0': 25 });
    // 4 asked at weight 25: canarySplit(4, 25) = 3 stable + 1 canary.
    const stable = (await read('api'))!;
    assert.equal(stable.spec.replicas, 3);
    assert.equal(stable.metadata.annotations?.['gantry.dev/requested-replicas'], '4');
    assert.equal(stable.spec.template.spec.containers[0]!.image, 'ghcr.io/acme/demo-api:1.0.0');
    assert.deepEqual([...new Set(stable.metadata.managedFields?.map((f) => f.manager))].sort(), [
      'gantry',
      'gantry-release-replicas',
      'kube-controller-manager',
    ]);

    await waitFor(
      'the stable and canary pods ready',
      async () =>
        (await read('api'))?.status?.readyReplicas === 3 &&
        (await read('api-canary'))?.status?.readyReplicas === 1,
    );
    assert.deepEqual(
      (await k8s.observe('api')).versions.map((v) => [v.version, v.desired, v.ready, v.weight]),
      [
        ['1.0.0', 4, 3, 75],
        ['1.1.0', 1, 1, 25],
      ],
    );

    await k8s.scale('api', '1.0.0', 4);
    assert.equal((await read('api'))!.spec.replicas, 3, 'the ratio holds while the canary has weight');

    await k8s.route('api', { '1.0.0': 100 });
    await k8s.scale('api', '1.1.0', 0);
    assert.equal((await read('api'))!.spec.replicas, 4);
    assert.equal((await read('api-canary'))!.spec.replicas, 0);
    // By replica ratio a version's weight is its share of ready pods: the canary's share goes as its
    // pod terminates, not at the write (the fake API server answered 100 at once).
    await waitFor('the canary pod gone', async () => {
      const weights = (await k8s.observe('api')).versions.map((v) => [v.version, v.weight]);
      return JSON.stringify(weights) === JSON.stringify([['1.0.0', 100]]);
    });
  });

  it('refuses a canary beside a stable Deployment that does not select on track: stable, naming the fix', async () => {
    const { read, platform } = await arranged({
      'app.kubernetes.io/name': 'api',
      'app.kubernetes.io/instance': 'demo-api',
    });
    await assert.rejects(platform().scale('api', '1.1.0', 1), (error: Error & { hint?: string }) => {
      assert.match(error.message, /Deployment api does not select on track: stable/);
      assert.match(error.hint ?? '', /release\.strategy: canary/);
      return true;
    });
    assert.equal(await read('api-canary'), undefined);
  });

  it('with an HTTPRoute: weights go to its backendRefs exactly (gantry-release-route), replicas stay', async () => {
    const { namespace, read, platform, writers } = await arranged();
    await cluster!.api.create({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'api', namespace },
      spec: {
        parentRefs: [{ name: 'demo' }],
        rules: [
          {
            backendRefs: [
              { name: 'api-stable', port: 8000, weight: 100 },
              { name: 'api-canary', port: 8000, weight: 0 },
            ],
          },
        ],
      },
    } as KubernetesObject);
    const k8s = platform();
    assert.equal(await k8s.traffic('api'), 'gateway');
    await k8s.scale('api', '1.1.0', 1);
    await k8s.route('api', { '1.0.0': 90, '1.1.0': 10 });
    const route = (await cluster!.api.read({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'api', namespace },
    })) as { spec: { parentRefs: unknown[]; rules: { backendRefs: { name: string; weight: number }[] }[] } };
    assert.deepEqual(
      route.spec.rules[0]!.backendRefs.map((r) => [r.name, r.weight]),
      [
        ['api-stable', 90],
        ['api-canary', 10],
      ],
    );
    // The API server defaulted the parentRef's group and kind; the release left it alone.
    assert.deepEqual(route.spec.parentRefs, [
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'demo' },
    ]);
    assert.deepEqual(
      writers('api').filter(([m]) => m === 'gantry-release-route'),
      [['gantry-release-route', 'true']],
    );
    assert.equal((await read('api'))!.spec.replicas, 4);
    assert.deepEqual(
      (await k8s.observe('api')).versions.map((v) => [v.version, v.weight]),
      [
        ['1.0.0', 90],
        ['1.1.0', 10],
      ],
    );
  });

  it('rolling: sets the new image on the stable Deployment (gantry-release-image) and keeps the rest; the controller rolls it out', async () => {
    const { read, platform, writers } = await arranged();
    await platform().setVersion('api', '1.1.0');
    const api = (await read('api'))!;
    assert.equal(api.spec.template.spec.containers[0]!.image, 'ghcr.io/acme/demo-api:1.1.0');
    assert.deepEqual(api.spec.template.spec.containers[0]!.ports, [{ containerPort: 8000, protocol: 'TCP' }]);
    assert.deepEqual(writers('api').slice(-1), [['gantry-release-image', 'true']]);
    await waitFor('every pod at 1.1.0', async () =>
      (await platform().observe('api')).versions.every((v) => v.version === '1.1.0' && v.ready === 4),
    );
  });

  it('measures a version through Prometheus with the standard queries', async () => {
    const { namespace } = await arranged();
    const queries: string[] = [];
    const prometheus = createServer((request, response) => {
      const query = new URL(request.url ?? '/', 'http://x').searchParams.get('query') ?? '';
      queries.push(query);
      const value = query.startsWith('sum(increase') ? '120' : query.startsWith('sum(rate') ? '0.95' : '0.2';
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: [1, value] }] },
        }),
      );
    });
    await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
    try {
      const address = `http://127.0.0.1:${(prometheus.address() as { port: number }).port}`;
      const { api } = connectForRelease({ kubeconfig: cluster!.kubeconfig({ namespace }) });
      const metrics = await new KubernetesPlatform(
        api,
        namespace,
        effectiveAnalysis({ prometheus: { address } }),
      ).metrics('api', '1.1.0', 30);
      assert.equal(metrics.requests, 120);
      assert.equal(metrics.successRate, 0.95);
      assert.equal(metrics.latencyP95Ms, 200);
      assert.equal(queries.length, 3);
      for (const query of queries)
        assert.match(query, /service="api".*version="1\.1\.0"|version="1\.1\.0".*service="api"/);
    } finally {
      await new Promise<void>((resolve) => prometheus.close(() => resolve()));
    }
  });

  it('the release annotation round-trips through the API server: written by one client, read by another; replicas untouched', async () => {
    const { read, platform, writers } = await arranged();
    const release = {
      state: releaseState('canary', { service: 'api', version: '1.1.0', stable: '1.0.0', step: 1 }),
      request: 'abort' as const,
      driver: { name: 'gantry deploy on ci-runner-7', at: '2026-12-06T10:00:00.000Z' },
    };
    await platform().saveRelease('api', release);
    assert.deepEqual(await platform().readRelease('api'), release);
    assert.deepEqual(writers('api').slice(-1), [['gantry-release-state', 'true']]);
    assert.equal((await read('api'))!.spec.replicas, 4);
  });

  it('release writes racing a promote from another process: each is refused (409) when stale and redone, the promote is never lost', async () => {
    const { namespace, platform } = await arranged();
    const base = {
      state: releaseState('canary', { service: 'api', version: '1.1.0', stable: '1.0.0', step: 1 }),
    };
    await platform().saveRelease('api', base);
    // The deploy driving the release writes its state every tick, keeping a request it has not taken.
    const ticks = Array.from({ length: 8 }, (_, step) =>
      platform().saveRelease('api', (current) => ({
        ...base,
        state: { ...base.state, step },
        ...(current?.request ? { request: current.request } : {}),
      })),
    );
    const promote = platform().saveRelease('api', (current) => ({ ...current!, request: 'promote' }));
    await Promise.all([...ticks, promote]);
    assert.equal((await platform().readRelease('api'))?.request, 'promote');
    assert.ok(
      cluster!.requests(namespace).some((r) => r.method === 'PATCH' && r.code === 409),
      'the API server refused at least one stale write',
    );
  });

  it('a damaged annotation is an error naming the Deployment, the field and the fix', async () => {
    const { namespace, platform } = await arranged();
    await cluster!.api.patch(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api', namespace, annotations: { 'gantry.dev/release': '{"state":1}' } },
      },
      undefined,
      undefined,
      'someone',
      undefined,
      'application/merge-patch+json' as never,
    );
    await assert.rejects(platform().readRelease('api'), (error: Error & { hint?: string }) => {
      assert.equal(
        error.message,
        `Deployment ${namespace}/api: gantry.dev/release: state should be an object`,
      );
      assert.match(error.hint ?? '', /kubectl annotate deployment api gantry.dev\/release-/);
      return true;
    });
  });
});
