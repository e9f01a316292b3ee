/**
 * The thin adapter a release needs beyond `gantry apply`'s Cluster: read one whole object (a
 * Deployment with its spec and status, an HTTPRoute with its rules) and server-side apply a
 * partial object under a named field manager, forced, because the release takes `spec.replicas`
 * and the route weights over from `gantry apply` while it runs. Nothing decided here.
 */
import { ApiException, KubernetesObjectApi } from '@kubernetes/client-node';
import type { K8sObject } from '../../render/kubernetes/index.ts';
import { explainFailure, type ObjectRef } from './api-failure.ts';
import { type Connection, connect, serverSideApply } from './cluster.ts';

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
      throw failure('apply', object, error);
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
