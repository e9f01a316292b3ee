/**
 * imagePullPolicy: Always, next to the image. `IfNotPresent` (or nothing) becomes Always; `Never`
 * is left alone, since it means the image was loaded onto the node and is in no registry.
 */
import { eachContainer } from './containers.ts';
import type { Fixer } from './fixer.ts';
import { notEditable, setScalar, valueAt } from './tree.ts';

export const imagePullPolicyFixer: Fixer = {
  rule: 'image-pull-policy-not-always',
  fix: (target, finding) =>
    eachContainer(target, finding, (container) => {
      const current = valueAt(container, 'imagePullPolicy');
      if (current === 'Always') return [];
      if (current === 'Never')
        return [{ skip: 'imagePullPolicy: Never means the image is not in a registry; left as is' }];
      if (!setScalar(target, container, 'imagePullPolicy', 'Always', { after: ['image'] }))
        return [{ skip: notEditable('imagePullPolicy') }];
      const was = current === undefined || current === null ? '' : ` (was ${String(current)})`;
      return [{ change: `set imagePullPolicy: Always${was}` }];
    }),
};
