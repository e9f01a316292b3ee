/**
 * `gantry render --format helm`: a Helm chart whose `helm template R DIR -f values-<env>.yaml`
 * yields exactly the objects of `gantry render --env <env>` (and, with values.yaml alone, those
 * of `gantry render`):
 *
 *   Chart.yaml            apiVersion v2, name = the app
 *   values.yaml           the base spec's values; values-<env>.yaml what each environment changes
 *   values.schema.json    every value typed (the spec's own schema where a value comes from it)
 *   templates/<kind>.yaml one file per kind; each object's fields read from the values where they
 *                         are knobs or differ between environments (holes.ts), literal elsewhere
 *   templates/_helpers.tpl the recommended and the (minimal, immutable) selector labels
 *   templates/NOTES.txt   the Secrets the chart reads, with the commands to create them
 *
 * Names and namespaces come from the spec and the values, never from the release name, so the
 * chart renders the same objects whatever a release is called. An object some renders lack is
 * switched by `<kind>.<name>.enabled`. Pure and deterministic: the same renders give the same
 * bytes.
 */

import { generatedBanner } from '../generated.ts';
import { compareObjects } from '../kubernetes/index.ts';
import type { K8sObject } from '../kubernetes/types.ts';
import type { NamespacedRender } from '../kustomize.ts';
import { toYaml } from '../serialize.ts';
import { type Hole, kindKey, type Node, planObject, valueAt } from './holes.ts';
import { notesTemplate } from './notes.ts';
import { enabledExpr, goComment, objectTemplate, type ValuesRef } from './template.ts';
import { setAt, type Tree, valuesDelta } from './values.ts';
import { type SchemaObject, valuesSchema } from './values-schema.ts';

export interface ChartInput {
  app: string;
  base: NamespacedRender;
  environments: ReadonlyMap<string, NamespacedRender>;
  chartVersion: string;
  appVersion?: string;
  /** The command that regenerates the chart, for the banner of every file. */
  regenerate: string;
  /**
   * With --monitoring: the objects (`apiVersion/kind/name`) only monitoring adds (PodMonitors,
   * PrometheusRules, the dashboard), written under `monitoring.enabled` (default true) so a cluster
   * without the prometheus-operator's CRDs can install the chart with it false.
   */
  monitoringOnly?: ReadonlySet<string>;
}

interface ChartObject {
  ref: ValuesRef;
  kind: string;
  /** The object in each render (base first, then the environments in order); undefined where absent. */
  perRender: Array<K8sObject | undefined>;
  root: Node;
  holes: Hole[];
  template: string;
  switchable: boolean;
  /** The condition the object is written under (its switch, monitoring.enabled), if any. */
  condition?: string;
}

const MONITORING = '.Values.monitoring.enabled';

/** An object the chart cannot hold as planned (two fields at one values path): a bug in Gantry. */
export class ChartBug extends Error {}

/** Relative path → file text. */
export function planHelmChart(input: ChartInput): Map<string, string> {
  const renders = [input.base, ...input.environments.values()];
  const objects = chartObjects(input.app, renders, input.monitoringOnly ?? new Set());
  const monitoring = objects.some((o) => o.condition?.includes(MONITORING));
  const banner = generatedBanner('#', input.regenerate);
  const files = new Map<string, string>();

  files.set('Chart.yaml', `${banner}${toYaml(chartYaml(input))}`);
  const trees = renders.map((render, i) => valuesTree(render.namespace, monitoring, objects, i));
  files.set(
    'values.yaml',
    `${banner}# The base spec (no environment). values-<env>.yaml hold what each environment changes.\n${toYaml(trees[0])}`,
  );
  [...input.environments].forEach(([name, render], i) => {
    const delta = valuesDelta(trees[0]!, trees[i + 1]!);
    // A switched-off object's other values do not matter: the file says `enabled: false` only.
    for (const object of objects)
      if (object.perRender[0] && !object.perRender[i + 1])
        setAt(delta, [object.ref.kindKey, object.ref.name], { enabled: false });
    files.set(
      `values-${name}.yaml`,
      `${banner}# Environment ${name}: only what differs from values.yaml.\n#   helm upgrade --install ${input.app} . -n ${render.namespace} --create-namespace -f values-${name}.yaml\n${toYaml(delta)}`,
    );
  });
  files.set(
    'values.schema.json',
    `${JSON.stringify(valuesSchema(objects.map(schemaObject), monitoring), null, 2)}\n`,
  );
  files.set('templates/_helpers.tpl', helpers(input.app, banner));
  files.set(
    'templates/NOTES.txt',
    notesTemplate(
      input.app,
      objects.map((o) => ({
        root: o.root,
        ref: o.ref,
        variants: present(o.perRender),
        ...(o.condition ? { condition: o.condition } : {}),
      })),
      banner,
    ),
  );
  for (const [kind, text] of templatesByKind(objects, banner)) files.set(`templates/${kind}.yaml`, text);
  return files;
}

/** Every object of every render, paired up by apiVersion, kind and name, in render order. */
function chartObjects(
  app: string,
  renders: readonly NamespacedRender[],
  monitoringOnly: ReadonlySet<string>,
): ChartObject[] {
  const byIdentity = new Map<string, Array<K8sObject | undefined>>();
  renders.forEach((render, i) => {
    for (const object of render.objects) {
      const id = identity(object);
      const perRender = byIdentity.get(id) ?? renders.map(() => undefined);
      byIdentity.set(id, perRender);
      perRender[i] = object;
    }
  });
  const sorted = [...byIdentity.values()].sort((a, b) => compareObjects(present(a)[0]!, present(b)[0]!));
  return sorted.map((perRender) => {
    const first = present(perRender)[0]!;
    const ref = { kindKey: kindKey(first.kind), name: first.metadata.name };
    const namespaces = renders.filter((_, i) => perRender[i]).map((r) => r.namespace);
    let plan: ReturnType<typeof planObject>;
    let template: string;
    try {
      plan = planObject(present(perRender), namespaces);
      template = objectTemplate(plan.root, ref, app);
    } catch (error) {
      throw new ChartBug(`cannot template ${first.kind} ${first.metadata.name}: ${(error as Error).message}`);
    }
    const switchable = perRender.includes(undefined);
    const conditions = [
      ...(switchable ? [enabledExpr(ref)] : []),
      ...(monitoringOnly.has(identity(first)) ? [MONITORING] : []),
    ];
    return {
      ref,
      kind: first.kind,
      perRender,
      root: plan.root,
      holes: plan.holes,
      template,
      switchable,
      ...(conditions.length > 0
        ? { condition: conditions.length === 1 ? conditions[0] : `and (${conditions.join(') (')})` }
        : {}),
    };
  });
}

/** The values one render needs: its namespace, and each object's holes (and switch). */
function valuesTree(
  namespace: string,
  monitoring: boolean,
  objects: readonly ChartObject[],
  render: number,
): Tree {
  const tree: Tree = { namespace, ...(monitoring ? { monitoring: { enabled: true } } : {}) };
  for (const object of objects) {
    const own = object.perRender[render];
    const path = [object.ref.kindKey, object.ref.name];
    if (object.switchable) setAt(tree, [...path, 'enabled'], own !== undefined);
    if (!own) continue;
    for (const hole of object.holes) {
      const value = valueAt(own, hole.steps);
      if (value !== undefined) setAt(tree, [...path, ...hole.valuePath], value);
    }
  }
  return tree;
}

function templatesByKind(objects: readonly ChartObject[], banner: string): Map<string, string> {
  const byKind = new Map<string, string[]>();
  for (const object of objects) {
    const file = object.kind.toLowerCase();
    if (!byKind.has(file)) byKind.set(file, [goComment(banner)]);
    const chunk = object.condition
      ? `{{- if ${object.condition} }}\n---\n${object.template}{{- end }}`
      : `---\n${object.template}`;
    byKind.get(file)!.push(chunk.replace(/\n$/, ''));
  }
  return new Map([...byKind].map(([kind, chunks]) => [kind, `${chunks.join('\n')}\n`]));
}

function schemaObject(object: ChartObject): SchemaObject {
  return {
    kind: object.kind,
    kindKey: object.ref.kindKey,
    name: object.ref.name,
    switchable: object.switchable,
    holes: object.holes.map((hole) => ({
      hole,
      values: present(object.perRender).map((variant) => valueAt(variant, hole.steps)),
    })),
  };
}

function chartYaml(input: ChartInput): Record<string, unknown> {
  return {
    apiVersion: 'v2',
    name: input.app,
    description: `${input.app}, rendered by Gantry from gantry.yaml`,
    type: 'application',
    version: input.chartVersion,
    ...(input.appVersion === undefined ? {} : { appVersion: input.appVersion }),
  };
}

/** The labels every object carries and the two a selector matches on (labels.ts, as templates). */
function helpers(app: string, banner: string): string {
  return `${goComment(banner)}

{{- /*
Selector labels: a workload's selector and its Service match on these two only; selectors are
immutable, so they carry nothing that changes between releases. Argument: the component.
*/}}
{{- define "${app}.selectorLabels" -}}
app.kubernetes.io/name: {{ . | quote }}
app.kubernetes.io/instance: {{ printf "${app}-%s" . | quote }}
{{- end }}

{{- /*
The recommended labels of every object. Arguments: (list component version).
*/}}
{{- define "${app}.labels" -}}
{{ include "${app}.selectorLabels" (index . 0) }}
app.kubernetes.io/version: {{ index . 1 | quote }}
app.kubernetes.io/component: {{ index . 0 | quote }}
app.kubernetes.io/part-of: ${JSON.stringify(app)}
app.kubernetes.io/managed-by: gantry
{{- end }}
`;
}

/** How objects pair up between renders (and how --monitoring's own objects are named). */
export function identity(object: K8sObject): string {
  return `${object.apiVersion}/${object.kind}/${object.metadata.name}`;
}

function present<T>(list: ReadonlyArray<T | undefined>): T[] {
  return list.filter((item): item is T => item !== undefined);
}
