/**
 * Turns zod's issues into findings a person can act on: what was expected, what was
 * found, and a hint (did you mean …? the allowed values, add a unit …).
 * The schema itself is walked to list the keys allowed at a path, for suggestions.
 */
import type { z } from 'zod';
import { valueAt } from './overlay.ts';
import type { Finding, PathSegment } from './problem.ts';
import { INT32_MAX } from './schema.ts';
import { closest, suggestion } from './suggest.ts';

type Schema = z.ZodType;
type Def = { type: string; [key: string]: unknown };
const defOf = (schema: Schema) => (schema as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** Unwraps optional/default/pipe… and returns the first description met on the way. */
function unwrap(schema: Schema): { schema: Schema; description?: string } {
  let current = schema;
  let description = current.description;
  for (;;) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type)) current = def.innerType as Schema;
    else if (def.type === 'pipe') current = def.in as Schema;
    else return { schema: current, description };
    description ??= current.description;
  }
}

/** The schemas that can stand at `path` (several where a union offers several shapes). */
function schemasAt(root: Schema, path: readonly PathSegment[]): Schema[] {
  let current = [root];
  for (const segment of path) {
    current = current.flatMap((schema) => {
      const def = defOf(unwrap(schema).schema);
      if (def.type === 'object') {
        const child = (def.shape as Record<string, Schema>)[String(segment)];
        return child ? [child] : [];
      }
      if (def.type === 'record') return [def.valueType as Schema];
      if (def.type === 'array') return [def.element as Schema];
      if (def.type === 'union')
        return (def.options as Schema[]).flatMap((option) => schemasAt(option, [segment]));
      return [];
    });
  }
  return current;
}

export function allowedKeys(root: Schema, path: readonly PathSegment[]): string[] {
  return schemasAt(root, path).flatMap((schema) => {
    const def = defOf(unwrap(schema).schema);
    return def.type === 'object' ? Object.keys(def.shape as object) : [];
  });
}

function describeAt(root: Schema, path: readonly PathSegment[]): string | undefined {
  const [schema] = schemasAt(root, path);
  return schema ? unwrap(schema).description : undefined;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
  record: 'a mapping (key: value)',
};

/** How a found value reads in a message: `"abc"`, `3.5`, `a list`, `a mapping`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

function typeHint(expected: string, value: unknown): string | undefined {
  if (
    typeof value === 'string' &&
    (expected === 'number' || expected === 'int') &&
    value.trim() !== '' &&
    !Number.isNaN(Number(value))
  )
    return `remove the quotes: ${value}`;
  if (typeof value === 'string' && expected === 'boolean' && /^(true|false)$/i.test(value))
    return 'remove the quotes: true or false';
  if (value === null && (expected === 'object' || expected === 'record'))
    return 'the key has no value; indent its fields under it, or remove the key';
  if (typeof value === 'number' && expected === 'string') return `quote it: "${value}"`;
  return undefined;
}

function finding(path: PathSegment[], message: string, hint?: string): Finding {
  return hint ? { path, message, hint } : { path, message };
}

/** One zod issue → one or more findings (an unrecognized_keys issue yields one per key). */
export function issueToFindings(root: Schema, data: unknown, issue: z.core.$ZodIssue): Finding[] {
  const path = issue.path as PathSegment[];
  const value = valueAt(data, path);
  const field = path[path.length - 1];

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(root, path);
      return issue.keys.map((key) =>
        finding(
          [...path, key],
          `unknown field \`${key}\``,
          suggestion(key, allowed, 'allowed fields') || undefined,
        ),
      );
    }
    case 'invalid_type': {
      if (value === undefined) {
        const described = describeAt(root, path);
        return [
          finding(
            path,
            `\`${String(field)}\` is required`,
            described ? `${String(field)}: ${described}` : undefined,
          ),
        ];
      }
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      return [
        finding(path, `expected ${expected}, got ${describeValue(value)}`, typeHint(issue.expected, value)),
      ];
    }
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      if (allowed.length === 1) return [finding(path, `must be ${allowed[0]}, got ${describeValue(value)}`)];
      const near = typeof value === 'string' ? closest(value, allowed) : undefined;
      return [
        finding(
          path,
          `must be one of ${allowed.join(', ')}; got ${describeValue(value)}`,
          near ? `did you mean \`${near}\`?` : undefined,
        ),
      ];
    }
    case 'too_small':
    case 'too_big': {
      const bound = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const inclusive = issue.inclusive !== false;
      if (issue.origin === 'array') {
        const message =
          issue.code === 'too_small' ? `needs at least ${bound} item(s)` : `allows at most ${bound} item(s)`;
        return [finding(path, message)];
      }
      if (issue.origin === 'string')
        return [
          finding(
            path,
            issue.code === 'too_small' ? 'must not be empty' : `is longer than ${bound} characters`,
          ),
        ];
      const relation =
        issue.code === 'too_small'
          ? inclusive
            ? 'at least'
            : 'greater than'
          : inclusive
            ? 'at most'
            : 'less than';
      const int32 =
        issue.code === 'too_big' && bound === String(INT32_MAX)
          ? 'Kubernetes keeps this field as a 32-bit integer'
          : undefined;
      return [finding(path, `must be ${relation} ${bound}, got ${describeValue(value)}`, int32)];
    }
    case 'invalid_format': {
      if (issue.format === 'starts_with') {
        const prefix = (issue as { prefix?: string }).prefix;
        return [finding(path, `must start with "${prefix}", got ${describeValue(value)}`)];
      }
      return [finding(path, `${issue.message}; got ${describeValue(value)}`, formatHint(value))];
    }
    case 'invalid_union': {
      const expected = describeAt(root, path) ?? 'another kind of value';
      const hint =
        typeof value === 'number' && expected.includes('duration') ? `add a unit, e.g. ${value}s` : undefined;
      return [finding(path, `expected ${expected}; got ${describeValue(value)}`, hint)];
    }
    default:
      return [finding(path, issue.message)];
  }
}

function formatHint(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const milli = /^(\d+(?:\.\d+)?)m$/.exec(value);
  if (milli) return `in Kubernetes \`m\` means milli (thousandths); for mebibytes write ${milli[1]}Mi`;
  if (/^\d+(\.\d+)?(mi|gi|ki|MB|GB|KB|mb|gb|kb)$/.test(value))
    return `units are case-sensitive: ${value
      .replace(/(mi|MB|mb)$/, 'Mi')
      .replace(/(gi|GB|gb)$/, 'Gi')
      .replace(/(ki|KB|kb)$/, 'Ki')}`;
  if (/^\d+(\.\d+)?\s*(sec|secs|seconds|min|mins|minutes)$/.test(value))
    return 'use a short unit: ms, s, m or h (e.g. 30s, 5m)';
  return undefined;
}
