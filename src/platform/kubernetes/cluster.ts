/**
 * The one adapter between Gantry and a Kubernetes API server, on @kubernetes/client-node with the
 * user's kubeconfig. It implements every interface of cluster-api.ts — `gantry apply`'s Cluster,
 * a release's ReleaseApi, the day-2 commands' ClusterDay2 — with one server-side apply (PATCH with
 * `application/apply-patch+yaml`), one read, one list, a delete, a watch of one workload, a pod's
 * log stream (client-node's Log) and a port forward (client-node's PortForward, a WebSocket).
 * Nothing is decided here; every failure becomes a `KubeError` that names the object, worded by
 * api-failure.ts in one place (`call`).
 */
import type { Readable, Writable } from 'node:stream';
import {
  ApiException,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  Log,
  PatchStrategy,
  PortForward,
  Watch,
} from '@kubernetes/client-node';
import type { K8sObject } from '../../render/kubernetes/index.ts';
import {
  explainFailure,
  KubeError,
  kindNotInstalled,
  type ObjectRef,
  plural,
  StaleWrite,
} from './api-failure.ts';
import type { Cluster, ClusterDay2, LogRequest, ReleaseApi, Selectors, WriteOptions } from './cluster-api.ts';
import type { EventLike, PodLike } from './image-pull.ts';
import type { KindRef } from './kinds.ts';
import { loadKubeconfig, selectContext } from './kubeconfig.ts';
import type { WorkloadObject } from './rollout-status.ts';

const FIELD_MANAGER = 'gantry';

export interface Connection {
  cluster: ClientNodeCluster;
  context: string;
  server: string;
  /** For the controller's Lease election, which speaks client-node itself. */
  config: KubeConfig;
}

/** Checks the kubeconfig and context, with the wording every command shares (kubeconfig.ts). */
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

export class ClientNodeCluster implements Cluster, ReleaseApi, ClusterDay2 {
  private readonly api: KubernetesObjectApi;
  constructor(private readonly config: KubeConfig) {
    this.api = KubernetesObjectApi.makeApiClient(config);
  }

  apply(object: K8sObject, options: WriteOptions & { force: boolean }): Promise<K8sObject> {
    return this.serverSideApply(object, FIELD_MANAGER, options);
  }

  async applyAs<T extends K8sObject>(object: K8sObject, fieldManager: string): Promise<T> {
    try {
      return (await this.serverSideApply(object, fieldManager, { force: true })) as T;
    } catch (error) {
      // Forced, an apply meets no field conflict: a 409 is a resourceVersion precondition that failed.
      if (error instanceof Conflict) throw new StaleWrite(error.message);
      throw error;
    }
  }

  async read<T extends K8sObject>(object: ObjectRef): Promise<T | undefined> {
    try {
      return (await call('get', object, () => this.api.read(structuredClone(object)))) as T;
    } catch (error) {
      if (error instanceof NotFound || error instanceof NotServed) return undefined;
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

  async list(kind: KindRef, namespace: string, selectors: Selectors): Promise<K8sObject[]> {
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
          selectors.fieldSelector,
          selectors.labelSelector,
        ),
      );
      // List items come without their apiVersion and kind.
      return list.items.map(
        (item) => ({ ...item, apiVersion: kind.apiVersion, kind: kind.kind }) as K8sObject,
      );
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
    return (await this.list({ apiVersion: 'v1', kind: 'Pod' }, namespace, { labelSelector })) as PodLike[];
  }

  async podEvents(namespace: string): Promise<EventLike[]> {
    const fieldSelector = 'involvedObject.kind=Pod';
    return (await this.list({ apiVersion: 'v1', kind: 'Event' }, namespace, {
      fieldSelector,
    })) as EventLike[];
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

  async podLog(request: LogRequest, out: Writable): Promise<AbortController> {
    const ref = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: request.pod, namespace: request.namespace },
    };
    try {
      return await call('get', ref, () =>
        new Log(this.config).log(request.namespace, request.pod, request.container, out, {
          follow: request.follow,
          ...(request.sinceSeconds !== undefined ? { sinceSeconds: request.sinceSeconds } : {}),
          ...(request.tailLines !== undefined ? { tailLines: request.tailLines } : {}),
        }),
      );
    } catch (error) {
      // Log drops the API's Status body except on a 500, so the status code is all there is.
      const code = /: (\d{3}) : ""$/.exec(error instanceof Error ? error.message : '')?.[1];
      if (code === undefined) throw error;
      throw new KubeError(
        `cannot read the log of pod ${request.namespace}/${request.pod} (container ${request.container}): the API answered ${code}`,
        `kubectl describe pod ${request.pod} -n ${request.namespace} shows why (a container still waiting to start has no log yet)`,
      );
    }
  }

  async forward(
    namespace: string,
    pod: string,
    port: number,
    socket: { input: Readable; output: Writable; errors: Writable },
  ): Promise<{ close(): void }> {
    const ref = { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod, namespace } };
    const ws = await call('create', ref, () =>
      new PortForward(this.config, true).portForward(
        namespace,
        pod,
        [port],
        socket.output,
        socket.errors,
        socket.input,
      ),
    );
    const open = typeof ws === 'function' ? ws() : ws;
    // The pod side closing ends the local connection too, as kubectl does. So does the stream
    // failing once open (the API server cutting it short): without a listener the WebSocket's
    // 'error' would end the process as an unexpected error.
    open?.addEventListener('close', () => socket.output.end());
    open?.addEventListener('error', () => socket.output.end());
    return { close: () => open?.close() };
  }

  /**
   * One server-side apply (`application/apply-patch+yaml`) under `fieldManager`: `force` takes
   * over conflicting fields, `dryRun` asks the server to check without storing.
   */
  private serverSideApply(
    object: K8sObject,
    fieldManager: string,
    options: { force: boolean; dryRun?: boolean },
  ): Promise<K8sObject> {
    return call('apply', object, () =>
      this.api.patch(
        structuredClone(object) as KubernetesObject,
        undefined,
        options.dryRun ? 'All' : undefined,
        fieldManager,
        options.force ? true : undefined,
        PatchStrategy.ServerSideApply,
      ),
    ) as Promise<K8sObject>;
  }
}

function apiRoot(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

interface Discovery {
  resource(apiVersion: string, kind: string): Promise<{ name: string } | undefined>;
}

/** A 404 on get/delete: the object is not there (the caller decides whether that is fine). */
class NotFound extends KubeError {}
/** Discovery does not list the kind: its CRD is not installed. */
class NotServed extends KubeError {}
/** A 409 on apply: a field conflict, or (with a resourceVersion) a write gone stale. */
class Conflict extends KubeError {}

/** Runs one API request; a failure becomes a KubeError worded by api-failure.ts. */
async function call<T>(verb: string, object: ObjectRef, request: () => Promise<T>): Promise<T> {
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
    if (failure.status === 409 && verb === 'apply') throw new Conflict(explained.message, explained.hint);
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
