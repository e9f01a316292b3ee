import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { specJsonSchema } from './json-schema.ts';
import { starterSpec } from './starter.ts';

// ajv is an independent JSON Schema implementation: what editors would check with our schema.
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(specJsonSchema());
const example = parse(readFileSync(new URL('../../examples/shop/gantry.yaml', import.meta.url), 'utf8'));

describe('the JSON Schema', () => {
  it('accepts the example spec, overlays included', () => {
    assert.equal(validate(example), true, JSON.stringify(validate.errors, null, 2));
  });

  it('accepts the starter that gantry init writes', () => {
    assert.equal(
      validate(parse(starterSpec({ app: 'hello', run: 'npm start', port: 8080 }))),
      true,
      JSON.stringify(validate.errors),
    );
  });

  it('flags what an editor should flag: a misspelt key, a bad unit, a wrong enum, a missing field', () => {
    const broken = structuredClone(example);
    broken.services.api.health.readines = broken.services.api.health.readiness;
    broken.services.api.resources.limits.memory = '512m';
    broken.services.api.release.strategy = 'canery';
    delete broken.app;
    assert.equal(validate(broken), false);
    const reported = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
    for (const expected of [
      '/services/api/health additionalProperties',
      '/services/api/resources/limits/memory pattern',
      '/services/api/release/strategy enum',
      ' required',
    ])
      assert.ok(reported.includes(expected), `missing ${expected} in ${reported.join('; ')}`);
  });

  it('lets overlays set single fields and remove fields with null', () => {
    const overlay = {
      app: 'a',
      services: { web: { run: 'x' } },
      environments: { dev: { services: { web: { autoscale: { max: 3 }, run: null } } } },
    };
    assert.equal(validate(overlay), true, JSON.stringify(validate.errors));
    const typo = { ...overlay, environments: { dev: { services: { web: { replicaz: 1 } } } } };
    assert.equal(validate(typo), false);
  });

  it('documents fields for completion', () => {
    type Node = {
      properties: Record<string, Node>;
      additionalProperties: Node;
      description: string;
      enum: string[];
    };
    const service = (specJsonSchema() as unknown as Node).properties.services!.additionalProperties;
    assert.match(service.properties.run!.description, /local platform runs/);
    assert.deepEqual(service.properties.release!.properties.strategy!.enum, [
      'rolling',
      'blue-green',
      'canary',
    ]);
  });
});
