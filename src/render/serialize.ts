/**
 * Rendered objects → YAML, once, at the edge. Strings are quoted the YAML 1.1 way
 * (`"yes"`, `"on"`, `"1.0"`) because Kubernetes parses 1.1 booleans; repeated objects are
 * written out in full, never as anchors; long strings are not folded. No directives are written
 * (`directives: false` also spares `yaml` a walk over each document looking for tags to declare).
 */
import { stringify } from 'yaml';
import type { K8sObject } from './kubernetes/types.ts';

const OPTIONS = { version: '1.1', aliasDuplicateObjects: false, lineWidth: 0, directives: false } as const;

/** One YAML document (no header). */
export function toYaml(value: unknown): string {
  return stringify(value, OPTIONS);
}

/** A multi-document stream, `---` between objects, in the order given. */
export function toYamlStream(objects: readonly K8sObject[]): string {
  return objects.map((object) => toYaml(object)).join('---\n');
}

/** `<kind-lowercase>-<name>.yaml`; a name used twice for one kind gets its namespace too. */
export function objectFileNames(objects: readonly K8sObject[]): string[] {
  const base = (o: K8sObject) => `${o.kind.toLowerCase()}-${o.metadata.name}`;
  const counts = new Map<string, number>();
  for (const object of objects) counts.set(base(object), (counts.get(base(object)) ?? 0) + 1);
  return objects.map((object) =>
    counts.get(base(object))! > 1 && object.metadata.namespace
      ? `${base(object)}-${object.metadata.namespace}.yaml`
      : `${base(object)}.yaml`,
  );
}

/** One file per object, `banner` (generated.ts) first: file name → text, in the objects' order. */
export function objectFiles(objects: readonly K8sObject[], banner: string): Map<string, string> {
  const names = objectFileNames(objects);
  return new Map(names.map((name, i) => [name, `${banner}${toYaml(objects[i])}`]));
}
