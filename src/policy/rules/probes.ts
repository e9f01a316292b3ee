/** The shared shape of the probe rules: every long-running container needs the probe. */

import type { KubeObject } from '../input.ts';
import type { Violation } from '../rule.ts';
import { BATCH_KINDS, workloadContainers } from '../workload.ts';

export function missingProbe(object: KubeObject, probe: 'readinessProbe' | 'livenessProbe'): Violation[] {
  if (BATCH_KINDS.includes(object.kind)) return [];
  const workload = workloadContainers(object, { init: false });
  if (!workload) return [];
  return workload.containers
    .filter(({ container }) => container[probe] === undefined || container[probe] === null)
    .map(({ name, path }) => ({ container: name, path: [...path, probe], message: `no ${probe}` }));
}
