/**
 * Values trees and what an environment's values file holds: only what differs from the base,
 * written so that Helm's merge (`helm template -f values-<env>.yaml`) gives back exactly the
 * environment's tree. Helm merges maps key by key, replaces anything else whole, and deletes a
 * key the file sets to null, so `valuesDelta` recurses into maps, writes other changes whole and
 * null for what the environment removes. Pure.
 */
import { isDeepStrictEqual } from 'node:util';

export type Tree = Record<string, unknown>;

export function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets `value` at `path` in `tree`, creating the maps on the way. */
export function setAt(tree: Tree, path: readonly string[], value: unknown): void {
  let current = tree;
  for (const key of path.slice(0, -1)) {
    if (!isTree(current[key])) current[key] = {};
    current = current[key] as Tree;
  }
  current[path.at(-1)!] = value;
}

/** The values file that turns `base` into `target` under Helm's merge (empty: nothing differs). */
export function valuesDelta(base: Tree, target: Tree): Tree {
  const delta: Tree = {};
  for (const key of new Set([...Object.keys(base), ...Object.keys(target)])) {
    const from = base[key];
    const to = target[key];
    if (isDeepStrictEqual(from, to)) continue;
    if (to === undefined) delta[key] = null;
    else if (isTree(from) && isTree(to)) delta[key] = valuesDelta(from, to);
    else delta[key] = to;
  }
  return delta;
}

/** What Helm makes of `base` with `delta` on top (the inverse of valuesDelta; for tests). */
export function mergeValues(base: Tree, delta: Tree): Tree {
  const merged: Tree = { ...base };
  for (const [key, value] of Object.entries(delta)) {
    if (value === null) delete merged[key];
    else if (isTree(value) && isTree(base[key])) merged[key] = mergeValues(base[key] as Tree, value);
    else merged[key] = value;
  }
  return merged;
}
