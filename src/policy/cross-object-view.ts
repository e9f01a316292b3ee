/**
 * The part of an object the cross-object rules read, for keeping every object of a big input in
 * memory at once: identity, labels and selectors, replica counts, rollout strategies, what HPAs,
 * PDBs, Services, Ingresses and NetworkPolicies point at, and the ignore annotations. A ConfigMap
 * of dashboards or a CRD's schema shrinks to its name. lint-stream.test.ts checks that every
 * cross-object rule finds the same on views as on whole objects.
 */
import { ownString } from './engine.ts';
import { isIgnoreAnnotation } from './ignore.ts';
import type { KubeObject } from './input.ts';
import { field, isJson, type Json } from './workload.ts';

/** Kinds whose whole spec is small and read by cross-object rules. */
const WHOLE_SPEC = new Set([
  'Service',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'NetworkPolicy',
  'Ingress',
]);

/**
 * The view: a copy with strings of its own, since a string the YAML reader sliced from the
 * document would keep the whole file's text alive for as long as the view lives (V8 slices share
 * their parent).
 */
export function crossObjectView(object: KubeObject): KubeObject {
  const view = defined({
    kind: object.kind,
    apiVersion: object.apiVersion,
    metadata: metadataView(object.metadata),
    spec: WHOLE_SPEC.has(object.kind) ? object.spec : isJson(object.spec) ? specView(object.spec) : undefined,
    subjects:
      object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding' ? object.subjects : undefined,
  });
  return owned(view) as KubeObject;
}

function metadataView(metadata: unknown): Json | undefined {
  if (!isJson(metadata)) return undefined;
  const { name, namespace, labels, ownerReferences, annotations } = metadata;
  const kept = isJson(annotations)
    ? Object.fromEntries(Object.entries(annotations).filter(([key]) => isIgnoreAnnotation(key)))
    : undefined;
  return defined({
    name,
    namespace,
    labels,
    ownerReferences,
    annotations: kept && Object.keys(kept).length > 0 ? kept : undefined,
  });
}

/** A workload's (or custom resource's) spec without its containers and volumes. */
function specView(spec: Json): Json {
  const { replicas, selector, strategy, updateStrategy, serviceName, template, jobTemplate } = spec;
  const { podMetadata, inheritedMetadata } = spec; // operators' custom resources (operator-pods.ts)
  return defined({
    replicas,
    selector,
    strategy,
    updateStrategy,
    serviceName,
    podMetadata,
    inheritedMetadata,
    template: isJson(template) ? templateView(template) : undefined,
    jobTemplate: isJson(jobTemplate)
      ? { spec: { template: templateView(field(jobTemplate, 'spec', 'template')) } }
      : undefined,
  });
}

function templateView(template: unknown): Json {
  const podSpec = field(template, 'spec');
  return defined({
    metadata: metadataView(field(template, 'metadata')),
    spec: isJson(podSpec)
      ? defined({
          affinity: podSpec.affinity,
          topologySpreadConstraints: podSpec.topologySpreadConstraints,
          serviceAccountName: podSpec.serviceAccountName,
          serviceAccount: podSpec.serviceAccount,
        })
      : undefined,
  });
}

/** Without the keys the object does not have: a view answers `key in` as the object does. */
function defined(object: Json): Json {
  const kept: Json = {};
  for (const key in object) if (object[key] !== undefined) kept[key] = object[key];
  return kept;
}

/** A deep copy of parsed YAML (maps, lists, scalars) whose strings share no memory with the text. */
function owned(value: unknown): unknown {
  if (typeof value === 'string') return ownString(value);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(owned);
  const copy: Json = {};
  for (const key of Object.keys(value)) {
    const item = owned((value as Json)[key]);
    // A `__proto__` key is data here, as the readers keep it: an own property, not the prototype.
    if (key === '__proto__')
      Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return copy;
}
