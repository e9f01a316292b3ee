/**
 * imagePullPolicy: Always, next to the image, where none is set (an unsafe fix: risks.ts). A policy
 * written down is a choice and is left alone (`IfNotPresent` to keep starts off the registry,
 * `Never` for an image loaded onto the node), and so is an image pinned by digest: IfNotPresent
 * runs exactly that image.
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
      if (current !== undefined && current !== null)
        return [{ skip: `imagePullPolicy: ${String(current)} is set explicitly; left as is` }];
      if (String(valueAt(container, 'image') ?? '').includes('@'))
        return [{ skip: 'the image is pinned by digest, so IfNotPresent runs exactly it; left as is' }];
      if (!setScalar(target, container, 'imagePullPolicy', 'Always', { after: ['image'] }))
        return [{ skip: notEditable('imagePullPolicy') }];
      return [{ change: 'set imagePullPolicy: Always' }];
    }),
};
