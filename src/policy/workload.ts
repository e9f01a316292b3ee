/**
 * Where the pod spec sits in every workload kind, so rules about pods and containers work the
 * same on a Deployment, a CronJob or a bare Pod. Other kinds (CRDs included) have no pod spec.
 * Defensive on purpose: the input is any YAML, so a field may hold the wrong type.
 */
import type { KubeObject } from './input.ts';

export type Json = Record<string, unknown>;

export interface Container extends Json {
  name?: string;
}

export interface PodSpec extends Json {
  containers?: unknown;
  initContainers?: unknown;
  securityContext?: unknown;
}

export interface ContainerEntry {
  container: Container;
  /** The container's name, or `#n` when it has none. */
  name: string;
  init: boolean;
  /** Where it is in the object: `['spec', 'template', 'spec', 'containers', 0]`. */
  path: readonly (string | number)[];
}

/** The path from the object to its pod spec, per workload kind. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export const WORKLOAD_KINDS = Object.keys(POD_SPEC_PATHS);

/** Run-to-completion workloads: probes and similar long-running concerns do not apply. */
export const BATCH_KINDS: readonly string[] = ['Job', 'CronJob'];

export const isJson = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Where the pod spec is in an object of this kind (`['spec', 'template', 'spec']`), or undefined. */
export function podSpecPath(object: KubeObject): readonly string[] | undefined {
  return POD_SPEC_PATHS[object.kind];
}

export function podSpecOf(object: KubeObject): PodSpec | undefined {
  const path = POD_SPEC_PATHS[object.kind];
  if (!path) return undefined;
  let node: unknown = object;
  for (const key of path) node = isJson(node) ? node[key] : undefined;
  return isJson(node) ? node : undefined;
}

/** Init containers first, then the regular ones, as the kubelet starts them; `at` is the pod spec's path. */
export function containersOf(podSpec: PodSpec, at: readonly string[] = []): ContainerEntry[] {
  const list = (key: 'initContainers' | 'containers', init: boolean): ContainerEntry[] => {
    const value = podSpec[key];
    if (!Array.isArray(value)) return [];
    const entries: ContainerEntry[] = [];
    value.forEach((container: unknown, index) => {
      if (!isJson(container)) return;
      const name = typeof container.name === 'string' ? container.name : `#${entries.length}`;
      entries.push({ container: container as Container, name, init, path: [...at, key, index] });
    });
    return entries;
  };
  return [...list('initContainers', true), ...list('containers', false)];
}

/**
 * The pod spec and containers of a workload, or nothing for other kinds. `init: false` leaves
 * out init containers (for probes, which they cannot have).
 */
export function workloadContainers(
  object: KubeObject,
  options: { init?: boolean } = {},
): Workload | undefined {
  // The rules ask in turn about one object at a time: its containers are read once (rules never
  // change objects). One object, not a WeakMap of them all: weak entries cost every GC.
  if (last?.object !== object) last = { object, workload: readWorkload(object) };
  const known = last.workload;
  if (!known || options.init !== false) return known ?? undefined;
  return { ...known, containers: known.containers.filter((c) => !c.init) };
}

interface Workload {
  podSpec: PodSpec;
  path: readonly string[];
  containers: ContainerEntry[];
}

let last: { object: KubeObject; workload: Workload | null } | undefined;

function readWorkload(object: KubeObject): Workload | null {
  const podSpec = podSpecOf(object);
  const path = POD_SPEC_PATHS[object.kind];
  return podSpec && path ? { podSpec, path, containers: containersOf(podSpec, path) } : null;
}

/** `object.a.b.c`, or undefined when any step is not an object. */
export function field(value: unknown, ...path: string[]): unknown {
  let node = value;
  for (const key of path) node = isJson(node) ? node[key] : undefined;
  return node;
}
