/** The container's `securityContext.capabilities` lists, upper-cased and without the `CAP_` prefix. */
import { field } from '../workload.ts';

export function capabilityList(container: unknown, list: 'add' | 'drop'): string[] {
  const value = field(container, 'securityContext', 'capabilities', list);
  if (!Array.isArray(value)) return [];
  return value
    .filter((c): c is string => typeof c === 'string')
    .map((c) => c.toUpperCase().replace(/^CAP_/, ''));
}
