/**
 * NOTES.txt (Helm prints it after install and upgrade): the Secrets the chart's objects read,
 * with the `kubectl create secret` command for each, in the release's namespace. Secrets an
 * ExternalSecret of the chart fills are named as such instead. A Secret read only by objects
 * some environments lack is listed only when one of them is enabled. Pure: the text is a
 * template over the values.
 */
import type { K8sObject } from '../kubernetes/types.ts';
import { type Node, valueAt } from './holes.ts';
import { goComment, type ValuesRef, valueExpr } from './template.ts';

/** One object of the chart: its template plan, its variants and the condition it is written under. */
export interface NotesObject {
  root: Node;
  variants: readonly K8sObject[];
  ref: ValuesRef;
  condition?: string;
}

interface SecretUse {
  keys: Set<string>;
  tls: boolean;
  conditions: Array<string | undefined>;
  externalSecret?: { name: string; store: string };
}

/**
 * Each Secret an object reads, and when: always (a literal part of its template), or when the
 * values of a hole still name it (an environment's env list with a secretKeyRef).
 */
function readsOf(object: NotesObject): Array<{ name: string; key?: string; when?: string }> {
  const reads: Array<{ name: string; key?: string; when?: string }> = [];
  const walk = (node: Node): void => {
    if (node.type === 'literal') reads.push(...secretReferences(node.value));
    else if (node.type === 'map') for (const [, inner] of node.entries) walk(inner);
    else if (node.type === 'items') for (const [, inner] of node.items) walk(inner);
    else if (node.type === 'hole') {
      const expr = valueExpr(object.ref, node.hole.valuePath);
      for (const variant of object.variants)
        for (const read of secretReferences(valueAt(variant, node.hole.steps)))
          reads.push({ ...read, when: `contains ${JSON.stringify(read.name)} (toJson (${expr}))` });
    }
  };
  walk(object.root);
  return reads;
}

export function notesTemplate(app: string, objects: readonly NotesObject[], banner: string): string {
  const secrets = new Map<string, SecretUse>();
  const use = (name: string) => {
    const found = secrets.get(name) ?? { keys: new Set<string>(), tls: false, conditions: [] };
    secrets.set(name, found);
    return found;
  };
  for (const object of objects) {
    for (const variant of object.variants)
      if (variant.kind === 'ExternalSecret') {
        const spec = variant.spec as { target?: { name?: string }; secretStoreRef?: { name?: string } };
        use(spec.target?.name ?? variant.metadata.name).externalSecret = {
          name: variant.metadata.name,
          store: spec.secretStoreRef?.name ?? 'its SecretStore',
        };
      }
    for (const read of readsOf(object)) {
      const found = use(read.name);
      if (read.key) found.keys.add(read.key);
      if (object.variants[0]!.kind === 'Ingress') found.tls = true;
      const both = [object.condition, read.when].filter((c): c is string => c !== undefined);
      found.conditions.push(
        both.length === 0 ? undefined : both.length === 1 ? both[0] : `and (${both[0]}) (${both[1]})`,
      );
    }
  }

  const lines = [
    goComment(banner),
    `${app}: objects in namespace {{ .Values.namespace }} (release {{ .Release.Name }}, chart {{ .Chart.Name }}-{{ .Chart.Version }}).`,
    '{{- if ne .Release.Namespace .Values.namespace }}',
    'The release itself is recorded in namespace {{ .Release.Namespace }}: pass -n {{ .Values.namespace }} to keep both together.',
    '{{- end }}',
  ];
  const names = [...secrets.keys()].filter((n) => secrets.get(n)!.conditions.length > 0).sort();
  if (names.length === 0) lines.push('', 'The chart reads no Secrets.');
  else
    lines.push(
      '',
      'The pods read these Secrets, which the chart never contains (Gantry writes no secret value).',
      'Create each one before the pods start:',
    );
  for (const name of names) {
    const found = secrets.get(name)!;
    const keys = [...found.keys].sort();
    const block: string[] = [''];
    if (found.tls)
      block.push(
        `# ${name}: the Ingress's TLS certificate (or let cert-manager issue it)`,
        `kubectl create secret tls ${name} -n {{ .Values.namespace }} --cert=tls.crt --key=tls.key`,
      );
    else {
      if (found.externalSecret)
        block.push(
          `# ${name}: filled by the External Secrets Operator (ExternalSecret ${found.externalSecret.name}, SecretStore ${found.externalSecret.store}); put ${keys.join(', ')} in the store. Without the operator:`,
        );
      else block.push(`# ${name}: ${keys.length > 0 ? `keys ${keys.join(', ')}` : 'the keys the pods read'}`);
      const literals = keys.map((key) => ` --from-literal=${key}='…'`).join('');
      block.push(`kubectl create secret generic ${name} -n {{ .Values.namespace }}${literals}`);
    }
    lines.push(...guarded(found.conditions, block));
  }
  return `${lines.join('\n')}\n`;
}

/** The lines, under `{{- if or … }}` unless an unconditional object reads the Secret. */
function guarded(conditions: ReadonlyArray<string | undefined>, block: string[]): string[] {
  if (conditions.includes(undefined)) return block;
  const unique = [...new Set(conditions as string[])];
  const test = unique.length === 1 ? unique[0]! : `or ${unique.map((c) => `(${c})`).join(' ')}`;
  return [`{{- if ${test} }}`, ...block, '{{- end }}'];
}

/** Every Secret an object reads: env secretKeyRef (name, key), envFrom secretRef, volumes, `secret: {name}`. */
export function secretReferences(object: unknown): Array<{ name: string; key?: string }> {
  const found: Array<{ name: string; key?: string }> = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const map = value as Record<string, unknown>;
    const ref = map.secretKeyRef as { name?: unknown; key?: unknown } | undefined;
    if (ref && typeof ref.name === 'string')
      found.push({ name: ref.name, ...(typeof ref.key === 'string' ? { key: ref.key } : {}) });
    for (const field of ['secretRef', 'secret'])
      if (typeof (map[field] as { name?: unknown } | undefined)?.name === 'string')
        found.push({ name: (map[field] as { name: string }).name });
    if (typeof map.secretName === 'string') found.push({ name: map.secretName });
    for (const [key, inner] of Object.entries(map)) if (key !== 'secretKeyRef') walk(inner);
  };
  walk(object);
  return found;
}
