import type { Rule } from '../rule.ts';
import { coversCoreGroup, matchingResources, matchingVerbs, roleRules } from './rbac.ts';

/** Reading verbs: `list` and `watch` return the values too, not just the names. */
const VERBS = ['get', 'list', 'watch'];

/** A rule limited by resourceNames to the Secrets it names is the fix, not the finding. */
export const rbacSecretsAccess: Rule = {
  id: 'rbac-secrets-access',
  severity: 'warning',
  category: 'security',
  title: 'Role can read Secrets',
  why: 'Reading Secrets reads every password, token and TLS key in their scope, ServiceAccount tokens included, which often lead to more access still.',
  fix: 'rules:\n  - apiGroups: [""]\n    resources: [secrets]\n    resourceNames: [app-config]   # only the Secrets it needs\n    verbs: [get]',
  docs: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets',
  aliases: {
    kubeLinter: ['access-to-secrets'], // which also counts create and delete
  },
  check(object) {
    return roleRules(object).flatMap((rule) => {
      if (!coversCoreGroup(rule) || rule.resourceNames.length > 0) return [];
      const verbs = matchingVerbs(rule, VERBS);
      const resources = matchingResources(rule, 'secrets');
      if (verbs.length === 0 || resources.length === 0) return [];
      const covers = resources.includes('secrets') ? '' : ' (covers secrets)';
      return [
        {
          path: ['rules', rule.index],
          message: `rules[${rule.index}] grants ${verbs.join(', ')} on ${resources.join(', ')}${covers}`,
        },
      ];
    });
  },
};
