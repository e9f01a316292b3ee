/**
 * Where a chart's values go into an object. One object (apiVersion, kind, name) has one variant
 * per render it appears in (the base spec, each environment); `planObject` walks the variants
 * together and marks a *hole* (a field the template reads from the values) wherever:
 *
 * - the field is a knob users expect to set on a chart (images, replicas, resources, probes,
 *   autoscale bounds, disruption budgets, env, network rules, routes: `KNOBS`), or
 * - the variants differ there (a leaf, an array, or a field some variants lack: an *optional*
 *   hole, left out of the output when the values have nothing there).
 *
 * Maps are walked key by key; arrays whose items all carry a distinct `name` (containers, env,
 * ports) item by item when every variant lists the same names; any other array is one value.
 * Everything else stays literal in the template. A hole's place in the values is its path with
 * `spec` dropped, `template.spec.containers` → `containers`, the rest of the pod spec under
 * `pod` and the pod's metadata under `podMetadata`: Deployment api's image is
 * `deployment.api.containers.api.image`. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import type { K8sObject } from '../kubernetes/types.ts';

/** One step into an object: a map key, or the item of a named array with this name. */
export interface Step {
  key: string;
  item?: true;
}

export interface Hole {
  /** Where the field is in the object. */
  steps: Step[];
  /** Where its value is in the values, under the object's own map. */
  valuePath: string[];
  /** Some variant lacks the field: the template writes it only when the values have it. */
  optional: boolean;
  /** A map or an array in every variant (written as a YAML block, not a scalar). */
  collection: boolean;
}

/** The template of one object: literal parts, holes, and the namespace read from `.Values.namespace`. */
export type Node =
  | { type: 'literal'; value: unknown }
  | { type: 'map'; entries: Array<[string, Node]> }
  | { type: 'items'; items: Array<[string, Node]> }
  | { type: 'hole'; hole: Hole }
  | { type: 'namespace' };

export interface ObjectPlan {
  root: Node;
  holes: Hole[];
}

const CONTAINER = ['spec', 'template', 'spec', 'containers', '*'];
const POD_KNOBS = ['image', 'resources', 'livenessProbe', 'readinessProbe', 'startupProbe'].map((f) => [
  ...CONTAINER,
  f,
]);

/** Fields that are always values, by kind (`*` is any item of a named array). */
export const KNOBS: Readonly<Record<string, readonly string[][]>> = {
  Deployment: [['spec', 'replicas'], ...POD_KNOBS],
  StatefulSet: [['spec', 'replicas'], ...POD_KNOBS],
  HorizontalPodAutoscaler: [
    ['spec', 'minReplicas'],
    ['spec', 'maxReplicas'],
    ['spec', 'metrics'],
    ['spec', 'behavior'],
  ],
  PodDisruptionBudget: [
    ['spec', 'minAvailable'],
    ['spec', 'maxUnavailable'],
  ],
  ConfigMap: [['data']],
  ServiceAccount: [['metadata', 'annotations']],
  NetworkPolicy: [
    ['spec', 'ingress'],
    ['spec', 'egress'],
  ],
  Ingress: [
    ['spec', 'rules'],
    ['spec', 'tls'],
  ],
  HTTPRoute: [
    ['spec', 'hostnames'],
    ['spec', 'rules'],
  ],
  Cluster: [
    ['spec', 'instances'],
    ['spec', 'storage'],
  ],
};

/**
 * A ConfigMap's data is a knob when it is a service's env (`<service>-config`, names.ts); the
 * dashboard's JSON stays in its template unless environments make it differ.
 */
function hasKnobs(object: K8sObject): boolean {
  return object.kind !== 'ConfigMap' || isEnvConfigMap(object.metadata.name);
}

export function isEnvConfigMap(name: string): boolean {
  return name.endsWith('-config');
}

/**
 * The values key an object's holes go under: `deployment`, `horizontalPodAutoscaler`…; the
 * Namespace object's is `namespaceObject`, since `namespace` is the namespace every object goes in.
 */
export function kindKey(kind: string): string {
  if (kind === 'Namespace') return 'namespaceObject';
  return kind.charAt(0).toLowerCase() + kind.slice(1);
}

/** Where a field's value lives under its object's map in the values (see the file comment). */
export function valuePath(steps: readonly Step[]): string[] {
  const path = steps.map((s) => s.key);
  if (path[0] !== 'spec') return path;
  const rest = path.slice(1);
  if (rest[0] !== 'template') return rest;
  if (rest[1] === 'metadata') return ['podMetadata', ...rest.slice(2)];
  if (rest[1] !== 'spec') return rest;
  return rest[2] === 'containers' || rest[2] === 'initContainers' ? rest.slice(2) : ['pod', ...rest.slice(2)];
}

/**
 * The template of one object from its variants (`namespaces[i]` is the namespace of the render
 * `variants[i]` comes from). Throws when two fields would share one place in the values.
 */
export function planObject(variants: readonly K8sObject[], namespaces: readonly string[]): ObjectPlan {
  const kind = variants[0]!.kind;
  const knobs = hasKnobs(variants[0]!) ? (KNOBS[kind] ?? []) : [];
  const holes: Hole[] = [];
  const namespaceFromValues = variants.every((v, i) => v.metadata.namespace === namespaces[i]);
  // Paths the walk must reach even through equal variants: the knobs and the namespace.
  const targets = namespaceFromValues ? [...knobs, ['metadata', 'namespace']] : knobs;

  const hole = (steps: Step[], values: readonly unknown[], optional: boolean): Node => {
    const present = values.filter((v) => v !== undefined);
    const collection = present.every((v) => typeof v === 'object' && v !== null);
    const made: Hole = { steps, valuePath: valuePath(steps), optional, collection };
    holes.push(made);
    return { type: 'hole', hole: made };
  };

  const walk = (values: readonly unknown[], steps: Step[]): Node => {
    const path = steps.map((s) => (s.item ? '*' : s.key));
    if (namespaceFromValues && path.join('.') === 'metadata.namespace') return { type: 'namespace' };
    if (knobs.some((knob) => samePath(knob, path))) return hole(steps, values, false);
    const equal = values.every((v) => isDeepStrictEqual(v, values[0]));
    const targetBelow = targets.some(
      (target) => target.length > path.length && samePath(target.slice(0, path.length), path),
    );
    if (equal && !targetBelow) return { type: 'literal', value: values[0] };
    if (values.every(isPlainMap)) {
      const maps = values as Record<string, unknown>[];
      // `{}` beside a non-empty map: a template of optional fields would write null, not {}.
      if (!equal && maps.some((m) => Object.keys(m).length === 0)) return hole(steps, values, false);
      const keys = [...new Set(maps.flatMap((m) => Object.keys(m)))];
      const entries = keys.map((key): [string, Node] => {
        const inner = maps.map((m) => m[key]);
        const next = [...steps, { key }];
        return [key, inner.includes(undefined) ? hole(next, inner, true) : walk(inner, next)];
      });
      return { type: 'map', entries };
    }
    const names = values.map(itemNames);
    if (names[0] && names.every((n) => n !== undefined && n.join('\0') === names[0]!.join('\0'))) {
      const arrays = values as Record<string, unknown>[][];
      return {
        type: 'items',
        items: names[0].map((name, i): [string, Node] => [
          name,
          walk(
            arrays.map((a) => a[i]),
            [...steps, { key: name, item: true }],
          ),
        ]),
      };
    }
    return equal ? { type: 'literal', value: values[0] } : hole(steps, values, false);
  };

  const root = walk(variants, []);
  checkDistinct(holes, variants[0]!);
  return { root, holes };
}

/** The value at `steps` in an object (undefined when it has none). */
export function valueAt(object: unknown, steps: readonly Step[]): unknown {
  let current = object;
  for (const step of steps) {
    if (step.item) current = (current as Array<{ name?: unknown }>).find((item) => item.name === step.key);
    else current = isPlainMap(current) ? current[step.key] : undefined;
    if (current === undefined) return undefined;
  }
  return current;
}

function samePath(pattern: readonly string[], path: readonly string[]): boolean {
  return pattern.length === path.length && pattern.every((p, i) => p === path[i]);
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The items' names when every item is a map with a distinct string `name`. */
function itemNames(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const names = value.map((item) =>
    isPlainMap(item) && typeof item.name === 'string' ? item.name : undefined,
  );
  if (names.includes(undefined) || new Set(names).size !== names.length) return undefined;
  return names as string[];
}

/** Two holes at one values path (or one inside the other) would read each other's value. */
function checkDistinct(holes: readonly Hole[], object: K8sObject): void {
  const paths = holes.map((h) => h.valuePath);
  for (const [i, a] of paths.entries()) {
    if (a[0] === 'enabled')
      throw new Error(
        `${object.kind} ${object.metadata.name}: a field named enabled clashes with the chart's switch`,
      );
    for (const b of paths.slice(i + 1))
      if (a.length <= b.length ? a.every((s, j) => s === b[j]) : b.every((s, j) => s === a[j]))
        throw new Error(
          `${object.kind} ${object.metadata.name}: fields ${a.join('.')} and ${b.join('.')} would share one place in the values`,
        );
  }
}
