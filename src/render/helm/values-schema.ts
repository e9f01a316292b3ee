/**
 * values.schema.json: Helm checks the merged values against it on lint, template, install and
 * upgrade. Every object's map lists exactly its fields (a typo such as `replica` is an error).
 * A field that comes from gantry.yaml takes that field's schema from the spec's JSON Schema
 * (the namespace, images, replicas, resources, autoscale bounds, disruption budgets, env); the
 * others take the JSON types their rendered values have, and a description naming the
 * object field they set. Pure.
 */
import { specJsonSchema } from '../../spec/json-schema.ts';
import { type Hole, isEnvConfigMap } from './holes.ts';

type Schema = Record<string, unknown>;

/** One object's holes, and whether it has an `enabled` switch. */
export interface SchemaObject {
  kind: string;
  kindKey: string;
  name: string;
  switchable: boolean;
  holes: Array<{ hole: Hole; values: unknown[] }>;
}

export function valuesSchema(objects: readonly SchemaObject[], monitoring = false): Schema {
  const spec = specJsonSchema() as { properties: Record<string, Schema> };
  const service = (spec.properties.services!.additionalProperties as Schema).properties as Record<
    string,
    Schema
  >;
  const fromSpec = specFields(service);
  const kinds: Record<string, Schema> = {};
  for (const object of objects) {
    const kind = kinds[object.kindKey] ?? closedObject(`${object.kind} objects, by name`);
    kinds[object.kindKey] = kind;
    const own = closedObject(`${object.kind} ${object.name}`);
    if (object.switchable)
      addProperty(own, ['enabled'], {
        type: 'boolean',
        description: `render ${object.kind} ${object.name} (it is not in every environment)`,
      });
    for (const { hole, values } of object.holes) {
      const described = `${object.kind} ${object.name}: ${fieldName(hole)}`;
      const schema = fromSpec(object, hole) ?? typeSchema(values);
      addProperty(own, hole.valuePath, { ...schema, description: described });
    }
    (kind.properties as Record<string, Schema>)[object.name] = own;
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'values of a chart rendered by Gantry from gantry.yaml',
    type: 'object',
    properties: {
      namespace: { description: 'the namespace every object goes in', ...spec.properties.namespace },
      ...(monitoring
        ? {
            monitoring: {
              type: 'object',
              properties: {
                enabled: {
                  type: 'boolean',
                  description:
                    'render the PodMonitors, PrometheusRules and the dashboard (needs the prometheus-operator CRDs)',
                },
              },
              additionalProperties: false,
            },
          }
        : {}),
      ...kinds,
    },
    required: ['namespace'],
    additionalProperties: false,
  };
}

/** The spec's schema for the fields a Kubernetes field is rendered from. */
function specFields(service: Record<string, Schema>) {
  const sub = (field: string, inner?: string): Schema | undefined => {
    const schema = service[field];
    return inner
      ? ((schema?.properties as Record<string, Schema> | undefined)?.[inner] ?? undefined)
      : schema;
  };
  const env = service.env ?? {};
  return (object: SchemaObject, hole: Hole): Schema | undefined => {
    const path = hole.valuePath;
    const last = path.at(-1);
    switch (object.kind) {
      case 'Deployment':
      case 'StatefulSet':
        if (path.length === 1 && last === 'replicas') return sub('replicas');
        if (path[0] === 'containers' && path.length === 3 && last === 'image') return sub('image');
        return undefined;
      case 'HorizontalPodAutoscaler':
        if (last === 'minReplicas') return sub('autoscale', 'min');
        if (last === 'maxReplicas') return sub('autoscale', 'max');
        return undefined;
      case 'PodDisruptionBudget':
        if (last === 'minAvailable' || last === 'maxUnavailable') return sub('disruption', last);
        return undefined;
      case 'ConfigMap':
        // A service's environment: names as the spec allows them; a ConfigMap holds only strings.
        if (path.length === 1 && last === 'data' && isEnvConfigMap(object.name))
          return {
            type: 'object',
            propertyNames: env.propertyNames,
            additionalProperties: { type: 'string' },
          };
        return undefined;
      default:
        return undefined;
    }
  };
}

function closedObject(description: string): Schema {
  return { description, type: 'object', properties: {}, additionalProperties: false };
}

function addProperty(root: Schema, path: readonly string[], schema: Schema): void {
  let current = root;
  for (const key of path.slice(0, -1)) {
    const properties = current.properties as Record<string, Schema>;
    properties[key] ??= { type: 'object', properties: {}, additionalProperties: false };
    current = properties[key];
  }
  (current.properties as Record<string, Schema>)[path.at(-1)!] = schema;
}

/** `spec.template.spec.containers[api].image` */
function fieldName(hole: Hole): string {
  return hole.steps.map((s, i) => (s.item ? `[${s.key}]` : i === 0 ? s.key : `.${s.key}`)).join('');
}

/** The JSON types the rendered values have. */
function typeSchema(values: readonly unknown[]): Schema {
  const types = [...new Set(values.filter((v) => v !== undefined).map(jsonType))].sort();
  return types.length === 1 ? { type: types[0] } : { type: types };
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
