/**
 * API versions Kubernetes has removed, and what replaces them. `sameFields` says whether moving
 * to the replacement is only a change of `apiVersion` (what `--fix` may do); otherwise fields
 * moved or changed meaning and a person must port the object. Sources: the Kubernetes
 * deprecated API migration guide (https://kubernetes.io/docs/reference/using-api/deprecation-guide/).
 */
import type { KubeObject } from './input.ts';
import { field } from './workload.ts';

export interface DeprecatedApi {
  apiVersion: string;
  kind: string;
  /** The apiVersion to use instead; undefined when the API is gone without a replacement. */
  replacement?: string;
  /** The Kubernetes minor release that stopped serving it. */
  removedIn: string;
  /** True when only `apiVersion` changes for this object. */
  sameFields(object: KubeObject): boolean;
}

const always = () => true;
const never = () => false;
/** apps/v1 requires spec.selector (older versions defaulted it from the template labels). */
const hasSelector = (object: KubeObject) => field(object, 'spec', 'selector') !== undefined;

function entries(
  apiVersions: readonly string[],
  kinds: readonly string[],
  replacement: string | undefined,
  removedIn: string,
  sameFields: (object: KubeObject) => boolean,
): DeprecatedApi[] {
  return apiVersions.flatMap((apiVersion) =>
    kinds.map((kind) => ({
      apiVersion,
      kind,
      ...(replacement ? { replacement } : {}),
      removedIn,
      sameFields,
    })),
  );
}

export const DEPRECATED_APIS: readonly DeprecatedApi[] = [
  // 1.16
  ...entries(
    ['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'],
    ['Deployment'],
    'apps/v1',
    '1.16',
    hasSelector,
  ),
  ...entries(['apps/v1beta1', 'apps/v1beta2'], ['StatefulSet'], 'apps/v1', '1.16', hasSelector),
  ...entries(
    ['extensions/v1beta1', 'apps/v1beta2'],
    ['DaemonSet', 'ReplicaSet'],
    'apps/v1',
    '1.16',
    hasSelector,
  ),
  ...entries(['extensions/v1beta1'], ['NetworkPolicy'], 'networking.k8s.io/v1', '1.16', always),
  ...entries(['extensions/v1beta1'], ['PodSecurityPolicy'], undefined, '1.16', never),
  // 1.22
  ...entries(
    ['extensions/v1beta1', 'networking.k8s.io/v1beta1'],
    ['Ingress'],
    'networking.k8s.io/v1',
    '1.22',
    never,
  ),
  ...entries(['networking.k8s.io/v1beta1'], ['IngressClass'], 'networking.k8s.io/v1', '1.22', always),
  ...entries(
    ['rbac.authorization.k8s.io/v1beta1', 'rbac.authorization.k8s.io/v1alpha1'],
    ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
    'rbac.authorization.k8s.io/v1',
    '1.22',
    always,
  ),
  ...entries(
    ['admissionregistration.k8s.io/v1beta1'],
    ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    'admissionregistration.k8s.io/v1',
    '1.22',
    never,
  ),
  ...entries(
    ['apiextensions.k8s.io/v1beta1'],
    ['CustomResourceDefinition'],
    'apiextensions.k8s.io/v1',
    '1.22',
    never,
  ),
  ...entries(['apiregistration.k8s.io/v1beta1'], ['APIService'], 'apiregistration.k8s.io/v1', '1.22', always),
  ...entries(
    ['certificates.k8s.io/v1beta1'],
    ['CertificateSigningRequest'],
    'certificates.k8s.io/v1',
    '1.22',
    never,
  ),
  ...entries(['coordination.k8s.io/v1beta1'], ['Lease'], 'coordination.k8s.io/v1', '1.22', always),
  ...entries(
    ['scheduling.k8s.io/v1beta1', 'scheduling.k8s.io/v1alpha1'],
    ['PriorityClass'],
    'scheduling.k8s.io/v1',
    '1.22',
    always,
  ),
  ...entries(
    ['storage.k8s.io/v1beta1'],
    ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'],
    'storage.k8s.io/v1',
    '1.22',
    always,
  ),
  // 1.25
  ...entries(['batch/v1beta1'], ['CronJob'], 'batch/v1', '1.25', always),
  ...entries(['discovery.k8s.io/v1beta1'], ['EndpointSlice'], 'discovery.k8s.io/v1', '1.25', never),
  ...entries(['events.k8s.io/v1beta1'], ['Event'], 'events.k8s.io/v1', '1.25', never),
  ...entries(['autoscaling/v2beta1'], ['HorizontalPodAutoscaler'], 'autoscaling/v2', '1.25', never),
  // policy/v1 reads an empty selector as "every pod in the namespace", v1beta1 as none: not mechanical.
  ...entries(['policy/v1beta1'], ['PodDisruptionBudget'], 'policy/v1', '1.25', (object) => {
    const selector = field(object, 'spec', 'selector');
    return typeof selector === 'object' && selector !== null && Object.keys(selector).length > 0;
  }),
  ...entries(['policy/v1beta1'], ['PodSecurityPolicy'], undefined, '1.25', never),
  ...entries(['node.k8s.io/v1beta1'], ['RuntimeClass'], 'node.k8s.io/v1', '1.25', always),
  // 1.26
  ...entries(['autoscaling/v2beta2'], ['HorizontalPodAutoscaler'], 'autoscaling/v2', '1.26', always),
  ...entries(
    ['flowcontrol.apiserver.k8s.io/v1beta1'],
    ['FlowSchema', 'PriorityLevelConfiguration'],
    'flowcontrol.apiserver.k8s.io/v1',
    '1.26',
    never,
  ),
  // 1.27, 1.29, 1.32
  ...entries(['storage.k8s.io/v1beta1'], ['CSIStorageCapacity'], 'storage.k8s.io/v1', '1.27', always),
  ...entries(
    ['flowcontrol.apiserver.k8s.io/v1beta2'],
    ['FlowSchema', 'PriorityLevelConfiguration'],
    'flowcontrol.apiserver.k8s.io/v1',
    '1.29',
    never,
  ),
  ...entries(
    ['flowcontrol.apiserver.k8s.io/v1beta3'],
    ['FlowSchema', 'PriorityLevelConfiguration'],
    'flowcontrol.apiserver.k8s.io/v1',
    '1.32',
    always,
  ),
];

/** The removed API an object is written against, if any. */
export function deprecatedApi(object: KubeObject): DeprecatedApi | undefined {
  return DEPRECATED_APIS.find((api) => api.apiVersion === object.apiVersion && api.kind === object.kind);
}
