/**
 * `gantry delete --env prod`: which of the objects found in the cluster go, in which order.
 * Only objects carrying both Gantry labels for this app (the lists asked for exactly these; this
 * checks again, so a selector mistake can never delete someone else's object), dependants first
 * (the reverse of the apply order: routes and the HPA before the Deployments they point at).
 * The Namespace goes only when asked (`--include-namespace`) and only when it carries our labels
 * too: deleting a namespace deletes everything in it, Gantry's or not. Pure.
 */
import { kindRank } from '../../render/kubernetes/kind-order.ts';
import { type ListedObject, MANAGED_BY, PART_OF } from './prune.ts';

export interface DeletePlan {
  objects: ListedObject[];
  /** Why the Namespace stays, when it exists and stays. */
  namespaceKept?: string;
}

export function planDelete(
  app: string,
  listed: readonly ListedObject[],
  namespace: ListedObject | undefined,
  includeNamespace: boolean,
): DeletePlan {
  const ours = (o: ListedObject) =>
    o.metadata.labels?.[MANAGED_BY] === 'gantry' && o.metadata.labels?.[PART_OF] === app;
  const objects = listed
    .filter((o) => o.kind !== 'Namespace' && ours(o))
    .sort((a, b) => kindRank(b.kind) - kindRank(a.kind) || a.metadata.name.localeCompare(b.metadata.name));
  if (!namespace) return { objects };
  const name = namespace.metadata.name;
  if (!ours(namespace))
    return { objects, namespaceKept: `namespace ${name} is not labelled as Gantry's for ${app}` };
  if (!includeNamespace)
    return { objects, namespaceKept: `namespace ${name} kept (pass --include-namespace to delete it too)` };
  return { objects: [...objects, namespace] };
}
