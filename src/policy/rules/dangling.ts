/** What the dangling-selector rules share: the finding for a selector that selects no pod in the set. */
import type { ObjectSet } from '../object-set.ts';
import type { FieldPath, Violation } from '../rule.ts';

/**
 * `message`, at `path`; lowered to info when the namespace holds custom resources that no known
 * operator table covers (operator-pods.ts): their operator may make exactly the pods selected.
 */
export function selectsNothing(
  set: ObjectSet,
  namespace: string,
  path: FieldPath,
  message: string,
): Violation {
  const customResources = set.customResources(namespace);
  if (customResources === 0) return { path, message };
  return {
    path,
    message: `${message} (the set has ${customResources} custom resource${customResources === 1 ? '' : 's'} here, whose operator may make such pods)`,
    severity: 'info',
  };
}
