/** readOnlyRootFilesystem: true on the container; an explicit `false` is left alone and reported. */
import { eachSecurityContext } from './containers.ts';
import type { Fixer } from './fixer.ts';
import { notEditable, setScalar, valueAt } from './tree.ts';

export const readOnlyRootFilesystemFixer: Fixer = {
  rule: 'read-only-root-filesystem',
  fix: (target, finding) =>
    eachSecurityContext(target, finding, (securityContext) => {
      const current = valueAt(securityContext, 'readOnlyRootFilesystem');
      if (current === true) return [];
      if (current === false)
        return [
          {
            skip: 'readOnlyRootFilesystem: false is set explicitly; mount an emptyDir where it writes, then set it to true',
          },
        ];
      if (!setScalar(target, securityContext, 'readOnlyRootFilesystem', true))
        return [{ skip: notEditable('securityContext.readOnlyRootFilesystem') }];
      return [{ change: 'set securityContext.readOnlyRootFilesystem: true' }];
    }),
};
