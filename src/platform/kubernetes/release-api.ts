/**
 * The thin adapter a release needs beyond `gantry apply`'s Cluster: read one whole object (a
 * Deployment with its spec and status, an HTTPRoute with its rules) and server-side apply a
 * partial object under a named field manager, forced, because the release takes `spec.replicas`
 * and the route weights over from `gantry apply` while it runs. Nothing decided here.
 */
import { ApiException, KubernetesObjectApi } from '@kubernetes/client-node';
import type { K8sObject } from '../../render/kubernetes/index.ts';
import { explainFailure, KubeError, type ObjectRef } from './api-failure.ts';
import { type Connection, connect, serverSideApply } from './cluster.ts';
import type { ClusterRelease } from './release-annotation.ts';
import { FIELD_MANAGERS, releasePatch } from './release-objects.ts';

export interface ReleaseApi {
  /** The object as the server has it; undefined when it does not exist or its kind is not served. */
  read<T extends K8sObject>(object: ObjectRef): Promise<T | undefined>;
  apply<T extends K8sObject>(object: K8sObject, fieldManager: string): Promise<T>;
}

export interface ReleaseConnection extends Connection {
  api: ReleaseApi;
}

/** `connect` checks the kubeconfig and context with the wording `gantry apply` uses; this adds reads. */
export function connectForRelease(options: { kubeconfig?: string; context?: string }): ReleaseConnection {
  const connection = connect(options);
  return {
    ...connection,
    api: new ClientNodeReleaseApi(KubernetesObjectApi.makeApiClient(connection.config)),
  };
}

class ClientNodeReleaseApi implements ReleaseApi {
  constructor(private readonly client: KubernetesObjectApi) {}

  async read<T extends K8sObject>(object: ObjectRef): Promise<T | undefined> {
    try {
      return (await this.client.read(structuredClone(object))) as unknown as T;
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      // A 404 on the object, on its group's discovery, or a group that lacks the kind: not there.
      if (error instanceof ApiException && error.code === 404) return undefined;
      if (/^Unrecognized API version and kind/.test(text)) return undefined;
      throw failure('get', object, error);
    }
  }

  async apply<T extends K8sObject>(object: K8sObject, fieldManager: string): Promise<T> {
    try {
      return (await serverSideApply(this.client, object, fieldManager, { force: true })) as unknown as T;
    } catch (error) {
      // Forced, an apply meets no field conflict: a 409 is a resourceVersion precondition that failed.
      if (error instanceof ApiException && error.code === 409)
        throw new StaleWrite(failure('apply', object, error).message);
      throw failure('apply', object, error);
    }
  }
}

/** A write conditioned on a resourceVersion that another writer has moved on from. */
export class StaleWrite extends KubeError {}

/** The release to write, or how to change the one stored now. */
export type ReleaseUpdate = ClusterRelease | ((current: ClusterRelease | undefined) => ClusterRelease);

/**
 * Writes the release annotation on its holder (the stable Deployment, or the Service for
 * blue-green) as read-modify-write: `update` sees the release as last read and the write carries
 * that read's resourceVersion, so a concurrent writer's change is never overwritten — the API
 * server refuses the stale write (409) and this reads again. Without it a promote or abort from a
 * second process, written while the deploy driving the release was between its read and its write,
 * was lost and the release sat paused until its timeout (seen on a real control plane, where those
 * calls take long enough for it to happen).
 */
export async function writeRelease<H extends K8sObject>(
  api: ReleaseApi,
  read: () => Promise<H>,
  releaseOf: (holder: H) => ClusterRelease | undefined,
  update: ReleaseUpdate,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const holder = await read();
    const next = typeof update === 'function' ? update(releaseOf(holder)) : update;
    try {
      const { resourceVersion } = holder.metadata as { resourceVersion?: string };
      await api.apply(releasePatch(holder, next, resourceVersion), FIELD_MANAGERS.state);
      return;
    } catch (error) {
      if (!(error instanceof StaleWrite) || attempt >= 20) throw error;
    }
  }
}

function failure(verb: string, object: ObjectRef, error: unknown) {
  if (error instanceof ApiException) {
    let message = String(error.body);
    let reason: string | undefined;
    try {
      const status = JSON.parse(message) as { reason?: string; message?: string };
      message = status.message ?? message;
      reason = status.reason;
    } catch {}
    return explainFailure({ verb, object, status: error.code, message, ...(reason ? { reason } : {}) });
  }
  return explainFailure({
    verb,
    object,
    status: 0,
    message: error instanceof Error ? error.message : String(error),
  });
}
