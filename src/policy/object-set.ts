/**
 * Lookups across the whole set of objects linted in one run, for the cross-object rules: which
 * pod templates a selector reaches, which HPAs scale a workload, which PDBs cover it, how many
 * replicas it runs. Pure; defensive like every rule (any field may hold the wrong type).
 *
 * Namespaces: objects meet only inside one namespace. A missing `metadata.namespace` means "the
 * namespace the set is applied to", so it equals other missing ones and no explicit name (not
 * even `default`, since `kubectl apply -n team` would put it elsewhere).
 *
 * Cost: the index is built once per run (O(n), cached in a WeakMap keyed by the run's objects
 * array) and pod templates are indexed by `key=value` label. A selector is answered from the
 * smallest candidate list among its `key=value` / `key in (…)` requirements, so it costs the
 * number of pods sharing that label, not the size of the set; only a selector made of
 * NotIn / Exists / DoesNotExist scans its namespace. HPA targets and PDB coverage are inverted
 * once, on first use, so a workload's HPAs and PDBs are O(1) lookups.
 */
import type { KubeObject, LocatedObject } from './input.ts';
import { type Labels, parseSelector, selectorMatches, toLabels } from './label-selector.ts';
import { isCustomResource, operatorPodLabels } from './operator-pods.ts';
import { field, WORKLOAD_KINDS } from './workload.ts';

/** A workload, a bare Pod or a known operator's custom resource, and the labels its pods get. */
export interface PodOwner {
  object: KubeObject;
  labels: Labels;
}

/** Kinds with `spec.replicas`; other workloads run per node (DaemonSet) or to completion (Job). */
export const REPLICATED_KINDS: readonly string[] = [
  'Deployment',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
];

/** A pod owner with its place in the namespace, so answers keep the order of the input. */
interface IndexedPod extends PodOwner {
  position: number;
}

interface NamespaceIndex {
  pods: IndexedPod[];
  /** Custom resources in the namespace: their operators may make pods the set does not show. */
  customResources: number;
  /** `key=value` → the pod owners whose labels hold it. */
  byLabel: Map<string, IndexedPod[]>;
  byKind: Map<string, KubeObject[]>;
}

const cache = new WeakMap<readonly LocatedObject[], ObjectSet>();

/** The index for one run's objects, built on first use and shared by every rule of the run. */
export function objectSetOf(objects: readonly LocatedObject[]): ObjectSet {
  let set = cache.get(objects);
  if (!set) {
    set = new ObjectSet(objects.map((located) => located.object));
    cache.set(objects, set);
  }
  return set;
}

export class ObjectSet {
  readonly #namespaces = new Map<string, NamespaceIndex>();
  readonly #byName = new Map<string, KubeObject>();
  #hpasByTarget?: Map<string, KubeObject[]>;
  #pdbsByPod?: Map<KubeObject, KubeObject[]>;
  #isolated?: Set<KubeObject>;

  constructor(objects: readonly KubeObject[]) {
    for (const object of objects) {
      const index = this.#namespace(namespaceOf(object));
      push(index.byKind, object.kind, object);
      const name = nameOf(object);
      const key = refKey(namespaceOf(object), object.kind, name);
      if (name !== undefined && !this.#byName.has(key)) this.#byName.set(key, object);
      if (isCustomResource(object)) index.customResources++;
      const labels = podLabelsOf(object) ?? operatorPodLabels(object);
      if (!labels) continue;
      const owner = { object, labels, position: index.pods.length };
      index.pods.push(owner);
      for (const [k, v] of Object.entries(labels)) push(index.byLabel, `${k}=${v}`, owner);
    }
  }

  /** The object of this kind and name in the namespace, if the set holds one. */
  find(kind: string, namespace: string, name: string): KubeObject | undefined {
    return this.#byName.get(refKey(namespace, kind, name));
  }

  /** How many custom resources the namespace holds (their operators may make pods the set does not show). */
  customResources(namespace: string): number {
    return this.#namespaces.get(namespace)?.customResources ?? 0;
  }

  /** Every object of a kind in the namespace. */
  ofKind(kind: string, namespace: string): readonly KubeObject[] {
    return this.#namespaces.get(namespace)?.byKind.get(kind) ?? [];
  }

  /**
   * The workloads and bare Pods in the namespace whose pod labels the selector (LabelSelector or
   * plain map) selects. An empty selector selects all of them; a missing or invalid one, none.
   */
  podsSelectedBy(selector: unknown, namespace: string): readonly PodOwner[] {
    const index = this.#namespaces.get(namespace);
    if (!index || selector === undefined || selector === null) return [];
    const parsed = parseSelector(selector);
    if (!parsed.ok) return [];
    if (parsed.requirements.length === 0) return index.pods;
    let candidates: IndexedPod[] | undefined;
    for (const { operator, key, values } of parsed.requirements) {
      if (operator !== '=' && operator !== 'In') continue;
      const found = values.flatMap((value) => index.byLabel.get(`${key}=${value}`) ?? []);
      if (values.length > 1) found.sort((a, b) => a.position - b.position);
      if (!candidates || found.length < candidates.length) candidates = found;
    }
    return (candidates ?? index.pods).filter((pod) => selectorMatches(selector, pod.labels));
  }

  /** The HorizontalPodAutoscalers whose scaleTargetRef names this object (same namespace, kind and name). */
  hpasTargeting(object: KubeObject): readonly KubeObject[] {
    if (!this.#hpasByTarget) {
      this.#hpasByTarget = new Map();
      for (const index of this.#namespaces.values())
        for (const hpa of index.byKind.get('HorizontalPodAutoscaler') ?? []) {
          const target = scaleTargetOf(hpa);
          if (target) push(this.#hpasByTarget, refKey(namespaceOf(hpa), target.kind, target.name), hpa);
        }
    }
    const name = nameOf(object);
    if (name === undefined) return [];
    return this.#hpasByTarget.get(refKey(namespaceOf(object), object.kind, name)) ?? [];
  }

  /** The PodDisruptionBudgets whose selector selects this workload's pods. */
  pdbsSelecting(object: KubeObject): readonly KubeObject[] {
    if (!this.#pdbsByPod) {
      this.#pdbsByPod = new Map();
      for (const [namespace, index] of this.#namespaces)
        for (const pdb of index.byKind.get('PodDisruptionBudget') ?? [])
          for (const pod of this.podsSelectedBy(field(pdb, 'spec', 'selector'), namespace))
            push(this.#pdbsByPod, pod.object, pdb);
    }
    const known = this.#pdbsByPod.get(object);
    if (known) return known;
    // An object outside the set (a rule called on its own): answer directly.
    const labels = podLabelsOf(object);
    if (!labels) return [];
    return this.ofKind('PodDisruptionBudget', namespaceOf(object)).filter((pdb) =>
      selectorMatches(field(pdb, 'spec', 'selector'), labels),
    );
  }

  /** True when a NetworkPolicy in its namespace selects this workload's pods (inverted once, on first use). */
  isolatedByNetworkPolicy(object: KubeObject): boolean {
    if (!this.#isolated) {
      this.#isolated = new Set();
      for (const [namespace, index] of this.#namespaces)
        for (const policy of index.byKind.get('NetworkPolicy') ?? [])
          for (const pod of this.podsSelectedBy(field(policy, 'spec', 'podSelector'), namespace))
            this.#isolated.add(pod.object);
    }
    return this.#isolated.has(object);
  }

  #namespace(namespace: string): NamespaceIndex {
    let index = this.#namespaces.get(namespace);
    if (!index) {
      index = { pods: [], customResources: 0, byLabel: new Map(), byKind: new Map() };
      this.#namespaces.set(namespace, index);
    }
    return index;
  }
}

/**
 * What a PodDisruptionBudget counts: the pods of every workload it selects, together. `fixed` sums
 * the replicas of the workloads no HPA scales; `scaled` lists those an HPA scales, with the floor
 * it keeps (the largest minReplicas when several HPAs name one workload). `known` is false when a
 * selected workload's pod count cannot be read from the manifests (DaemonSet, Job, a templated
 * replicas): then no total can be given. Objects a controller owns (the ReplicaSets and Pods of a
 * `kubectl get -o yaml` dump) are counted through their controller, not again.
 *   pods at the minimum = fixed + Σ scaled.minReplicas
 */
export interface BudgetCoverage {
  workloads: KubeObject[];
  fixed: number;
  scaled: { workload: KubeObject; hpas: readonly KubeObject[]; minReplicas: number }[];
  known: boolean;
}

export function budgetCoverage(set: ObjectSet, pdb: KubeObject): BudgetCoverage {
  const coverage: BudgetCoverage = { workloads: [], fixed: 0, scaled: [], known: true };
  for (const { object } of set.podsSelectedBy(field(pdb, 'spec', 'selector'), namespaceOf(pdb))) {
    if (isControlled(object)) continue; // its controller is counted
    coverage.workloads.push(object);
    const hpas = set.hpasTargeting(object);
    const floors = hpas.map(hpaMinReplicas);
    const replicas = replicasOf(object);
    if (hpas.length > 0 && floors.every((n) => n !== undefined))
      coverage.scaled.push({ workload: object, hpas, minReplicas: Math.max(...(floors as number[])) });
    else if (hpas.length === 0 && replicas !== undefined) coverage.fixed += replicas;
    else coverage.known = false;
  }
  return coverage;
}

/**
 * True when another object controls this one (`ownerReferences` with `controller: true`): the
 * ReplicaSet of a Deployment or the Pod of a ReplicaSet in a dump of a live cluster. Rules about
 * replica counts judge the controller instead.
 */
export function isControlled(object: KubeObject): boolean {
  const owners = field(object, 'metadata', 'ownerReferences');
  return Array.isArray(owners) && owners.some((owner) => field(owner, 'controller') === true);
}

/** `metadata.namespace`, or '' when missing: the namespace the set is applied to. */
export function namespaceOf(object: KubeObject): string {
  const namespace = field(object, 'metadata', 'namespace');
  return typeof namespace === 'string' ? namespace : '';
}

export function nameOf(object: KubeObject): string | undefined {
  const name = field(object, 'metadata', 'name');
  return typeof name === 'string' ? name : undefined;
}

/** `Deployment/web`, for messages that name another object. */
export function describe(object: KubeObject): string {
  return `${object.kind}/${nameOf(object) ?? '<unnamed>'}`;
}

/** The labels the object's pods get, or undefined for kinds without a pod template. */
export function podLabelsOf(object: KubeObject): Labels | undefined {
  if (!WORKLOAD_KINDS.includes(object.kind)) return undefined;
  const metadata =
    object.kind === 'Pod'
      ? field(object, 'metadata')
      : object.kind === 'CronJob'
        ? field(object, 'spec', 'jobTemplate', 'spec', 'template', 'metadata')
        : field(object, 'spec', 'template', 'metadata');
  return toLabels(field(metadata, 'labels'));
}

/**
 * `spec.replicas` of a Deployment, StatefulSet, ReplicaSet or ReplicationController (missing = 1,
 * as the API server defaults it); 1 for a bare Pod. Undefined for other kinds and for a value
 * that is not a whole number (a Helm placeholder, say): the rules then say nothing.
 */
export function replicasOf(object: KubeObject): number | undefined {
  if (object.kind === 'Pod') return 1;
  if (!REPLICATED_KINDS.includes(object.kind)) return undefined;
  return wholeNumber(field(object, 'spec', 'replicas'), 1);
}

/**
 * The replicas a workload runs as the cluster will have them. An HPA that scales it owns the
 * count (spec.replicas is only where it starts): between the largest minReplicas and the largest
 * maxReplicas of the HPAs naming it. Otherwise spec.replicas (missing = 1). Undefined when the
 * manifests do not say (a templated value, a DaemonSet).
 */
export function replicaRange(
  set: ObjectSet,
  object: KubeObject,
): { min: number; max: number; hpas: readonly KubeObject[] } | undefined {
  const hpas = set.hpasTargeting(object);
  if (hpas.length === 0) {
    const replicas = replicasOf(object);
    return replicas === undefined ? undefined : { min: replicas, max: replicas, hpas };
  }
  const floors = hpas.map(hpaMinReplicas);
  if (floors.some((n) => n === undefined)) return undefined;
  const min = Math.max(...(floors as number[]));
  const ceilings = hpas.map(hpaMaxReplicas).filter((n): n is number => n !== undefined);
  return { min, max: Math.max(min, ...ceilings), hpas };
}

/** An HPA's minReplicas (missing = 1), or undefined when it is not a whole number. */
export function hpaMinReplicas(hpa: KubeObject): number | undefined {
  return wholeNumber(field(hpa, 'spec', 'minReplicas'), 1);
}

export function hpaMaxReplicas(hpa: KubeObject): number | undefined {
  return wholeNumber(field(hpa, 'spec', 'maxReplicas'), undefined);
}

/** The kind and name an HPA scales, when both are strings. */
export function scaleTargetOf(hpa: KubeObject): { kind: string; name: string } | undefined {
  const kind = field(hpa, 'spec', 'scaleTargetRef', 'kind');
  const name = field(hpa, 'spec', 'scaleTargetRef', 'name');
  return typeof kind === 'string' && typeof name === 'string' ? { kind, name } : undefined;
}

/**
 * The number of pods an IntOrString field stands for out of `total`, rounding a percentage up as
 * the disruption controller does for minAvailable and maxUnavailable:
 *   n       → n
 *   "p%"    → ceil(p · total / 100)
 * e.g. minAvailable "50%" of 3 replicas → 2. Undefined for anything else ("2", "x%", -1).
 */
export function scaledCount(value: unknown, total: number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const percent = typeof value === 'string' ? /^(\d+)%$/.exec(value)?.[1] : undefined;
  return percent === undefined ? undefined : Math.ceil((Number(percent) * total) / 100);
}

function wholeNumber<T>(value: unknown, missing: T): number | T | undefined {
  if (value === undefined || value === null) return missing;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

const refKey = (namespace: string, kind: string, name: string | undefined) =>
  `${namespace}\0${kind}\0${name ?? ''}`;

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
