import type { Rule } from '../rule.ts';
import { coversCoreGroup, matchingResources, matchingVerbs, roleRules } from './rbac.ts';

/**
 * exec and attach run commands in (or read the terminal of) a running container. `get` counts:
 * over a WebSocket the API server long authorized exec with `get` alone (Polaris flags it too).
 * pods/portforward is left out on purpose: it reaches the pod's ports, not its processes, files
 * or token, and debugging roles grant it often enough that flagging it would be noise.
 */
const SUBRESOURCES = ['pods/exec', 'pods/attach'];
const VERBS = ['create', 'get'];

export const rbacPodsExec: Rule = {
  id: 'rbac-pods-exec',
  severity: 'warning',
  category: 'security',
  title: 'Role grants exec or attach into pods',
  why: 'Exec into a pod is running code as that pod: its ServiceAccount token, mounted Secrets and network access come with it, so the role is as strong as the strongest pod it can reach.',
  fix: 'rules:\n  - apiGroups: [""]\n    resources: [pods, pods/log]\n    verbs: [get, list, watch]   # no pods/exec or pods/attach',
  docs: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
  aliases: {
    polaris: ['clusterrolePodExecAttach', 'rolePodExecAttach'],
  },
  check(object) {
    return roleRules(object).flatMap((rule) => {
      if (!coversCoreGroup(rule)) return [];
      const verbs = matchingVerbs(rule, VERBS);
      const resources = [...new Set(SUBRESOURCES.flatMap((sub) => matchingResources(rule, sub)))];
      if (verbs.length === 0 || resources.length === 0) return [];
      const literal = resources.every((r) => SUBRESOURCES.includes(r));
      const covers = literal ? '' : ` (covers ${SUBRESOURCES.join(', ')})`;
      return [
        {
          path: ['rules', rule.index],
          aliases: {
            polaris: [object.kind === 'ClusterRole' ? 'clusterrolePodExecAttach' : 'rolePodExecAttach'],
          },
          message: `rules[${rule.index}] grants ${verbs.join(', ')} on ${resources.join(', ')}${covers}`,
        },
      ];
    });
  },
};
