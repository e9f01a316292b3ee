/**
 * automountServiceAccountToken: false on the pod spec. An explicit `true` is left alone: it says
 * the pod calls the Kubernetes API.
 */
import type { Fixer } from './fixer.ts';
import { notEditable, podSpecNode, setScalar, valueAt } from './tree.ts';

export const serviceAccountTokenFixer: Fixer = {
  rule: 'service-account-token-mounted',
  fix(target) {
    const podSpec = podSpecNode(target);
    if (!podSpec) return [];
    const current = valueAt(podSpec, 'automountServiceAccountToken');
    if (current === false) return [];
    if (current === true)
      return [
        { skip: 'automountServiceAccountToken: true is set explicitly (the pod calls the API?); left as is' },
      ];
    if (
      !setScalar(target, podSpec, 'automountServiceAccountToken', false, {
        before: ['initContainers', 'containers'],
      })
    )
      return [{ skip: notEditable('automountServiceAccountToken') }];
    return [{ change: 'set automountServiceAccountToken: false' }];
  },
};
