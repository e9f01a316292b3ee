/**
 * The thin adapter behind the day-2 commands (status, logs, restart, port-forward, delete): full
 * objects listed by label selector, a server-side apply under a field manager of the caller's
 * choosing, a pod's log stream (client-node's Log) and a port forward (client-node's PortForward,
 * a WebSocket). Nothing is decided here; failures are worded by api-failure.ts through `call`.
 */
import type { Readable, Writable } from 'node:stream';
import { type KubeConfig, KubernetesObjectApi, Log, PortForward } from '@kubernetes/client-node';
import type { K8sObject } from '../../render/kubernetes/index.ts';
import { KubeError } from './api-failure.ts';
import { call, NotFound, serverSideApply } from './cluster.ts';
import type { KindRef } from './kinds.ts';

export interface LogRequest {
  namespace: string;
  pod: string;
  container: string;
  follow: boolean;
  sinceSeconds?: number;
  tailLines?: number;
}

export class ClusterDay2 {
  private readonly api: KubernetesObjectApi;
  constructor(private readonly config: KubeConfig) {
    this.api = KubernetesObjectApi.makeApiClient(config);
  }

  /** Whole objects (status included) of a kind in a namespace; `fieldSelector` as the API takes it. */
  async list(
    kind: KindRef,
    namespace: string,
    selectors: { labelSelector?: string; fieldSelector?: string },
  ): Promise<K8sObject[]> {
    const ref = { ...kind, metadata: { name: '', namespace } };
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
    return list.items.map((item) => ({ ...item, apiVersion: kind.apiVersion, kind: kind.kind }) as K8sObject);
  }

  /** The object, or undefined when it is not there. */
  async get(object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }) {
    try {
      return (await call('get', object, () => this.api.read(structuredClone(object)))) as K8sObject;
    } catch (error) {
      if (error instanceof NotFound) return undefined;
      throw error;
    }
  }

  /** Server-side apply of a partial object owned by `fieldManager` (force: take over just these fields). */
  applyAs(object: K8sObject, fieldManager: string): Promise<K8sObject> {
    return call('apply', object, () =>
      serverSideApply(this.api, object, fieldManager, { force: true }),
    ) as Promise<K8sObject>;
  }

  /** Pipes the container's log into `out`; resolves with an abort for a followed stream. */
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

  /** One forwarded connection: `socket`'s bytes go to the pod's port and back. */
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
    // The pod side closing ends the local connection too, as kubectl does.
    open?.addEventListener('close', () => socket.output.end());
    return { close: () => open?.close() };
  }
}
