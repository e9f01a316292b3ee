/**
 * Reading and editing one object's YAML nodes for the fixers. Edits go through the `yaml`
 * Document API; what cannot be seen on the nodes afterwards (a scalar whose value changed, a
 * null replaced by a map) is recorded in `Edits`, so `write.ts` can turn exactly those changes
 * into text splices. New nodes need no record: they are the ones without a source range.
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type Scalar,
  YAMLMap,
  YAMLSeq,
} from 'yaml';
import type { KubeObject } from '../input.ts';
import { isJson, podSpecOf } from '../workload.ts';

export type Range = [number, number, number];

export class Edits {
  /** Scalars a fixer gave a new value: the writer re-renders them in their own quoting style. */
  readonly changed = new Set<Scalar>();
  /** Pairs whose null value a fixer replaced with a map, and where the null was. */
  readonly replaced = new Map<Pair, Range>();
}

/** One object (a document, or one item of a List) and the record of its document's edits. */
export interface Target {
  doc: Document;
  node: YAMLMap;
  edits: Edits;
}

/** Where a new key goes: after the first of `after` present, else before the first of `before`. */
export interface Placement {
  after?: readonly string[];
  before?: readonly string[];
}

/** Why a field was not edited: it holds the wrong type, an alias, or sits beside a `<<` merge key. */
export const notEditable = (field: string) =>
  `${field} is not a plain value this fix can edit (another type, an alias or a << merge key); fix it by hand`;

/** The object as plain data, with the edits made so far. */
export const toJs = (target: Target, node: Node = target.node): unknown => node.toJS(target.doc);

/** The pod spec's node, found where `podSpecOf` finds it (so the workload kinds live in one place). */
export function podSpecNode(target: Target): YAMLMap | undefined {
  const object = toJs(target) as KubeObject;
  const podSpec = podSpecOf(object);
  const path = podSpec && pathTo(object, podSpec);
  const node = path && target.node.getIn(path, true);
  return isMap(node) ? node : undefined;
}

/** The keys leading from `root` to `target` (same reference), through objects only. */
function pathTo(root: unknown, target: unknown, depth = 0): string[] | undefined {
  if (root === target) return [];
  if (!isJson(root) || depth > 6) return undefined;
  for (const [key, value] of Object.entries(root)) {
    const rest = pathTo(value, target, depth + 1);
    if (rest) return [key, ...rest];
  }
  return undefined;
}

/**
 * The container nodes named as `workload.ts` names them (`#n`, n counting the objects in its own
 * list, when a container has no name), init containers included: every container with that name.
 */
export function containerNodes(target: Target, podSpec: YAMLMap, name: string): YAMLMap[] {
  return ['initContainers', 'containers'].flatMap((key) => {
    const list = podSpec.get(key, true);
    if (!isSeq(list)) return [];
    // Numbered as workload.ts numbers them: every object in the list, aliases to one included.
    const objects = list.items.filter((item) => isMap(isAlias(item) ? item.resolve(target.doc) : item));
    // An alias is not edited: the edit would land on its anchor, another container.
    return objects.filter((item, i): item is YAMLMap => isMap(item) && nameOf(item, i) === name);
  });
}

function nameOf(container: YAMLMap, i: number): string {
  const name = container.get('name');
  return typeof name === 'string' ? name : `#${i}`;
}

/** The child map at `key`, created when missing or null; undefined when it holds something else. */
export function childMap(
  target: Target,
  parent: YAMLMap,
  key: string,
  placement: Placement = {},
): YAMLMap | undefined {
  const child = childCollection(target, parent, key, () => new YAMLMap(), placement);
  return isMap(child) ? child : undefined;
}

/** The child list at `key`, created (empty) when missing or null; undefined when it holds something else. */
export function childSeq(
  target: Target,
  parent: YAMLMap,
  key: string,
  placement: Placement = {},
): YAMLSeq | undefined {
  const child = childCollection(target, parent, key, () => new YAMLSeq(), placement);
  return isSeq(child) ? child : undefined;
}

function childCollection(
  target: Target,
  parent: YAMLMap,
  key: string,
  create: () => YAMLMap | YAMLSeq,
  placement: Placement,
): unknown {
  const pair = pairOf(parent, key);
  if (!pair && hasMergeKey(parent)) return undefined;
  if (!pair) {
    const made = create();
    insert(target, parent, key, made, placement);
    return made;
  }
  if (isScalar(pair.value) && pair.value.value === null && pair.value.range) {
    target.edits.replaced.set(pair, pair.value.range);
    pair.value = create();
  }
  return pair.value;
}

/**
 * Sets `key` to a scalar value: an existing scalar keeps its node (comments, quoting), a missing
 * key is added. False when the key holds a collection, which the caller reports.
 */
export function setScalar(
  target: Target,
  map: YAMLMap,
  key: string,
  value: string | boolean,
  placement: Placement = {},
): boolean {
  const pair = pairOf(map, key);
  if (!pair && hasMergeKey(map)) return false;
  if (!pair) {
    insert(target, map, key, value, placement);
    return true;
  }
  if (!isScalar(pair.value)) return false;
  const old = pair.value.value;
  if (old === value) return true;
  pair.value.value = value;
  // A boolean in quotes would read as a string; a string keeps the quotes it had.
  if (typeof value === 'boolean' || old === null) pair.value.type = 'PLAIN';
  target.edits.changed.add(pair.value);
  return true;
}

/** Renames a plain key in place (its value, comments and position stay); false when it is not a plain scalar key. */
export function renameKey(target: Target, map: YAMLMap, key: string, to: string): boolean {
  const pair = pairOf(map, key);
  if (!pair || !isScalar(pair.key) || pair.key.type !== 'PLAIN') return false;
  pair.key.value = to;
  target.edits.changed.add(pair.key);
  return true;
}

/** The value at `key`: a scalar's value, a collection's node, undefined when absent. */
export function valueAt(map: YAMLMap | undefined, key: string): unknown {
  const node = map?.get(key, true);
  return isScalar(node) ? node.value : node;
}

/** A `<<: *anchor` merge: a key added here would hide the merged one (its whole map), so no edit. */
const hasMergeKey = (map: YAMLMap) =>
  map.items.some((pair) => {
    // With merge keys on (as Kubernetes reads YAML), `yaml` gives the key the value Symbol(<<).
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    return key === '<<' || (typeof key === 'symbol' && key.description === '<<');
  });

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => (isScalar(pair.key) ? pair.key.value : pair.key) === key);
}

function insert(target: Target, map: YAMLMap, key: string, value: unknown, placement: Placement): void {
  const pair = target.doc.createPair(key, value);
  const keys = map.items.map((p) => (isScalar(p.key) ? p.key.value : p.key));
  const after = placement.after?.map((k) => keys.indexOf(k)).find((i) => i >= 0);
  const before = placement.before?.map((k) => keys.indexOf(k)).find((i) => i >= 0);
  // Never first in a map that has keys: a list item's first key shares the line with its dash.
  const index = after !== undefined ? after + 1 : before !== undefined ? Math.max(before, 1) : keys.length;
  map.items.splice(Math.min(index, keys.length), 0, pair);
}
