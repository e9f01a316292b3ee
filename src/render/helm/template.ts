/**
 * An object's plan (holes.ts) → the text of its Helm template. The object is serialised once
 * with the `yaml` library, holes and label maps standing in as placeholder scalars; each
 * placeholder line then becomes a Go template action:
 *
 *   scalar hole        `replicas: {{ dig "api" "replicas" nil .Values.deployment | toJson }}`
 *   map / array hole   `resources: {{- dig … | toYaml | nindent 12 }}`
 *   optional hole      the line inside `{{- if not (kindIs "invalid" (dig …)) }}` … `{{- end }}`
 *   label map          `labels: {{- include "shop.labels" (list "api" "1.4.2") | nindent 4 }}`
 *
 * JSON for scalars keeps strings quoted (`"7"`, `"on"` stay strings) whatever the values hold.
 * Pure.
 */
import { toYaml } from '../serialize.ts';
import type { Hole, Node } from './holes.ts';

/** How the template names its object in the values: `.Values.<kindKey>` → `<name>`. */
export interface ValuesRef {
  kindKey: string;
  name: string;
}

const HOLE = /^(\s*)(- )?(.+?): GANTRY_HOLE_(\d+)_$/;
const OPTIONAL = /^(\s*)(- )?GANTRY_OPT_(\d+)_: GANTRY_HOLE_(\d+)_$/;
const INCLUDE = /^(\s*)(- )?(.+?): GANTRY_INCLUDE_(\d+)_$/;

/** The Go template expression reading a path under the object's map in the values. */
export function valueExpr(ref: ValuesRef, path: readonly string[]): string {
  const keys = [ref.name, ...path].map((key) => JSON.stringify(key)).join(' ');
  return `dig ${keys} nil .Values.${ref.kindKey}`;
}

/** The banner as a template comment: it is in the chart, never in what the chart renders. */
export function goComment(banner: string): string {
  return `{{- /* ${banner.replace(/^# /gm, '').trim().replace(/\n/g, ' ')} */}}`;
}

/** The condition an object (present in some renders only) is written under. */
export function enabledExpr(ref: ValuesRef): string {
  return `dig ${JSON.stringify(ref.name)} "enabled" false .Values.${ref.kindKey}`;
}

export function objectTemplate(root: Node, ref: ValuesRef, app: string): string {
  const holes: Hole[] = [];
  const includes: string[] = [];
  const placeholders = (node: Node): unknown => {
    switch (node.type) {
      case 'literal':
        return withIncludes(node.value);
      case 'namespace':
        return `GANTRY_HOLE_${push(holes, undefined)}_`;
      case 'hole':
        return `GANTRY_HOLE_${push(holes, node.hole)}_`;
      case 'map':
        return Object.fromEntries(
          node.entries.map(([key, inner]) => {
            if (inner.type === 'hole' && inner.hole.optional) {
              const id = push(holes, inner.hole);
              return [`GANTRY_OPT_${id}_`, `GANTRY_HOLE_${id}_`];
            }
            return [escapeActions(key), placeholders(inner)];
          }),
        );
      case 'items':
        return node.items.map(([, item]) => nameFirst(placeholders(item) as Record<string, unknown>));
    }
  };
  const withIncludes = (value: unknown): unknown => {
    if (typeof value === 'string') return escapeActions(value);
    if (Array.isArray(value)) return value.map(withIncludes);
    if (typeof value !== 'object' || value === null) return value;
    const include = labelsInclude(value as Record<string, unknown>, app);
    if (include) return `GANTRY_INCLUDE_${push(includes, include)}_`;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [escapeActions(k), withIncludes(v)]));
  };

  const text = toYaml(placeholders(root));
  checkNoPlaceholderInData(root);
  const templated = text
    .split('\n')
    .map((line) => {
      const optional = OPTIONAL.exec(line);
      if (optional) {
        const [, indent, dash, id] = optional;
        if (dash) throw new Error(`optional field first in a list item: ${line}`);
        const hole = holes[Number(id)]!;
        const key = yamlKey(hole.steps.at(-1)!.key);
        const expr = valueExpr(ref, hole.valuePath);
        return [
          `${indent}{{- if not (kindIs "invalid" (${expr})) }}`,
          `${indent}${key}: ${valueAction(expr, hole.collection, indent!.length)}`,
          `${indent}{{- end }}`,
        ].join('\n');
      }
      const required = HOLE.exec(line);
      if (required) {
        const [, indent, dash = '', key, id] = required;
        const hole = holes[Number(id)];
        const column = indent!.length + dash.length;
        if (!hole) return `${indent}${dash}${key}: {{ .Values.namespace | toJson }}`;
        return `${indent}${dash}${key}: ${valueAction(valueExpr(ref, hole.valuePath), hole.collection, column)}`;
      }
      const include = INCLUDE.exec(line);
      if (include) {
        const [, indent, dash = '', key, id] = include;
        const column = indent!.length + dash.length;
        return `${indent}${dash}${key}: {{- ${includes[Number(id)]} | nindent ${column + 2} }}`;
      }
      return line;
    })
    .join('\n');
  if (/GANTRY_(HOLE|OPT|INCLUDE)_\d+_/.test(templated))
    throw new Error(`a value placeholder was left in the template: ${templated}`);
  return templated.replaceAll(LBRACE, '{{ "{{" }}');
}

/** `{{` in a rendered string (a Prometheus alert's `{{ $value }}`) is text, not a Helm action. */
const LBRACE = 'GANTRY_LBRACE_';
function escapeActions(text: string): string {
  return text.replaceAll('{{', LBRACE);
}

function valueAction(expr: string, collection: boolean, column: number): string {
  return collection ? `{{- ${expr} | toYaml | nindent ${column + 2} }}` : `{{ ${expr} | toJson }}`;
}

function push<T>(list: T[], item: T): number {
  list.push(item);
  return list.length - 1;
}

/** An item of a named list starts with its name (so no optional field is the `- ` line). */
function nameFirst(item: Record<string, unknown>): Record<string, unknown> {
  const { name, ...rest } = item;
  return { name, ...rest };
}

/** A map key as YAML writes it (quoted when it must be). */
function yamlKey(key: string): string {
  return toYaml({ [key]: 0 }).replace(/: 0\n$/, '');
}

/**
 * The recommended labels (labels.ts) or the selector labels of a component, as the include of
 * the chart's helper that writes them; undefined for any other map.
 */
function labelsInclude(map: Record<string, unknown>, app: string): string | undefined {
  const keys = Object.keys(map).sort().join(',');
  const name = map['app.kubernetes.io/name'];
  if (typeof name !== 'string' || map['app.kubernetes.io/instance'] !== `${app}-${name}`) return undefined;
  if (keys === 'app.kubernetes.io/instance,app.kubernetes.io/name')
    return `include "${app}.selectorLabels" ${JSON.stringify(name)}`;
  const version = map['app.kubernetes.io/version'];
  if (
    keys ===
      'app.kubernetes.io/component,app.kubernetes.io/instance,app.kubernetes.io/managed-by,app.kubernetes.io/name,app.kubernetes.io/part-of,app.kubernetes.io/version' &&
    map['app.kubernetes.io/component'] === name &&
    map['app.kubernetes.io/part-of'] === app &&
    map['app.kubernetes.io/managed-by'] === 'gantry' &&
    typeof version === 'string'
  )
    return `include "${app}.labels" (list ${JSON.stringify(name)} ${JSON.stringify(version)})`;
  return undefined;
}

/** A rendered value that looks like a placeholder (or a template action) would be misread. */
function checkNoPlaceholderInData(root: Node): void {
  const text = JSON.stringify(root);
  if (/GANTRY_(HOLE|OPT|INCLUDE|LBRACE)_/.test(text))
    throw new Error('a rendered value contains a GANTRY_HOLE_ placeholder; the chart cannot be written');
}
