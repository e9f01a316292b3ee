/**
 * The Kubernetes Platform (src/platform/kubernetes/platform.ts) over real HTTP against a FAKE
 * Kubernetes API server (test/support/fake-kube-api.ts) — contract tests, not cluster tests:
 * they pin which objects a release writes (paths, server-side apply with one field manager per
 * concern, forced) and how it reads them back (versions, replica ratio, HTTPRoute weights, the
 * release annotation).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { KubernetesPlatform } from '../../src/platform/kubernetes/platform.ts';
import { connectForRelease } from '../../src/platform/kubernetes/release-api.ts';
import { releaseState } from '../../src/rollout/fixtures.test-support.ts';
import { effectiveAnalysis } from '../../src/spec/model.ts';
import { FakeKubeApi, kubeconfigFor } from '../support/fake-kube-api.ts';

const work = mkdtempSync(join(tmpdir(), 'gantry-k8s-release-'));
after(() => rmSync(work, { recursive: true, force: true }));

const STABLE_PATH = '/apis/apps/v1/namespaces/demo/deployments/api';
const CANARY_PATH = '/apis/apps/v1/namespaces/demo/deployments/api-canary';
const ROUTE_PATH = '/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/api';

const selector = {
  'app.kubernetes.io/name': 'api',
  'app.kubernetes.io/instance': 'demo-api',
  track: 'stable',
};

function stableDeployment(replicas = 4) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'api',
      namespace: 'demo',
      labels: { ...selector, 'app.kubernetes.io/version': '1.0.0' },
    },
    spec: {
      replicas,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...selector, 'app.kubernetes.io/version': '1.0.0' } },
        spec: {
          containers: [
            { name: 'api', image: 'ghcr.io/acme/demo-api:1.0.0', ports: [{ containerPort: 8000 }] },
          ],
        },
      },
    },
    status: { observedGeneration: 1, replicas, readyReplicas: replicas },
  };
}

let fake: FakeKubeApi;
let kubeconfig: string;

function platform(): KubernetesPlatform {
  const { api } = connectForRelease({ kubeconfig });
  return new KubernetesPlatform(api, 'demo', effectiveAnalysis(undefined));
}

/** The server-side applies sent to a path, as (field manager, force, body). */
function appliesTo(path: string) {
  return fake.requests
    .filter((r) => r.method === 'PATCH' && r.path === path)
    .map((r) => ({
      manager: r.query.fieldManager,
      force: r.query.force,
      contentType: r.contentType,
      body: r.body,
    }));
}

type Stored = {
  metadata: { annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { spec: { containers: { name: string; image: string; ports?: unknown[] }[] } };
  };
};
const stored = (path: string) => fake.objects.get(path) as unknown as Stored;

describe('Kubernetes platform — contract tests (fake API server)', () => {
  beforeEach(async () => {
    await fake?.stop();
    fake = new FakeKubeApi();
    fake.readyOnApply = true;
    const server = await fake.start();
    kubeconfig = join(work, `kubeconfig-${Date.now()}`);
    writeFileSync(kubeconfig, kubeconfigFor(server, 'demo'));
    fake.put(stableDeployment());
  });
  after(() => fake?.stop());

  it('observes the stable Deployment as one version with all the traffic', async () => {
    const state = await platform().observe('api');
    assert.deepEqual(state, {
      service: 'api',
      versions: [{ version: '1.0.0', desired: 4, current: 4, ready: 4, weight: 100 }],
    });
  });

  it('a canary by replica ratio: creates api-canary from the stable pod spec, then shrinks the stable track by the canary’s pods', async () => {
    const k8s = platform();
    assert.equal(await k8s.traffic('api'), 'replica-ratio');

    await k8s.scale('api', '1.1.0', 1);
    const canary = stored(CANARY_PATH);
    assert.equal(canary.spec.template.spec.containers[0]!.image, 'ghcr.io/acme/demo-api:1.1.0');
    assert.deepEqual(canary.spec.template.spec.containers[0]!.ports, [{ containerPort: 8000 }]);
    assert.equal(canary.spec.selector.matchLabels.track, 'canary');
    assert.equal(canary.spec.replicas, 1);
    assert.deepEqual(
      appliesTo(CANARY_PATH).map((a) => [a.manager, a.force, a.contentType]),
      [
        ['gantry-release-canary', 'true', 'application/apply-patch+yaml'],
        ['gantry-release-replicas', 'true', 'application/apply-patch+yaml'],
      ],
    );

    await k8s.route('api', { '1.0.0': 75, '1.1.0': 25 });
    // 4 asked at weight 25: canarySplit(4, 25) = 3 stable + 1 canary.
    assert.equal(stored(STABLE_PATH).spec.replicas, 3);
    assert.equal(stored(STABLE_PATH).metadata.annotations?.['gantry.dev/requested-replicas'], '4');
    // The partial apply left the rest of the stable Deployment as it was.
    assert.equal(stored(STABLE_PATH).spec.template.spec.containers[0]!.image, 'ghcr.io/acme/demo-api:1.0.0');
    assert.deepEqual(appliesTo(STABLE_PATH).at(-1)?.body, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'api',
        namespace: 'demo',
        annotations: { 'gantry.dev/requested-replicas': '4', 'gantry.dev/weight': '25' },
      },
      spec: { replicas: 3 },
    });

    const during = await k8s.observe('api');
    assert.deepEqual(
      during.versions.map((v) => [v.version, v.desired, v.ready, v.weight]),
      [
        ['1.0.0', 4, 3, 75],
        ['1.1.0', 1, 1, 25],
      ],
    );

    // The engine asks for the stable at full size again: the ratio still holds while the canary has weight.
    await k8s.scale('api', '1.0.0', 4);
    assert.equal(stored(STABLE_PATH).spec.replicas, 3);

    // Abort: all traffic back to stable gives the stable its pods back; the canary goes.
    await k8s.route('api', { '1.0.0': 100 });
    await k8s.scale('api', '1.1.0', 0);
    assert.equal(stored(STABLE_PATH).spec.replicas, 4);
    assert.equal(stored(CANARY_PATH).spec.replicas, 0);
    assert.deepEqual(
      (await k8s.observe('api')).versions.map((v) => [v.version, v.weight]),
      [['1.0.0', 100]],
    );
  });

  it('refuses a canary beside a stable Deployment that does not select on track: stable, naming the fix', async () => {
    const rolling = stableDeployment();
    rolling.spec.selector.matchLabels = { 'app.kubernetes.io/name': 'api' } as typeof selector;
    fake.put(rolling);
    await assert.rejects(platform().scale('api', '1.1.0', 1), (error: Error & { hint?: string }) => {
      assert.match(error.message, /Deployment api does not select on track: stable/);
      assert.match(error.hint ?? '', /release\.strategy: canary/);
      return true;
    });
    assert.equal(fake.objects.has(CANARY_PATH), false);
  });

  it('with the Gateway API and an HTTPRoute: weights go to its backendRefs exactly, replicas stay', async () => {
    fake.put({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'api', namespace: 'demo' },
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
    });
    const k8s = platform();
    assert.equal(await k8s.traffic('api'), 'gateway');
    await k8s.scale('api', '1.1.0', 1);
    await k8s.route('api', { '1.0.0': 90, '1.1.0': 10 });
    const route = fake.objects.get(ROUTE_PATH) as unknown as {
      spec: { parentRefs: unknown[]; rules: { backendRefs: { name: string; weight: number }[] }[] };
    };
    assert.deepEqual(
      route.spec.rules[0]!.backendRefs.map((r) => [r.name, r.weight]),
      [
        ['api-stable', 90],
        ['api-canary', 10],
      ],
    );
    assert.deepEqual(route.spec.parentRefs, [{ name: 'demo' }]);
    assert.equal(appliesTo(ROUTE_PATH)[0]?.manager, 'gantry-release-route');
    assert.equal(stored(STABLE_PATH).spec.replicas, 4);
    assert.deepEqual(
      (await k8s.observe('api')).versions.map((v) => [v.version, v.weight]),
      [
        ['1.0.0', 90],
        ['1.1.0', 10],
      ],
    );
  });

  it('falls back to the replica ratio when the Gateway API is not installed', async () => {
    fake.notServed.add('gateway.networking.k8s.io/v1');
    assert.equal(await platform().traffic('api'), 'replica-ratio');
  });

  it('rolling: sets the new image on the stable Deployment and keeps the rest', async () => {
    await platform().setVersion('api', '1.1.0');
    const api = stored(STABLE_PATH);
    assert.equal(api.spec.template.spec.containers[0]!.image, 'ghcr.io/acme/demo-api:1.1.0');
    assert.deepEqual(api.spec.template.spec.containers[0]!.ports, [{ containerPort: 8000 }]);
    assert.equal(appliesTo(STABLE_PATH)[0]?.manager, 'gantry-release-image');
    assert.deepEqual(
      (await platform().observe('api')).versions.map((v) => v.version),
      ['1.1.0'],
    );
  });

  it('measures a version through Prometheus with the standard queries, whatever the spec’s provider', async () => {
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
      const { api } = connectForRelease({ kubeconfig });
      const k8s = new KubernetesPlatform(api, 'demo', effectiveAnalysis({ prometheus: { address } }));
      const metrics = await k8s.metrics('api', '1.1.0', 30);
      assert.equal(metrics.requests, 120);
      assert.equal(metrics.successRate, 0.95);
      assert.equal(metrics.latencyP95Ms, 200);
      assert.equal(metrics.evidence?.source, `prometheus ${address}`);
      assert.equal(queries.length, 3);
      for (const query of queries) {
        assert.match(query, /http_request(s_total|_duration_seconds_bucket)/);
        assert.match(query, /service="api"/);
        assert.match(query, /version="1\.1\.0"/);
      }
    } finally {
      await new Promise<void>((resolve) => prometheus.close(() => resolve()));
    }
  });

  it('the release annotation round-trips through the API: written by one client, read by another', async () => {
    const release = {
      state: releaseState('canary', { service: 'api', version: '1.1.0', stable: '1.0.0', step: 1 }),
      weights: { '1.0.0': 75, '1.1.0': 25 },
      traffic: 'replica-ratio' as const,
      request: 'abort' as const,
    };
    await platform().saveRelease('api', release);
    assert.deepEqual(await platform().readRelease('api'), release);
    assert.equal(appliesTo(STABLE_PATH)[0]?.manager, 'gantry-release-state');
    assert.equal(stored(STABLE_PATH).spec.replicas, 4);
  });

  it('a damaged annotation is an error naming the Deployment, the field and the fix', async () => {
    const damaged = stableDeployment();
    (damaged.metadata as Record<string, unknown>).annotations = { 'gantry.dev/release': '{"state":1}' };
    fake.put(damaged);
    await assert.rejects(platform().readRelease('api'), (error: Error & { hint?: string }) => {
      assert.equal(error.message, 'Deployment demo/api: gantry.dev/release: state should be an object');
      assert.match(error.hint ?? '', /kubectl annotate deployment api gantry.dev\/release-/);
      return true;
    });
  });
});
