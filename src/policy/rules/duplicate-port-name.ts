import type { Rule } from '../rule.ts';
import { isJson, workloadContainers } from '../workload.ts';

/** The same port name twice in one container: the API server refuses the pod (Duplicate value). */
export const duplicatePortName: Rule = {
  id: 'duplicate-port-name',
  severity: 'error',
  category: 'reliability',
  title: 'Container port name used twice',
  why: 'Port names must be unique within a container: the API server refuses the object, and a Service or probe that targets the name could not tell the ports apart anyway.',
  fix: 'ports:\n  - { name: http, containerPort: 8080 }\n  - { name: metrics, containerPort: 9090 }',
  docs: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/',
  aliases: {
    kubeScore: ['container-ports-check'], // also checks a missing containerPort
  },
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    return workload.containers.flatMap(({ container, name, path }) => {
      const ports = Array.isArray(container.ports) ? container.ports : [];
      const names = ports.map((p) =>
        isJson(p) && typeof p.name === 'string' && p.name !== '' ? p.name : undefined,
      );
      return duplicates(names).map(({ value, indexes }) => {
        const numbers = indexes.map((i) =>
          String((ports[i] as { containerPort?: unknown }).containerPort ?? '?'),
        );
        return {
          container: name,
          path: [...path, 'ports', indexes.at(-1)!, 'name'],
          message: `port name ${value} is used by ${indexes.length} ports (${numbers.join(', ')})`,
        };
      });
    });
  },
};

/** Values that occur more than once (undefined ignored), in order of first appearance, with their indexes. */
export function duplicates(values: readonly (string | undefined)[]): { value: string; indexes: number[] }[] {
  const seen = new Map<string, number[]>();
  values.forEach((value, i) => {
    if (value !== undefined) seen.set(value, [...(seen.get(value) ?? []), i]);
  });
  return [...seen]
    .filter(([, indexes]) => indexes.length > 1)
    .map(([value, indexes]) => ({ value, indexes }));
}
