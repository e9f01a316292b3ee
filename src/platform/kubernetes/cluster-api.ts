/**
 * What Gantry asks of a Kubernetes API server, as the narrow interfaces its parts are written
 * against: `Cluster` for `gantry apply` and `gantry delete`, `ReleaseApi` for a release's
 * platforms, `ClusterDay2` for the day-2 commands (status, logs, restart, port-forward). One
 * adapter implements them all (cluster.ts, on @kubernetes/client-node); these keep each consumer's
 * seam as small as what it uses.
 */
import type { Readable, Writable } from 'node:stream';
import type { K8sObject } from '../../render/kubernetes/index.ts';
import type { ObjectRef } from './api-failure.ts';
import type { EventLike, PodLike } from './image-pull.ts';
import type { KindRef } from './kinds.ts';
import type { ListedObject } from './prune.ts';
import type { LiveObject } from './release-owned.ts';
import type { WorkloadObject } from './rollout-status.ts';

export interface WriteOptions {
  /** `dryRun=All`: the server runs admission and validation but persists nothing. */
  dryRun: boolean;
}

/** A list's selectors, as the API takes them. */
export interface Selectors {
  labelSelector?: string;
  fieldSelector?: string;
}

/** What apply needs from a cluster; test/cluster/ runs it against a real kube-apiserver. */
export interface Cluster {
  /** Server-side apply under the field manager `gantry`. */
  apply(object: K8sObject, options: WriteOptions & { force: boolean }): Promise<K8sObject>;
  /** The live object (with its managedFields), or undefined when it does not exist or its kind is not served. */
  read(object: ObjectRef): Promise<LiveObject | undefined>;
  /** Whether the API server serves this kind (discovery); false when its CRD is not installed. */
  served(kind: KindRef): Promise<boolean>;
  /** Objects of a kind in a namespace matching the selectors; none when the kind is not served. */
  list(kind: KindRef, namespace: string, selectors: Selectors): Promise<ListedObject[]>;
  remove(object: ObjectRef, options: WriteOptions): Promise<void>;
  pods(namespace: string, labelSelector: string): Promise<PodLike[]>;
  podEvents(namespace: string): Promise<EventLike[]>;
  /** Calls `changed` with the workload now and on every change until `stop()`; `ended` when the stream closes. */
  watch(
    object: ObjectRef,
    changed: (object: WorkloadObject) => void,
    ended: (error?: Error) => void,
  ): Promise<{ stop(): void }>;
}

/**
 * What a release needs: read one whole object (a Deployment with its spec and status, an
 * HTTPRoute with its rules) and server-side apply a partial object under a named field manager,
 * forced, because the release takes `spec.replicas` and the route weights over from `gantry apply`
 * while it runs. A forced apply meets no field conflict, so its 409 is a `StaleWrite`.
 */
export interface ReleaseApi {
  /** The object as the server has it; undefined when it does not exist or its kind is not served. */
  read<T extends K8sObject>(object: ObjectRef): Promise<T | undefined>;
  /** Server-side apply of a partial object owned by `fieldManager` (force: take over just these fields). */
  applyAs<T extends K8sObject>(object: K8sObject, fieldManager: string): Promise<T>;
}

export interface LogRequest {
  namespace: string;
  pod: string;
  container: string;
  follow: boolean;
  sinceSeconds?: number;
  tailLines?: number;
}

/** What the day-2 commands need beyond a release's reads and writes. */
export interface ClusterDay2 extends ReleaseApi {
  /** Whole objects (status included) of a kind in a namespace; none when the kind is not served. */
  list(kind: KindRef, namespace: string, selectors: Selectors): Promise<K8sObject[]>;
  /** Pipes the container's log into `out`; resolves with an abort for a followed stream. */
  podLog(request: LogRequest, out: Writable): Promise<AbortController>;
  /** One forwarded connection: `socket`'s bytes go to the pod's port and back. */
  forward(
    namespace: string,
    pod: string,
    port: number,
    socket: { input: Readable; output: Writable; errors: Writable },
  ): Promise<{ close(): void }>;
}
