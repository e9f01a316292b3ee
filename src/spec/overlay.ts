/**
 * Environment overlays: an environment's `services` and `backing` are deep-merged onto the
 * base. Maps merge key by key, arrays and scalars replace, and `null` removes the key
 * (so prod can drop a dev-only setting). Pure: returns a new value, inputs untouched.
 */
import type { PathSegment } from './problem.ts';

type Data = Record<string, unknown>;

export const OVERLAID_SECTIONS = ['services', 'backing'] as const;

export function isRecord(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepMerge(base: unknown, overlay: unknown): unknown {
  if (!isRecord(base) || !isRecord(overlay)) return overlay;
  const merged: Data = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (value === null) delete merged[key];
    else merged[key] = key in base ? deepMerge(base[key], value) : value;
  }
  return merged;
}

/**
 * The spec with environment `name` applied: only `services` and `backing` are overlaid,
 * and only entries the base declares (an overlay naming another is reported by the loader).
 */
export function applyEnvironment(spec: Data, name: string): Data {
  const environments = isRecord(spec.environments) ? spec.environments : {};
  const overlay = isRecord(environments[name]) ? environments[name] : {};
  const merged: Data = { ...spec };
  for (const section of OVERLAID_SECTIONS) {
    const base = spec[section];
    const changes = overlay[section];
    if (!isRecord(base) || !isRecord(changes)) continue;
    const known = Object.fromEntries(Object.entries(changes).filter(([entry]) => entry in base));
    merged[section] = deepMerge(base, known);
  }
  return merged;
}

/** Where a field of the merged spec is written in the overlay of environment `name`. */
export function overlayPath(name: string, path: readonly PathSegment[]): PathSegment[] | undefined {
  return OVERLAID_SECTIONS.includes(path[0] as (typeof OVERLAID_SECTIONS)[number])
    ? ['environments', name, ...path]
    : undefined;
}

export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PathSegment, unknown>)[segment];
  }
  return value;
}
