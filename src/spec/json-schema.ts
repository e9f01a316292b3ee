/**
 * The JSON Schema of gantry.yaml, for editor completion and checks (yaml-language-server,
 * VS Code). Generated from the zod schema, so it cannot drift from what `validate` enforces.
 * Overlays (`environments.<name>.services.<svc>`) get the service schema with nothing
 * required and no defaults: an overlay only says what it changes.
 */
import { z } from 'zod';
import { Backing, Service, SpecFile } from './schema.ts';

type JsonSchema = Record<string, unknown>;

const inputSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

const orNull = (schema: unknown) => ({ anyOf: [schema, { type: 'null' }] });

/** An overlay may set any field and none is required; null removes a field. */
function asOverlay(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(asOverlay);
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'required' || key === 'default' || key === '$schema') continue;
    copy[key] =
      key === 'properties'
        ? Object.fromEntries(
            Object.entries(value as JsonSchema).map(([field, inner]) => [field, orNull(asOverlay(inner))]),
          )
        : asOverlay(value);
  }
  return copy;
}

export function specJsonSchema(): JsonSchema {
  const schema = inputSchema(SpecFile);
  const environment = (schema.properties as Record<string, JsonSchema>).environments!
    .additionalProperties as JsonSchema;
  const overlayOf = (section: z.ZodType) => ({
    type: 'object',
    additionalProperties: orNull(asOverlay(inputSchema(section))),
  });
  (environment.properties as Record<string, unknown>).services = overlayOf(Service);
  (environment.properties as Record<string, unknown>).backing = overlayOf(Backing);
  return {
    $schema: schema.$schema,
    $id: 'https://gantry.dev/schema/gantry.json',
    title: 'gantry.yaml',
    description:
      'One file that describes an app: its services, how they run, scale and release, per environment.',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}
