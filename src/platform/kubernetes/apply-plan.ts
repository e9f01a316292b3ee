/**
 * What `gantry apply` will do with a render, decided without a cluster: the objects in apply
 * order, and the Secrets the workloads read but nobody renders (the user creates them, and
 * apply checks they exist before starting pods that would crash without them).
 */
import type { K8sObject, RenderNote } from '../../render/kubernetes/index.ts';
import { kindRank } from '../../render/kubernetes/kind-order.ts';

export interface SecretReference {
  name: string;
  namespace: string;
  /** The keys read from it, sorted (empty when the whole Secret is read through envFrom). */
  keys: string[];
  /** The objects that read it, as `Kind name`. */
  usedBy: string[];
  /** How to create it: the renderer's `kubectl create secret` line, or one in the same form. */
  hint: string;
}

export interface ApplyPlan {
  objects: K8sObject[];
  secrets: SecretReference[];
}

export function planApply(objects: readonly K8sObject[], notes: readonly RenderNote[] = []): ApplyPlan {
  return { objects: orderForApply(objects), secrets: secretReferences(objects, notes) };
}

/** Stable: objects of one kind keep the renderer's order (by name). */
export function orderForApply(objects: readonly K8sObject[]): K8sObject[] {
  return objects
    .map((object, index) => ({ object, index }))
    .sort((a, b) => kindRank(a.object.kind) - kindRank(b.object.kind) || a.index - b.index)
    .map(({ object }) => object);
}

/**
 * Secrets read by `secretKeyRef`, `envFrom[].secretRef`, a `secret` volume or a CloudNativePG
 * `secret: { name }`, minus those the render itself provides (a Secret object or an
 * ExternalSecret's target, which its operator fills after apply). Optional references are skipped.
 */
export function secretReferences(
  objects: readonly K8sObject[],
  notes: readonly RenderNote[] = [],
): SecretReference[] {
  const provided = new Set<string>();
  for (const object of objects) {
    const namespace = object.metadata.namespace ?? '';
    if (object.kind === 'Secret') provided.add(`${namespace}/${object.metadata.name}`);
    if (object.kind === 'ExternalSecret') {
      const target = (object.spec as { target?: { name?: string } } | undefined)?.target?.name;
      provided.add(`${namespace}/${target ?? object.metadata.name}`);
    }
  }
  const found = new Map<
    string,
    { name: string; namespace: string; keys: Set<string>; usedBy: Set<string> }
  >();
  for (const object of objects) {
    const namespace = object.metadata.namespace ?? '';
    walk(object, (name, key) => {
      const id = `${namespace}/${name}`;
      if (provided.has(id)) return;
      const entry = found.get(id) ?? { name, namespace, keys: new Set(), usedBy: new Set() };
      if (key !== undefined) entry.keys.add(key);
      entry.usedBy.add(`${object.kind} ${object.metadata.name}`);
      found.set(id, entry);
    });
  }
  return [...found.values()]
    .sort((a, b) => (a.namespace + a.name < b.namespace + b.name ? -1 : 1))
    .map((entry) => {
      const keys = [...entry.keys].sort();
      return {
        name: entry.name,
        namespace: entry.namespace,
        keys,
        usedBy: [...entry.usedBy],
        hint: createHint(entry.name, entry.namespace, keys, notes),
      };
    });
}

function walk(value: unknown, found: (name: string, key?: string) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, found);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  for (const [key, child] of Object.entries(record)) {
    const ref = child as { name?: unknown; key?: unknown; secretName?: unknown; optional?: unknown };
    if (child !== null && typeof child === 'object' && ref.optional !== true) {
      if (key === 'secretKeyRef' && typeof ref.name === 'string')
        found(ref.name, typeof ref.key === 'string' ? ref.key : undefined);
      else if (key === 'secretRef' && typeof ref.name === 'string') found(ref.name);
      else if (key === 'secret' && typeof ref.secretName === 'string') found(ref.secretName);
      else if (key === 'secret' && typeof ref.name === 'string') found(ref.name);
    }
    walk(child, found);
  }
}

/** The renderer already told the user how to create this Secret; repeat that line when it did. */
function createHint(name: string, namespace: string, keys: string[], notes: readonly RenderNote[]): string {
  for (const note of notes) {
    const command = /kubectl create secret \S+ (\S+) .*$/.exec(note.message);
    if (command && command[1] === name) return command[0];
  }
  const literals = keys.map((key) => `--from-literal=${key}='…'`).join(' ');
  return `kubectl create secret generic ${name} -n ${namespace}${literals ? ` ${literals}` : ''}`;
}
