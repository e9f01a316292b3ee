/**
 * What `gantry apply` leaves to releases. A release (`gantry deploy`, `rollback`, a blue-green
 * switch) writes a few fields under its own field managers (`gantry-release-image`, `-replicas`,
 * `-selector`, `-route`…): the image it rolled out, the replicas of each colour or track, which
 * colour the Service selects, the route's weights. Re-applying the spec must not take them back —
 * server-side apply would refuse with a conflict, or with --force-conflicts undo the release — so
 * apply drops from each rendered object the fields the live object's `managedFields` say a
 * release manager owns. Pure: the caller reads the live object.
 *
 * managedFields' `fieldsV1` is a tree of `f:<field>` (a map field), `k:<json>` (a list item by
 * its keys), `v:<json>` (a set item) and `.` (the item itself); a leaf is `{}`.
 * See https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management
 */
import type { K8sObject } from '../../render/kubernetes/index.ts';

export type FieldsV1 = { [segment: string]: FieldsV1 };

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  fieldsV1?: FieldsV1;
}

/** An object as the API server returns it: with who manages which fields. */
export type LiveObject = K8sObject & { metadata: { managedFields?: ManagedFieldsEntry[] } };

export const RELEASE_MANAGER_PREFIX = 'gantry-release-';

export interface KeptField {
  /** The release field manager that owns it. */
  manager: string;
  /** As Kubernetes prints it in a conflict: `.spec.template.spec.containers[name="api"].image`. */
  field: string;
}

/** The rendered object without the fields a release owns on the live one, and which those were. */
export function withoutReleaseFields(
  rendered: K8sObject,
  live: LiveObject,
): { object: K8sObject; kept: KeptField[] } {
  const object = structuredClone(rendered);
  const kept: KeptField[] = [];
  for (const entry of live.metadata.managedFields ?? []) {
    if (!entry.manager?.startsWith(RELEASE_MANAGER_PREFIX) || entry.operation !== 'Apply') continue;
    for (const path of leafPaths(entry.fieldsV1 ?? {}))
      if (!isIdentity(path) && removeAt(object, path))
        kept.push({ manager: entry.manager, field: describePath(path) });
  }
  return { object, kept };
}

/** apiVersion, kind, metadata's name and namespace say which object: never dropped, whoever claims them. */
function isIdentity(path: readonly string[]): boolean {
  const text = path.join('/');
  return ['f:apiVersion', 'f:kind', 'f:metadata', 'f:metadata/f:name', 'f:metadata/f:namespace'].includes(
    text,
  );
}

/**
 * Every owned leaf, as its segments from the root. A list item's key fields (the `name` of a
 * `k:{"name":"api"}` container) are not leaves of their own: they say which item, and stay.
 */
export function leafPaths(fields: FieldsV1, prefix: string[] = []): string[][] {
  const keys = keyFieldsOf(prefix.at(-1));
  return Object.entries(fields).flatMap(([segment, child]) => {
    if (segment === '.') return [];
    if (segment.startsWith('f:') && keys.has(segment.slice(2))) return [];
    const path = [...prefix, segment];
    return Object.keys(child).length === 0 ? [path] : leafPaths(child, path);
  });
}

/** `.spec.template.spec.containers[name="api"].image`, as in the API server's conflict messages. */
export function describePath(path: readonly string[]): string {
  return path
    .map((segment) => {
      if (segment.startsWith('f:')) return `.${segment.slice(2)}`;
      const item = parseItem(segment);
      if (!item) return `.${segment}`;
      const terms = Object.entries(item).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      return `[${terms.join(',')}]`;
    })
    .join('');
}

/** Deletes the value at `path` when the object has it; true if it did. */
export function removeAt(object: unknown, path: readonly string[]): boolean {
  const parent = walk(object, path.slice(0, -1));
  const last = path.at(-1);
  if (!isMap(parent) || !last?.startsWith('f:')) return false;
  const field = last.slice(2);
  if (!(field in parent)) return false;
  delete parent[field];
  return true;
}

/** The value at `path`, or undefined. */
export function valueAt(object: unknown, path: readonly string[]): unknown {
  return walk(object, path);
}

function walk(object: unknown, path: readonly string[]): unknown {
  let at: unknown = object;
  for (const segment of path) {
    if (segment.startsWith('f:')) {
      at = isMap(at) ? at[segment.slice(2)] : undefined;
      continue;
    }
    const item = parseItem(segment);
    at =
      item && Array.isArray(at)
        ? at.find((element) => isMap(element) && Object.entries(item).every(([k, v]) => element[k] === v))
        : undefined;
  }
  return at;
}

function keyFieldsOf(segment: string | undefined): Set<string> {
  return new Set(Object.keys(segment ? (parseItem(segment) ?? {}) : {}));
}

function parseItem(segment: string): Record<string, unknown> | undefined {
  if (!segment.startsWith('k:')) return undefined;
  try {
    const parsed: unknown = JSON.parse(segment.slice(2));
    return isMap(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
