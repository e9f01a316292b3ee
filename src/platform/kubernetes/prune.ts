/**
 * `--prune`: which of the objects found in the cluster go. Only objects carrying both Gantry's
 * labels for this app (the list asked the API for exactly these, and this checks again, so a
 * selector mistake can never delete someone else's object) and not in the current render.
 */
import type { K8sObject } from '../../render/kubernetes/index.ts';

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const PART_OF = 'app.kubernetes.io/part-of';

/** The label selector the prune lists use. */
export function pruneSelector(app: string): string {
  return `${MANAGED_BY}=gantry,${PART_OF}=${app}`;
}

export interface ListedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
}

export function pruneCandidates(
  app: string,
  listed: readonly ListedObject[],
  rendered: readonly K8sObject[],
): ListedObject[] {
  const keep = new Set(rendered.map(key));
  return listed.filter((object) => {
    const labels = object.metadata.labels ?? {};
    return labels[MANAGED_BY] === 'gantry' && labels[PART_OF] === app && !keep.has(key(object));
  });
}

/** Group (not version) + kind + namespace + name: an object moved to a new apiVersion is the same object. */
function key(object: ListedObject | K8sObject): string {
  const group = object.apiVersion.includes('/')
    ? object.apiVersion.slice(0, object.apiVersion.indexOf('/'))
    : '';
  return `${group}|${object.kind}|${object.metadata.namespace ?? ''}|${object.metadata.name}`;
}
