/**
 * The rules of a Role or ClusterRole, read defensively, and what a rule grants on a resource.
 * RBAC matching follows the API server: `*` matches every verb, group or resource, and
 * `*\/exec` every resource's exec subresource.
 */
import type { KubeObject } from '../input.ts';
import { isJson } from '../workload.ts';

export const ROLE_KINDS: readonly string[] = ['Role', 'ClusterRole'];
export const BINDING_KINDS: readonly string[] = ['RoleBinding', 'ClusterRoleBinding'];

export interface PolicyRule {
  /** Position in `rules`, for the message: `rules[2]`. */
  index: number;
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames: string[];
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** The rules of a Role or ClusterRole; nothing for other kinds. */
export function roleRules(object: KubeObject): PolicyRule[] {
  if (!ROLE_KINDS.includes(object.kind) || !Array.isArray(object.rules)) return [];
  return object.rules.flatMap((rule, index) =>
    isJson(rule)
      ? [
          {
            index,
            apiGroups: strings(rule.apiGroups),
            resources: strings(rule.resources),
            verbs: strings(rule.verbs),
            resourceNames: strings(rule.resourceNames),
          },
        ]
      : [],
  );
}

/** Whether the rule covers the core API group (`""`), where pods and secrets live. */
export const coversCoreGroup = (rule: PolicyRule): boolean =>
  rule.apiGroups.includes('') || rule.apiGroups.includes('*');

/** The entries of `resources` that match `resource` (`pods/exec`, `secrets`). */
export function matchingResources(rule: PolicyRule, resource: string): string[] {
  const [, sub] = resource.split('/');
  return rule.resources.filter(
    (entry) => entry === '*' || entry === resource || (sub !== undefined && entry === `*/${sub}`),
  );
}

/** The entries of `verbs` among `wanted`, `*` included. */
export const matchingVerbs = (rule: PolicyRule, wanted: readonly string[]): string[] =>
  rule.verbs.filter((verb) => verb === '*' || wanted.includes(verb));
