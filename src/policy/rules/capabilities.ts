/**
 * The container's `securityContext.capabilities` lists, upper-cased and without the `CAP_` prefix;
 * an entry that is not a string is '' (so indexes stay those of the YAML list).
 */
import { field } from '../workload.ts';

export function capabilityList(container: unknown, list: 'add' | 'drop'): string[] {
  const value = field(container, 'securityContext', 'capabilities', list);
  if (!Array.isArray(value)) return [];
  return value.map((c) => (typeof c === 'string' ? c.toUpperCase().replace(/^CAP_/, '') : ''));
}
