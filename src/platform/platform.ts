/**
 * The seam between what decides (release engine, autoscaler) and what runs (the local
 * platform, a Kubernetes cluster). Every implementation passes one contract suite,
 * platform.contract.ts, run by:
 *   src/platform/memory-platform.test.ts                  MemoryPlatform (the engine's table tests' fake)
 *   test/integration/local-platform-contract.test.ts     LocalPlatform: real replicas, proxy and HTTP
 *   test/cluster/platform-contract.test.ts               KubernetesPlatform (gateway, replica-ratio) and
 *                                                        BlueGreenClusterPlatform on a real control plane
 */

export interface ReplicaCounts {
  /** Replicas the platform is asked to run for this version. */
  desired: number;
  /** Replicas that exist (starting, running or terminating). */
  current: number;
  /** Replicas passing readiness (and minReadySeconds), so in the load balancer. */
  ready: number;
}

export interface VersionState extends ReplicaCounts {
  version: string;
  /** Share of traffic this version receives, 0..100; all versions of a service sum to 100. */
  weight: number;
}

export interface ServiceState {
  service: string;
  /** One entry per version that has desired or current replicas. */
  versions: VersionState[];
  /** Where users reach the service (the load balancer), when it takes traffic. */
  url?: string;
}

export interface VersionMetrics {
  /** The window actually covered (may be shorter than asked right after a start). */
  windowSeconds: number;
  requests: number;
  /** Responses with status 5xx plus requests that got no response (proxy errors, timeouts). */
  errors: number;
  /** (requests - errors) / requests; null when there were no requests. */
  successRate: number | null;
  requestsPerSecond: number;
  /** Latency percentiles in milliseconds; null when there were no requests. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  /** Where the numbers came from, when not the platform itself: each query sent and its answer. */
  evidence?: MetricEvidence;
}

export interface MetricEvidence {
  /** e.g. `prometheus http://127.0.0.1:9090`. */
  source: string;
  /** The answer as the source gave it (Prometheus: seconds for latency); null for no data. */
  queries: { name: string; query: string; value: number | null }[];
}

/** What a version measures when it has had no traffic at all. */
export const NO_METRICS: VersionMetrics = {
  windowSeconds: 0,
  requests: 0,
  errors: 0,
  successRate: null,
  requestsPerSecond: 0,
  latencyP50Ms: null,
  latencyP95Ms: null,
  latencyP99Ms: null,
};

export interface Platform {
  observe(service: string): Promise<ServiceState>;
  /** Runs `replicas` replicas of `version` (0 removes them gracefully). */
  scale(service: string, version: string, replicas: number): Promise<void>;
  /** Sets traffic weights by version (percent, summing to 100). */
  route(service: string, weights: Record<string, number>): Promise<void>;
  metrics(service: string, version: string, windowSeconds: number): Promise<VersionMetrics>;
  /** A URL that reaches only `version` (blue-green smoke checks and pre-promotion analysis). */
  preview(service: string, version: string): Promise<string>;
}

/** What every `route` checks first: weights are percentages of all the traffic. */
export function checkWeights(weights: Record<string, number>): void {
  const total = Object.values(weights).reduce((sum, w) => sum + w, 0);
  if (Math.abs(total - 100) > 1e-9) throw new Error(`weights must sum to 100, got ${total}`);
}
