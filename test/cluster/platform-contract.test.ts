/**
 * The Kubernetes platforms pass the Platform contract (src/platform/platform.contract.ts) on a REAL
 * control plane (test/support/kube-cluster.ts): KubernetesPlatform with exact weights on a Gateway
 * API HTTPRoute and by replica ratio, and BlueGreenClusterPlatform (all or nothing, by the
 * Service's selector). The Deployment controller and kwok start and stop the pods.
 *
 * Measurements: these platforms read a real Prometheus with the standard queries. kwok's pods run
 * no containers, so nothing serves or counts requests; a stand-in exporter counts each request
 * `sendTraffic` is asked for as the pods of the version taking it would (`http_requests_total`,
 * `http_request_duration_seconds`), by the weights the platform observes, and Prometheus scrapes
 * it. So the metrics clause checks the platform's queries and their reading, not pods serving.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { BlueGreenClusterPlatform } from '../../src/platform/kubernetes/blue-green-platform.ts';
import { type ClusterReleasePlatform, KubernetesPlatform } from '../../src/platform/kubernetes/platform.ts';
import { connectForRelease } from '../../src/platform/kubernetes/release-api.ts';
import { platformContract, type TrafficKind } from '../../src/platform/platform.contract.ts';
import { effectiveAnalysis } from '../../src/spec/model.ts';
import { testClusterOrSkip, waitFor } from '../support/kube-cluster.ts';
import { PROMETHEUS_MISSING, startPrometheus, type TestPrometheus } from '../support/prometheus.ts';
import { requestMetrics } from '../support/version-traffic.ts';

const { cluster, skip } = await testClusterOrSkip();
after(() => cluster?.stop());

const SERVICE = 'api';
const REPLICAS = 4; // by replica ratio 25 % is exact: 3 stable pods + 1

/** The stand-in for the pods' request metrics (see above), scraped by a real Prometheus. */
const registry = new Registry();
const { requests, latency } = requestMetrics(registry);
const exporter = createServer(async (_request, response) => {
  response.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
});
let prometheus: TestPrometheus | undefined;
if (!skip && !PROMETHEUS_MISSING) {
  await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  prometheus = await startPrometheus([`127.0.0.1:${(exporter.address() as AddressInfo).port}`]);
}
after(async () => {
  await prometheus?.stop();
  exporter.close();
});

/** What Prometheus holds of one version's request counter: its value at the last scrape, null before one. */
async function scraped(version: string): Promise<number | null> {
  const series = await prometheus!.query(
    `sum(http_requests_total{service="${SERVICE}",version="${version}"})`,
  );
  return series[0] ? Number(series[0].value[1]) : null;
}

/**
 * Counts `count` requests for the versions by the weights `platform` observes, once Prometheus has
 * seen their series at 0 (`increase` and `rate` need a sample before the traffic), and waits until
 * it has scraped the new counts.
 */
async function sendTraffic(platform: ClusterReleasePlatform, count: number): Promise<void> {
  const { versions } = await platform.observe(SERVICE);
  for (const { version, weight } of versions.filter((v) => v.weight > 0)) {
    const labels = { service: SERVICE, version };
    await waitFor(
      `Prometheus has scraped ${version} at 0`,
      async () => (await scraped(version)) !== null,
      30_000,
    );
    const share = Math.round((count * weight) / 100);
    requests.inc({ ...labels, code: '200' }, share);
    for (let i = 0; i < share; i++) latency.observe(labels, 0.008);
    const total = (counted.get(version) ?? 0) + share;
    counted.set(version, total);
    await waitFor(
      `Prometheus has scraped ${total} requests of ${version}`,
      async () => (await scraped(version)) === total,
      30_000,
    );
  }
}
/** Requests counted so far, by version. */
const counted = new Map<string, number>();

let made = 0;

/** One contract run's service: its own namespace and versions (Prometheus' series carry no namespace). */
async function arrange() {
  made++;
  const stable = `1.${made}.0`;
  const next = `1.${made}.1`;
  const namespace = await cluster!.namespace(`contract-${made}`);
  // Their series exist at 0 from the start, as an instrumented app's would.
  for (const version of [stable, next]) {
    requests.inc({ service: SERVICE, version, code: '200' }, 0);
    latency.zero({ service: SERVICE, version });
  }
  const create = (object: object) =>
    cluster!.api.create(object as KubernetesObject, undefined, undefined, 'gantry');
  const { api } = connectForRelease({ kubeconfig: cluster!.kubeconfig({ namespace }) });
  const analysis = effectiveAnalysis(
    prometheus ? { prometheus: { address: prometheus.address } } : undefined,
  );
  return { namespace, stable, next, create, api, analysis };
}

const app = { 'app.kubernetes.io/name': SERVICE, 'app.kubernetes.io/instance': `demo-${SERVICE}` };

/** A Deployment of the example's shape: `variant` labels tell its pods apart (track, colour). */
function deployment(
  namespace: string,
  name: string,
  version: string,
  replicas: number,
  variant: Record<string, string>,
) {
  const selector = { ...app, ...variant };
  const labels = { ...selector, 'app.kubernetes.io/version': version };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            { name: SERVICE, image: `ghcr.io/acme/demo-api:${version}`, ports: [{ containerPort: 8000 }] },
          ],
        },
      },
    },
  };
}

async function readyReplicas(namespace: string, name: string): Promise<number> {
  const read = (await cluster!.api
    .read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace } })
    .catch(() => undefined)) as { status?: { readyReplicas?: number } } | undefined;
  return read?.status?.readyReplicas ?? 0;
}

function underTest(
  traffic: TrafficKind,
  arranged: Awaited<ReturnType<typeof arrange>>,
  platform: ClusterReleasePlatform,
) {
  return {
    platform,
    service: SERVICE,
    stable: { version: arranged.stable, replicas: REPLICAS },
    next: arranged.next,
    traffic,
    timeoutMs: 90_000,
    ...(prometheus
      ? { sendTraffic: (count: number) => sendTraffic(platform, count) }
      : { noTraffic: `no Prometheus to measure with: ${PROMETHEUS_MISSING}` }),
    async close() {
      platform.close();
      await cluster!.api.delete({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: arranged.namespace },
      });
    },
  };
}

/** The stable Deployment `api` (selecting track: stable) rolled out; with `gateway`, its HTTPRoute all on api-stable. */
async function canary(mode: 'gateway' | 'replica-ratio') {
  const traffic: TrafficKind = mode === 'gateway' ? 'exact' : 'replica-ratio';
  const arranged = await arrange();
  const { namespace, create } = arranged;
  await create(deployment(namespace, SERVICE, arranged.stable, REPLICAS, { track: 'stable' }));
  if (mode === 'gateway')
    await create({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: SERVICE, namespace },
      spec: {
        parentRefs: [{ name: 'demo' }],
        rules: [
          {
            backendRefs: [
              { name: `${SERVICE}-stable`, port: 8000, weight: 100 },
              { name: `${SERVICE}-canary`, port: 8000, weight: 0 },
            ],
          },
        ],
      },
    });
  await waitFor('the stable pods ready', async () => (await readyReplicas(namespace, SERVICE)) === REPLICAS);
  const platform = new KubernetesPlatform(arranged.api, namespace, arranged.analysis);
  assert.equal(await platform.traffic(SERVICE), mode);
  return underTest(traffic, arranged, platform);
}

/** `api-blue` at the stable version (4 pods) selected by the Service `api`, `api-green` idle at 0, as `gantry apply` leaves them. */
async function blueGreen() {
  const arranged = await arrange();
  const { namespace, create } = arranged;
  await create(deployment(namespace, `${SERVICE}-blue`, arranged.stable, REPLICAS, { version: 'blue' }));
  await create(deployment(namespace, `${SERVICE}-green`, arranged.stable, 0, { version: 'green' }));
  await create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: SERVICE, namespace },
    spec: { selector: { ...app, version: 'blue' }, ports: [{ port: 8000, targetPort: 8000 }] },
  });
  await waitFor(
    'the blue pods ready',
    async () => (await readyReplicas(namespace, `${SERVICE}-blue`)) === REPLICAS,
  );
  return underTest(
    'all-or-nothing',
    arranged,
    new BlueGreenClusterPlatform(arranged.api, namespace, arranged.analysis),
  );
}

if (!skip) {
  platformContract('KubernetesPlatform, Gateway API HTTPRoute weights (real control plane)', () =>
    canary('gateway'),
  );
  platformContract('KubernetesPlatform, replica ratio (real control plane)', () => canary('replica-ratio'));
  platformContract('BlueGreenClusterPlatform (real control plane)', blueGreen);
}
