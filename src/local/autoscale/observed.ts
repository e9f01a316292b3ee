/**
 * What the local autoscaler shows the HPA algorithm at one sync: the replicas of the service's
 * version as Kubernetes pods (readiness, start, being deleted), each with its requests and
 * sampled usage as milli-quantities, and requests/s per replica as the Pods metric the rendered
 * HPA names. Pure: the sampled numbers come in, an `Observed` goes out.
 *
 * Units follow the controller's `Quantity.MilliValue()`: CPU in millicores, memory in
 * milli-bytes (bytes × 1000), requests/s in milli-requests per second.
 */
import type { Observed, PodState } from '../../autoscale/hpa-data.ts';
import { RPS_METRIC } from '../../render/kubernetes/hpa.ts';

export interface ReplicaSnapshot {
  id: string;
  /** Has a process now; false while it waits to start (Pending) — a crash back-off is Running and unready. */
  scheduled: boolean;
  ready: boolean;
  /** Being stopped: a pod with a deletionTimestamp, which the controller ignores. */
  terminating: boolean;
  /** When its current process started (epoch ms). */
  startedAt?: number;
  /** When it last became ready or unready, if seen. */
  readyChangedAt?: number;
  cpuMillicores?: number;
  /** The CPU sample's window. */
  windowSeconds?: number;
  memoryBytes?: number;
  requestsPerSecond?: number;
}

export interface Requests {
  /** Millicores. */
  cpu?: number;
  /** Bytes. */
  memory?: number;
}

export function observedFor(
  currentReplicas: number,
  requests: Requests,
  replicas: readonly ReplicaSnapshot[],
  now: number,
): Observed {
  return { currentReplicas, pods: replicas.map((replica) => podFor(replica, requests, now)) };
}

function podFor(replica: ReplicaSnapshot, requests: Requests, now: number): PodState {
  const milli = (value: number | undefined, scale: bigint) =>
    value === undefined ? undefined : BigInt(Math.round(value)) * scale;
  const cpu = {
    ...optional('request', milli(requests.cpu, 1n)),
    ...optional('usage', milli(replica.cpuMillicores, 1n)),
    ...(replica.cpuMillicores !== undefined ? { sampledAt: now } : {}),
    ...optional('windowSeconds', replica.windowSeconds),
  };
  const memory = {
    ...optional('request', milli(requests.memory, 1000n)),
    ...optional('usage', milli(replica.memoryBytes, 1000n)),
  };
  return {
    name: replica.id,
    phase: replica.scheduled ? 'Running' : 'Pending',
    ready: replica.ready,
    ...(replica.terminating ? { deleting: true } : {}),
    ...optional('startedAt', replica.startedAt),
    ...optional('readyChangedAt', replica.readyChangedAt),
    resources: { cpu, memory },
    ...(replica.requestsPerSecond !== undefined
      ? { metrics: { [RPS_METRIC]: BigInt(Math.round(replica.requestsPerSecond * 1000)) } }
      : {}),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
