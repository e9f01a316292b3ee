/**
 * `serviceAccount: x` becomes `serviceAccountName: x`: the same field under its current name (the
 * API server copies the alias into serviceAccountName), so the pod runs exactly as before. Both
 * set is left for a person: which one was meant is not ours to say.
 */
import { isScalar } from 'yaml';
import type { Fixer } from './fixer.ts';
import { notEditable, podSpecNode, renameKey, valueAt } from './tree.ts';

export const deprecatedServiceAccountFieldFixer: Fixer = {
  rule: 'deprecated-service-account-field',
  fix(target) {
    const podSpec = podSpecNode(target);
    if (!podSpec || !isScalar(podSpec.get('serviceAccount', true))) return [];
    if (valueAt(podSpec, 'serviceAccountName') !== undefined)
      return [{ skip: 'serviceAccountName is set too; remove serviceAccount by hand' }];
    if (!renameKey(target, podSpec, 'serviceAccount', 'serviceAccountName'))
      return [{ skip: notEditable('serviceAccount') }];
    return [{ change: 'renamed serviceAccount to serviceAccountName' }];
  },
};
