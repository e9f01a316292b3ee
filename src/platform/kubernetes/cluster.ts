/**
 * The thin adapter between `gantry apply` and a Kubernetes API server, on @kubernetes/client-node
 * with the user's kubeconfig. Seven calls, nothing decided here: server-side apply (PATCH with
 * `application/apply-patch+yaml`, fieldManager `gantry`), get, list by label selector, delete,
 * pods and their events, and a watch of one workload. Every failure becomes a `KubeError` that
 * names the object (api-failure.ts decides the wording).
 */
import {
  ApiException,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
} from '@kubernetes/client-node';
import type { K8sObject } from '../../render/kubernetes/index.ts';
import { explainFailure, KubeError, kindNotInstalled, type ObjectRef, plural } from './api-failure.ts';
import type { EventLike, PodLike } from './image-pull.ts';
import type { KindRef } from './kinds.ts';
import { loadKubeconfig, selectContext } from './kubeconfig.ts';
import type { ListedObject } from './prune.ts';
import type { LiveObject } from './release-owned.ts';
import type { WorkloadObject } from './rollout-status.ts';

export const FIELD_MANAGER = 'gantry';

export interface WriteOptions {
  /** `dryRun=All`: the server runs admission and validation but persists nothing. */
  dryRun: boolean;
}

/** What apply needs from a cluster; test/cluster/ runs it against a real kube-apiserver. */
export interface Cluster {
  apply(object: K8sObject, options: WriteOptions & { force: boolean }): Promise<K8sObject>;
  exists(object: ObjectRef): Promise<boolean>;
  /** The live object (with its managedFields), or undefined when there is none. */
  read(object: ObjectRef): Promise<LiveObject | undefined>;
  /** Whether the API server serves this kind (discovery); false when its CRD is not installed. */
  served(kind: KindRef): Promise<boolean>;
  /** Objects of a kind in a namespace matching a label selector; none when the kind is not served. */
  list(kind: KindRef, namespace: string, labelSelector: string): Promise<ListedObject[]>;
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

export interface Connection {
  cluster: Cluster;
  context: string;
  server: string;
  /** For the day-2 calls (cluster-day2.ts) that need client-node classes of their own. */
  config: KubeConfig;
}

export function connect(options: { kubeconfig?: string; context?: string }): Connection {
  const { config, files } = loadKubeconfig(options.kubeconfig);
  selectContext(config, files, options.context);
  return {
    cluster: new ClientNodeCluster(config),
    context: config.getCurrentContext(),
    server: config.getCurrentCluster()!.server,
    config,
  };
}

class ClientNodeCluster implements Cluster {
  private readonly api: KubernetesObjectApi;
  constructor(private readonly config: KubeConfig) {
    this.api = KubernetesObjectApi.makeApiClient(config);
  }

  apply(object: K8sObject, options: WriteOptions & { force: boolean }): Promise<K8sObject> {
    return call('apply', object, () =>
      serverSideApply(this.api, object, FIELD_MANAGER, options),
    ) as Promise<K8sObject>;
  }

  async exists(object: ObjectRef): Promise<boolean> {
    return (await this.read(object)) !== undefined;
  }

  async read(object: ObjectRef): Promise<LiveObject | undefined> {
    try {
      return (await call('get', object, () =>
        this.api.read(structuredClone(object)),
      )) as unknown as LiveObject;
    } catch (error) {
      if (error instanceof NotFound) return undefined;
      throw error;
    }
  }

  async served(kind: KindRef): Promise<boolean> {
    const ref = { ...kind, metadata: { name: '' } };
    try {
      // The discovery lookup every object call makes first (cached per group/version); its type is
      // protected in client-node's declarations, not in its code.
      const discover = (this.api as unknown as Discovery).resource.bind(this.api);
      return (await call('get', ref, () => discover(kind.apiVersion, kind.kind))) !== undefined;
    } catch (error) {
      if (error instanceof NotServed) return false;
      throw error;
    }
  }

  async list(kind: KindRef, namespace: string, labelSelector: string): Promise<ListedObject[]> {
    const ref = { ...kind, metadata: { name: '', namespace } };
    try {
      const list = await call('list', ref, () =>
        this.api.list(
          kind.apiVersion,
          kind.kind,
          namespace,
          undefined,
          undefined,
          undefined,
          undefined,
          labelSelector,
        ),
      );
      return list.items.map((item) => ({
        apiVersion: kind.apiVersion,
        kind: kind.kind,
        metadata: {
          name: item.metadata?.name ?? '',
          namespace: item.metadata?.namespace ?? namespace,
          labels: item.metadata?.labels ?? {},
        },
      }));
    } catch (error) {
      if (error instanceof NotServed) return [];
      throw error;
    }
  }

  async remove(object: ObjectRef, options: WriteOptions): Promise<void> {
    try {
      await call('delete', object, () =>
        this.api.delete(
          structuredClone(object),
          undefined,
          options.dryRun ? 'All' : undefined,
          undefined,
          undefined,
          'Background',
        ),
      );
    } catch (error) {
      if (!(error instanceof NotFound)) throw error; // already gone: what prune wanted
    }
  }

  async pods(namespace: string, labelSelector: string): Promise<PodLike[]> {
    const ref = { apiVersion: 'v1', kind: 'Pod', metadata: { name: '', namespace } };
    const list = await call('list', ref, () =>
      this.api.list('v1', 'Pod', namespace, undefined, undefined, undefined, undefined, labelSelector),
    );
    return list.items as unknown as PodLike[];
  }

  async podEvents(namespace: string): Promise<EventLike[]> {
    const ref = { apiVersion: 'v1', kind: 'Event', metadata: { name: '', namespace } };
    const list = await call('list', ref, () =>
      this.api.list('v1', 'Event', namespace, undefined, undefined, undefined, 'involvedObject.kind=Pod'),
    );
    return list.items as unknown as EventLike[];
  }

  async watch(
    object: ObjectRef,
    changed: (object: WorkloadObject) => void,
    ended: (error?: Error) => void,
  ): Promise<{ stop(): void }> {
    const namespace = object.metadata.namespace ?? 'default';
    const path = `${apiRoot(object.apiVersion)}/namespaces/${namespace}/${plural(object.kind)}`;
    let stopped = false;
    const controller = await new Watch(this.config).watch(
      path,
      { fieldSelector: `metadata.name=${object.metadata.name}` },
      (type, value) => {
        if (type === 'ADDED' || type === 'MODIFIED') changed(value as WorkloadObject);
      },
      (error) => {
        if (stopped) return;
        const status = (error as { statusCode?: number } | null)?.statusCode;
        ended(error ? explainFailure(toFailure('watch', object, error, status)) : undefined);
      },
    );
    return {
      stop() {
        stopped = true;
        controller.abort();
      },
    };
  }
}

function apiRoot(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

interface Discovery {
  resource(apiVersion: string, kind: string): Promise<{ name: string } | undefined>;
}

/** A 404 on get/delete: the object is not there (the caller decides whether that is fine). */
export class NotFound extends KubeError {}
/** Discovery does not list the kind: its CRD is not installed. */
class NotServed extends KubeError {}

/**
 * One server-side apply (`application/apply-patch+yaml`) under `fieldManager`: `force` takes
 * over conflicting fields, `dryRun` asks the server to check without storing. Callers wrap it
 * in their own error wording.
 */
export function serverSideApply(
  api: KubernetesObjectApi,
  object: K8sObject,
  fieldManager: string,
  options: { force: boolean; dryRun?: boolean },
): Promise<KubernetesObject> {
  return api.patch(
    structuredClone(object) as KubernetesObject,
    undefined,
    options.dryRun ? 'All' : undefined,
    fieldManager,
    options.force ? true : undefined,
    PatchStrategy.ServerSideApply,
  );
}

export async function call<T>(verb: string, object: ObjectRef, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    // KubernetesObjectApi looks the kind up in discovery first: a missing group answers 404 on
    // /apis/<group>/<version>, a served group without the kind throws "Unrecognized API version and kind".
    const text = error instanceof Error ? error.message : String(error);
    if (
      /^Unrecognized API version and kind/.test(text) ||
      (error instanceof ApiException && error.code === 404 && /^Failed to fetch resource metadata/.test(text))
    ) {
      const missing = kindNotInstalled(object);
      throw new NotServed(missing.message, missing.hint);
    }
    const failure = toFailure(verb, object, error, error instanceof ApiException ? error.code : undefined);
    const explained = explainFailure(failure);
    if (failure.status === 404 && (verb === 'get' || verb === 'delete'))
      throw new NotFound(explained.message);
    throw explained;
  }
}

function toFailure(verb: string, object: ObjectRef, error: unknown, status: number | undefined) {
  if (error instanceof ApiException) {
    const body = parseStatus(error.body);
    return { verb, object, status: error.code, reason: body.reason, message: body.message };
  }
  const text = error instanceof Error ? error.message : String(error);
  return { verb, object, status: status ?? 0, message: text };
}

function parseStatus(body: unknown): { reason?: string; message: string } {
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  try {
    const status = JSON.parse(text) as { reason?: string; message?: string };
    return { ...(status.reason ? { reason: status.reason } : {}), message: status.message ?? text };
  } catch {
    return { message: text };
  }
}
