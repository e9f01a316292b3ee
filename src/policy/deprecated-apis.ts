/**
 * API versions Kubernetes has removed, and what replaces them. `sameFields` says whether moving
 * to the replacement is only a change of `apiVersion` (what `--fix` may do); otherwise fields
 * moved, were removed, or a default that changes what the object does (a DaemonSet's update
 * strategy) flipped, and a person must port the object. Source: the Kubernetes deprecated API
 * migration guide (https://kubernetes.io/docs/reference/using-api/deprecation-guide/).
 */
import type { KubeObject } from './input.ts';
import { field, isJson } from './workload.ts';

export interface DeprecatedApi {
  apiVersion: string;
  kind: string;
  /** The apiVersion to use instead; undefined when the API is gone without a replacement. */
  replacement?: string;
  /** What to use instead when there is no replacement API version. */
  alternative?: string;
  /** The Kubernetes minor release that stopped serving it. */
  removedIn: string;
  /** True when only `apiVersion` changes for this object. */
  sameFields(object: KubeObject): boolean;
}

const always = () => true;
const never = () => false;
const has = (object: KubeObject, ...path: string[]) => field(object, ...path) !== undefined;
const all =
  (...tests: ((object: KubeObject) => boolean)[]) =>
  (object: KubeObject) =>
    tests.every((test) => test(object));

/** apps/v1 requires spec.selector (older versions defaulted it from the template labels). */
const hasSelector = (object: KubeObject) => has(object, 'spec', 'selector');
/** apps/v1 dropped spec.rollbackTo (Deployment) and spec.templateGeneration (DaemonSet). */
const noRollbackTo = (object: KubeObject) => !has(object, 'spec', 'rollbackTo');
const noTemplateGeneration = (object: KubeObject) => !has(object, 'spec', 'templateGeneration');
/**
 * extensions/v1beta1 DaemonSets and apps/v1beta1 StatefulSets defaulted to OnDelete, apps/v1 to
 * RollingUpdate: without an explicit type the move would start replacing pods on every change.
 */
const explicitUpdateStrategy = (object: KubeObject) => has(object, 'spec', 'updateStrategy', 'type');
/** A selector with nothing in it: no pods in policy/v1beta1, every pod in the namespace in policy/v1. */
function isEmptySelector(selector: unknown): boolean {
  if (!isJson(selector)) return false;
  const labels = selector.matchLabels;
  const expressions = selector.matchExpressions;
  return (
    !(isJson(labels) && Object.keys(labels).length > 0) &&
    !(Array.isArray(expressions) && expressions.length > 0)
  );
}
/** authorization.k8s.io/v1 renamed spec.group to spec.groups. */
const noSpecGroup = (object: KubeObject) => !has(object, 'spec', 'group');
/**
 * flowcontrol v1beta1/v1beta2 call it assuredConcurrencyShares (v1beta3 renamed it
 * nominalConcurrencyShares), and before v1 an explicit 0 meant the default of 30.
 */
const noAssuredShares = (object: KubeObject) => !has(object, 'spec', 'limited', 'assuredConcurrencyShares');
const noZeroShares = (object: KubeObject) =>
  field(object, 'spec', 'limited', 'nominalConcurrencyShares') !== 0;

function entries(
  apiVersions: readonly string[],
  kinds: readonly string[],
  replacement: string | undefined,
  removedIn: string,
  sameFields: (object: KubeObject) => boolean,
  alternative?: string,
): DeprecatedApi[] {
  return apiVersions.flatMap((apiVersion) =>
    kinds.map((kind) => ({
      apiVersion,
      kind,
      ...(replacement ? { replacement } : {}),
      ...(alternative ? { alternative } : {}),
      removedIn,
      sameFields,
    })),
  );
}

const POD_SECURITY_ADMISSION = 'Pod Security Admission (namespace labels pod-security.kubernetes.io/*)';

export const DEPRECATED_APIS: readonly DeprecatedApi[] = [
  // 1.16. Deployment defaults also changed (progressDeadlineSeconds 600, revisionHistoryLimit 10,
  // maxSurge/maxUnavailable 25%), but it still rolls: we count that as the same object.
  ...entries(
    ['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'],
    ['Deployment'],
    'apps/v1',
    '1.16',
    all(hasSelector, noRollbackTo),
  ),
  ...entries(['apps/v1beta1'], ['StatefulSet'], 'apps/v1', '1.16', all(hasSelector, explicitUpdateStrategy)),
  ...entries(['apps/v1beta2'], ['StatefulSet'], 'apps/v1', '1.16', hasSelector),
  ...entries(
    ['extensions/v1beta1'],
    ['DaemonSet'],
    'apps/v1',
    '1.16',
    all(hasSelector, noTemplateGeneration, explicitUpdateStrategy),
  ),
  ...entries(['apps/v1beta2'], ['DaemonSet'], 'apps/v1', '1.16', all(hasSelector, noTemplateGeneration)),
  ...entries(
    ['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'],
    ['ReplicaSet'],
    'apps/v1',
    '1.16',
    hasSelector,
  ),
  ...entries(['extensions/v1beta1'], ['NetworkPolicy'], 'networking.k8s.io/v1', '1.16', always),
  // The guide of the day pointed to policy/v1beta1, itself removed in 1.25.
  ...entries(['extensions/v1beta1'], ['PodSecurityPolicy'], undefined, '1.16', never, POD_SECURITY_ADMISSION),
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
    ['rbac.authorization.k8s.io/v1beta1'],
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
  ...entries(['authentication.k8s.io/v1beta1'], ['TokenReview'], 'authentication.k8s.io/v1', '1.22', always),
  ...entries(
    ['authorization.k8s.io/v1beta1'],
    ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SubjectAccessReview', 'SelfSubjectRulesReview'],
    'authorization.k8s.io/v1',
    '1.22',
    noSpecGroup,
  ),
  ...entries(
    ['certificates.k8s.io/v1beta1'],
    ['CertificateSigningRequest'],
    'certificates.k8s.io/v1',
    '1.22',
    never,
  ),
  ...entries(['coordination.k8s.io/v1beta1'], ['Lease'], 'coordination.k8s.io/v1', '1.22', always),
  ...entries(['scheduling.k8s.io/v1beta1'], ['PriorityClass'], 'scheduling.k8s.io/v1', '1.22', always),
  ...entries(
    ['storage.k8s.io/v1beta1'],
    ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'],
    'storage.k8s.io/v1',
    '1.22',
    always,
  ),
  // 1.23: the alpha versions (not in the migration guide, which lists beta APIs only).
  // unsure: removed in 1.23 by kubernetes/kubernetes#104248, per its changelog as we remember it.
  ...entries(
    ['rbac.authorization.k8s.io/v1alpha1'],
    ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
    'rbac.authorization.k8s.io/v1',
    '1.23',
    always,
  ),
  ...entries(['scheduling.k8s.io/v1alpha1'], ['PriorityClass'], 'scheduling.k8s.io/v1', '1.23', always),
  // 1.25
  ...entries(['batch/v1beta1'], ['CronJob'], 'batch/v1', '1.25', always),
  ...entries(['discovery.k8s.io/v1beta1'], ['EndpointSlice'], 'discovery.k8s.io/v1', '1.25', never),
  ...entries(['events.k8s.io/v1beta1'], ['Event'], 'events.k8s.io/v1', '1.25', never),
  ...entries(['autoscaling/v2beta1'], ['HorizontalPodAutoscaler'], 'autoscaling/v2', '1.25', never),
  // policy/v1 reads an empty selector as "every pod in the namespace", v1beta1 as none; an unset
  // selector selects nothing in both.
  ...entries(
    ['policy/v1beta1'],
    ['PodDisruptionBudget'],
    'policy/v1',
    '1.25',
    (object) => !isEmptySelector(field(object, 'spec', 'selector')),
  ),
  ...entries(['policy/v1beta1'], ['PodSecurityPolicy'], undefined, '1.25', never, POD_SECURITY_ADMISSION),
  ...entries(['node.k8s.io/v1beta1'], ['RuntimeClass'], 'node.k8s.io/v1', '1.25', always),
  // 1.26. The guide repeats the v2beta1 note (targetAverageUtilization) here, but v2beta2 already
  // has the target.averageUtilization shape of v2: only the apiVersion changes.
  ...entries(['autoscaling/v2beta2'], ['HorizontalPodAutoscaler'], 'autoscaling/v2', '1.26', always),
  // 1.26, 1.29, 1.32: flow control. The guide of 1.26 named v1beta2/v1beta3, both gone since; v1 is served from 1.29.
  ...entries(
    ['flowcontrol.apiserver.k8s.io/v1beta1'],
    ['FlowSchema'],
    'flowcontrol.apiserver.k8s.io/v1',
    '1.26',
    always,
  ),
  ...entries(
    ['flowcontrol.apiserver.k8s.io/v1beta1'],
    ['PriorityLevelConfiguration'],
    'flowcontrol.apiserver.k8s.io/v1',
    '1.26',
    noAssuredShares,
  ),
  // 1.27
  ...entries(['storage.k8s.io/v1beta1'], ['CSIStorageCapacity'], 'storage.k8s.io/v1', '1.27', always),
  // 1.29
  ...entries(
    ['flowcontrol.apiserver.k8s.io/v1beta2'],
    ['FlowSchema'],
    'flowcontrol.apiserver.k8s.io/v1',
    '1.29',
    always,
  ),
  ...entries(
    ['flowcontrol.apiserver.k8s.io/v1beta2'],
    ['PriorityLevelConfiguration'],
    'flowcontrol.apiserver.k8s.io/v1',
    '1.29',
    noAssuredShares,
  ),
  // 1.32
  ...entries(
    ['flowcontrol.apiserver.k8s.io/v1beta3'],
    ['FlowSchema'],
    'flowcontrol.apiserver.k8s.io/v1',
    '1.32',
    always,
  ),
  ...entries(
    ['flowcontrol.apiserver.k8s.io/v1beta3'],
    ['PriorityLevelConfiguration'],
    'flowcontrol.apiserver.k8s.io/v1',
    '1.32',
    noZeroShares,
  ),
];

/** The removed API an object is written against, if any. */
export function deprecatedApi(object: KubeObject): DeprecatedApi | undefined {
  return DEPRECATED_APIS.find((api) => api.apiVersion === object.apiVersion && api.kind === object.kind);
}
