import type { KubeObject } from '../input.ts';
import type { Rule, Violation } from '../rule.ts';
import { field, WORKLOAD_KINDS } from '../workload.ts';

/** Kinds that belong to an application; cluster plumbing (Namespaces, RBAC, CRDs) is left alone. */
const APP_KINDS: readonly string[] = [
  ...WORKLOAD_KINDS,
  'Service',
  'Ingress',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'NetworkPolicy',
  'PersistentVolumeClaim',
  'PodDisruptionBudget',
  'HorizontalPodAutoscaler',
];

/** Where a workload keeps its pod template's metadata; a bare Pod is its own template. */
const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'],
};
const DEFAULT_TEMPLATE_PATH = ['spec', 'template', 'metadata'];

export const RECOMMENDED_LABELS: readonly string[] = ['app.kubernetes.io/name'];

/**
 * A rule that every application object, and every workload's pod template, carries `labels`
 * (non-empty values). The config file passes its own list; the default asks for the name only.
 */
export function requiredLabelsRule(labels: readonly string[]): Rule {
  return {
    id: 'missing-recommended-label',
    severity: 'info',
    category: 'hygiene',
    title: 'Missing recommended label',
    why: 'Dashboards, `kubectl get -l`, cost reports and NetworkPolicies find an app by its labels; the recommended app.kubernetes.io labels are the ones every tool understands.',
    fix: `metadata:\n  labels:\n${labels.map((label) => `    ${label}: web`).join('\n')}`,
    docs: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/',
    aliases: {},
    check(object) {
      if (!APP_KINDS.includes(object.kind)) return [];
      const own = missing(field(object, 'metadata', 'labels'), labels);
      const template = templateMetadata(object);
      const pods = template === undefined ? [] : missing(field(template, 'labels'), labels);
      // One finding when both lack the same labels, the usual case for a tutorial Deployment.
      if (own.length > 0 && own.join() === pods.join())
        return [
          {
            path: ['metadata', 'labels'],
            message: `no ${noun(own)} ${own.join(', ')} (on the object and its pod template)`,
          },
        ];
      const violations: Violation[] = [];
      if (own.length > 0)
        violations.push({ path: ['metadata', 'labels'], message: `no ${noun(own)} ${own.join(', ')}` });
      if (pods.length > 0)
        violations.push({
          path: [...(TEMPLATE_PATHS[object.kind] ?? DEFAULT_TEMPLATE_PATH), 'labels'],
          message: `pod template has no ${noun(pods)} ${pods.join(', ')}`,
        });
      return violations;
    },
  };
}

export const missingRecommendedLabel: Rule = requiredLabelsRule(RECOMMENDED_LABELS);

/** The pod template's metadata (maybe empty), or undefined for kinds without a template. */
function templateMetadata(object: KubeObject): unknown {
  if (object.kind === 'Pod' || !WORKLOAD_KINDS.includes(object.kind)) return undefined;
  const path = TEMPLATE_PATHS[object.kind] ?? DEFAULT_TEMPLATE_PATH;
  return field(object, ...path) ?? {};
}

function missing(labels: unknown, required: readonly string[]): string[] {
  return required.filter((label) => {
    const value = field(labels, label);
    return typeof value !== 'string' || value.trim() === '';
  });
}

const noun = (labels: readonly string[]) => (labels.length === 1 ? 'label' : 'labels');
