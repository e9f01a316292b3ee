/**
 * Server-side apply's field ownership, as far as the fake API server needs it (test support,
 * not a cluster): which field manager applied which fields (`metadata.managedFields`, fieldsV1),
 * conflicts when one manager would change a field another owns (409, unless `force`), and a
 * manager's re-apply keeping the fields other managers own. Lists follow mergeApplied's rules:
 * `containers` are items keyed by name, other lists and the Service selector are atomic.
 */
import {
  describePath,
  type FieldsV1,
  leafPaths,
  type ManagedFieldsEntry,
  valueAt,
} from '../../src/platform/kubernetes/release-owned.ts';

type Obj = { metadata: { managedFields?: ManagedFieldsEntry[] } & Record<string, unknown> } & Record<
  string,
  unknown
>;

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields an applied object sets, as the API server records them. */
export function fieldsOf(value: unknown, key = ''): FieldsV1 {
  if (Array.isArray(value)) {
    if (key !== 'containers') return {};
    return Object.fromEntries(
      value.map((item) => [
        `k:${JSON.stringify({ name: (item as { name: string }).name })}`,
        { '.': {}, ...fieldsOf(item) },
      ]),
    );
  }
  if (!isMap(value) || key === 'selector' || Object.keys(value).length === 0) return {};
  return Object.fromEntries(
    Object.entries(value)
      // The object's identity and status are nobody's fields: the API server records neither.
      .filter(([field]) => !(key === '' && ['apiVersion', 'kind', 'status'].includes(field)))
      .filter(([field]) => !(key === 'metadata' && ['name', 'namespace'].includes(field)))
      .map(([field, child]) => [`f:${field}`, fieldsOf(child, field)] as const)
      // metadata with nothing but the identity sets no field at all
      .filter(([segment, fields]) => !(segment === 'f:metadata' && Object.keys(fields).length === 0)),
  );
}

/** `Apply failed with N conflicts: …` when `applied` changes a field another manager owns. */
export function conflicts(stored: Obj, applied: Obj, manager: string): string | undefined {
  const found = (stored.metadata.managedFields ?? [])
    .filter((entry) => entry.manager !== manager && entry.operation === 'Apply')
    .flatMap((entry) => {
      const owned = new Set(leafPaths(entry.fieldsV1 ?? {}).map((p) => p.join('/')));
      return leafPaths(fieldsOf(applied))
        .filter((path) => owned.has(path.join('/')))
        .filter((path) => JSON.stringify(valueAt(stored, path)) !== JSON.stringify(valueAt(applied, path)))
        .map((path) => `conflict with "${entry.manager}": ${describePath(path)}`);
    });
  return found.length > 0 ? `Apply failed with ${found.length} conflicts: ${found.join(', ')}` : undefined;
}

/**
 * The object after `manager` re-applied `applied` over `stored` it owns: what it sends, plus the
 * fields other managers own (its own omitted fields go, theirs stay).
 */
export function reapplied<T extends Obj>(stored: T, applied: T, manager: string): T {
  const result = structuredClone(applied);
  for (const entry of stored.metadata.managedFields ?? []) {
    if (entry.manager === manager) continue;
    for (const path of leafPaths(entry.fieldsV1 ?? {}))
      if (valueAt(result, path) === undefined && valueAt(stored, path) !== undefined)
        setAt(result, path, structuredClone(valueAt(stored, path)));
  }
  return result;
}

/** managedFields after `manager` applied `applied`: its entry replaced; with force, others lose those fields. */
export function managedAfter(
  stored: Obj | undefined,
  applied: Obj,
  manager: string,
  force: boolean,
): ManagedFieldsEntry[] {
  const mine = fieldsOf(applied);
  const taken = new Set(leafPaths(mine).map((p) => p.join('/')));
  const others = (stored?.metadata.managedFields ?? [])
    .filter((entry) => entry.manager !== manager)
    .map((entry) => {
      if (!force) return entry;
      const kept = leafPaths(entry.fieldsV1 ?? {}).filter((p) => !taken.has(p.join('/')));
      return { ...entry, fieldsV1: treeOf(kept) };
    });
  return [...others, { manager, operation: 'Apply', fieldsV1: mine }];
}

function treeOf(paths: string[][]): FieldsV1 {
  const root: FieldsV1 = {};
  for (const path of paths) {
    let at = root;
    for (const segment of path) at = at[segment] ??= {};
  }
  return root;
}

function setAt(object: unknown, path: readonly string[], value: unknown): void {
  let at = object as Record<string, unknown> | unknown[];
  path.forEach((segment, i) => {
    const last = i === path.length - 1;
    if (segment.startsWith('f:')) {
      const map = at as Record<string, unknown>;
      const field = segment.slice(2);
      if (last) map[field] = value;
      else {
        const next = path[i + 1]!;
        map[field] ??= next.startsWith('k:') ? [] : {};
        at = map[field] as Record<string, unknown>;
      }
      return;
    }
    const keys = JSON.parse(segment.slice(2)) as Record<string, unknown>;
    const list = at as Record<string, unknown>[];
    let item = list.find((element) => Object.entries(keys).every(([k, v]) => element[k] === v));
    if (!item) {
      item = { ...keys };
      list.push(item);
    }
    at = item;
  });
}
