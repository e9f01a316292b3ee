/**
 * A stand-in for the request metrics a service's pods would export, for release analysis on the
 * test control plane: kwok's pods run no containers, so nothing serves or counts requests. Every
 * second it reads the service's Deployments (`<svc>` and `<svc>-canary`), spreads `rps` requests
 * over their versions by ready pods — what a Service does with replica-ratio traffic — and counts
 * them as an instrumented app would (`http_requests_total{service,version,code}`,
 * `http_request_duration_seconds`), failing `errorRate(version)` of each version's requests.
 * Prometheus scrapes it like a pod; the release's standard queries read it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubernetesObjectApi } from '@kubernetes/client-node';
import { Counter, Histogram, Registry } from 'prom-client';
import { type DeploymentLike, deploymentVersion } from '../../src/platform/kubernetes/release-objects.ts';

export interface VersionTraffic {
  /** `127.0.0.1:PORT`, for a scrape config. */
  target: string;
  stop(): Promise<void>;
}

/** The series an instrumented app exports for its requests, by service and version, in `registry`. */
export function requestMetrics(registry: Registry) {
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'requests by status',
    labelNames: ['service', 'version', 'code'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'request latency',
    labelNames: ['service', 'version'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  return { requests, latency };
}

export async function startVersionTraffic(options: {
  api: KubernetesObjectApi;
  namespace: string;
  service: string;
  rps: number;
  errorRate(version: string): number;
}): Promise<VersionTraffic> {
  const registry = new Registry();
  const { requests, latency } = requestMetrics(registry);
  const debt = new Map<string, number>();
  const tick = async () => {
    const ready = new Map<string, number>();
    for (const name of [options.service, `${options.service}-canary`]) {
      const deployment = (await options.api
        .read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: options.namespace } })
        .catch(() => undefined)) as (DeploymentLike & { status?: { readyReplicas?: number } }) | undefined;
      const pods = deployment?.status?.readyReplicas ?? 0;
      if (deployment && pods > 0) {
        const version = deploymentVersion(deployment);
        ready.set(version, (ready.get(version) ?? 0) + pods);
      }
    }
    const total = [...ready.values()].reduce((sum, n) => sum + n, 0);
    for (const [version, pods] of ready) {
      // Whole requests; the fraction carries over, so every version gets its exact share in time.
      const due = (debt.get(version) ?? 0) + (options.rps * pods) / total;
      const count = Math.floor(due);
      debt.set(version, due - count);
      const errors = Math.round(count * options.errorRate(version));
      const labels = { service: options.service, version };
      requests.inc({ ...labels, code: '500' }, errors);
      requests.inc({ ...labels, code: '200' }, count - errors);
      for (let i = 0; i < count; i++) latency.observe(labels, 0.008);
    }
  };
  const timer = setInterval(() => void tick().catch(() => undefined), 1000);
  const server: Server = createServer(async (_req, res) => {
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(await registry.metrics());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    target: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      clearInterval(timer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
