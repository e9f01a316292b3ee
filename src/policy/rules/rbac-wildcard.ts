import type { Rule } from '../rule.ts';
import { roleRules } from './rbac.ts';

const FIELDS = ['apiGroups', 'resources', 'verbs'] as const;

/** Any `*` counts, `*\/scale` included: it grows with every API and CRD added to the cluster. */
export const rbacWildcard: Rule = {
  id: 'rbac-wildcard',
  severity: 'warning',
  category: 'security',
  title: 'Wildcard in an RBAC rule',
  why: 'A `*` grants every current and future verb, resource or API group, CRDs installed later included, so the role quietly gains power the author never reviewed.',
  fix: 'rules:\n  - apiGroups: [apps]\n    resources: [deployments]\n    verbs: [get, list, watch, patch]',
  docs: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege',
  aliases: {
    kubeLinter: ['wildcard-in-rules'],
    checkov: ['CKV_K8S_49'],
  },
  check(object) {
    return roleRules(object).flatMap((rule) => {
      const wild = FIELDS.filter((name) => rule[name].some((entry) => entry.includes('*')));
      if (wild.length === 0) return [];
      return [
        {
          path: ['rules', rule.index, wild[0]!],
          message: `rules[${rule.index}] uses "*" in ${wild.join(', ')}`,
        },
      ];
    });
  },
};
