/**
 * What a failed Kubernetes API call means for the user, as a message naming the object and a
 * hint: forbidden (which verb on which resource), a custom resource whose API is not installed,
 * an admission webhook's denial, an exceeded quota, anything else with the API's own message.
 * Pure: the adapter turns the client's exceptions into an `ApiFailure`.
 */
import { crdInstallHint, describeObject } from './kinds.ts';

/** A domain error of `gantry apply`: the CLI prints message and hint, never a stack. */
export class KubeError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A write conditioned on a resourceVersion that another writer has moved on from (a 409). */
export class StaleWrite extends KubeError {}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

export interface ApiFailure {
  /** What Gantry was doing: apply, get, list, delete, watch. */
  verb: string;
  object: ObjectRef;
  /** HTTP status; 0 when the server could not be reached. */
  status: number;
  /** The Status object's reason and message, or the response text. */
  reason?: string;
  message: string;
}

/** The Kubernetes verb behind each thing Gantry does, for RBAC hints. */
const RBAC_VERB: Record<string, string> = {
  apply: 'patch',
  get: 'get',
  list: 'list',
  delete: 'delete',
  watch: 'watch',
};

export function explainFailure(failure: ApiFailure): KubeError {
  const what = describeObject(failure.object);
  const action = failure.verb === 'get' ? 'read' : failure.verb;
  const { message } = failure;
  if (/admission webhook .* denied the request/.test(message))
    return new KubeError(
      `${action} ${what}: denied by an admission webhook: ${message}`,
      'change the spec to satisfy the cluster policy, or ask the cluster admins about the webhook',
    );
  // An in-tree ValidatingAdmissionPolicy (CEL) denies with 422 Invalid, not as a webhook does.
  const policy = /ValidatingAdmissionPolicy '([^']+)' with binding '[^']+' denied request/.exec(message);
  if (policy)
    return new KubeError(
      `${action} ${what}: denied by an admission policy: ${message}`,
      `change the spec to satisfy the cluster policy (kubectl get validatingadmissionpolicy ${policy[1]} -o yaml shows its rules), or ask the cluster admins`,
    );
  if (/exceeded quota/.test(message))
    return new KubeError(
      `${action} ${what}: the namespace's ResourceQuota is exceeded: ${message}`,
      `lower requests/replicas in the spec or raise the quota (kubectl describe resourcequota -n ${failure.object.metadata.namespace ?? 'default'})`,
    );
  if (failure.status === 403) {
    const verb = RBAC_VERB[failure.verb] ?? failure.verb;
    const resource = `${plural(failure.object.kind)}${groupSuffix(failure.object.apiVersion)}`;
    const ns = failure.object.metadata.namespace;
    return new KubeError(
      `${action} ${what}: forbidden: ${message}`,
      `your user needs RBAC permission to ${verb} ${resource}${ns ? ` in namespace ${ns}` : ''}; check with: kubectl auth can-i ${verb} ${resource}${ns ? ` -n ${ns}` : ''}`,
    );
  }
  if (failure.status === 0)
    return new KubeError(
      `${action} ${what}: cannot reach the Kubernetes API: ${message}`,
      'check --context/--kubeconfig and that the cluster is up (kubectl cluster-info)',
    );
  if (failure.status === 401)
    return new KubeError(
      `${action} ${what}: not authenticated (401): ${message}`,
      'your kubeconfig credentials were refused; log in again',
    );
  if (
    failure.status === 404 &&
    failure.verb !== 'get' &&
    failure.verb !== 'delete' &&
    /namespaces? .*not found/.test(message)
  )
    return new KubeError(
      `${action} ${what}: ${message}`,
      `create the namespace first, or pass --namespace ${failure.object.metadata.namespace ?? 'NS'} so Gantry applies the Namespace too`,
    );
  return new KubeError(
    `${action} ${what}: ${failure.status} ${failure.reason ?? ''}: ${message}`.replace('  ', ' '),
  );
}

/** The cluster does not serve this kind's apiVersion: its CRDs (and operator) are not installed. */
export function kindNotInstalled(object: ObjectRef): KubeError {
  const install = crdInstallHint(object.apiVersion);
  const what = describeObject(object);
  if (install)
    return new KubeError(
      `${what}: the cluster does not serve ${object.kind} (${object.apiVersion}); ${install.what} must be installed`,
      install.how,
    );
  return new KubeError(
    `${what}: the cluster does not serve ${object.kind} (${object.apiVersion})`,
    `install the CRD that defines it (kubectl api-resources lists what the cluster serves)`,
  );
}

function groupSuffix(apiVersion: string): string {
  return apiVersion.includes('/') ? `.${apiVersion.slice(0, apiVersion.indexOf('/'))}` : '';
}

/** The resource name of a kind, as RBAC rules spell it (NetworkPolicy → networkpolicies). */
export function plural(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  if (lower.endsWith('s')) return `${lower}es`;
  return `${lower}s`;
}
