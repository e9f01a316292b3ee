/** Pipeline inputs for the tests: the example shop, or a small spec written inline. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadSpec } from '../../spec/load.ts';
import type { AppModel } from '../../spec/model.ts';
import type { PipelineInput } from './plan.ts';

export const SHOP_FILE = 'examples/shop/gantry.yaml';
export const SHOP_TEXT = readFileSync(new URL('../../../examples/shop/gantry.yaml', import.meta.url), 'utf8');

/** The spec text loaded as `gantry ci` loads it: the base and every environment, for the cluster. */
export function pipelineInput(text: string = SHOP_TEXT, specFile: string = SHOP_FILE): PipelineInput {
  const load = (env?: string): AppModel => {
    const result = loadSpec(text, { file: specFile, target: 'cluster', ...(env ? { env } : {}) });
    assert.ok(result.ok, JSON.stringify(result.problems, null, 2));
    return result.model;
  };
  const base = load();
  return { specFile, base, environments: base.environments.map((name) => load(name)) };
}

/** A two-service spec; `environments` is pasted in as YAML (indented two spaces under the key). */
export function smallSpec(environments: string): string {
  return `app: tiny
services:
  web:
    image: registry.example.com:5000/team/web:1.0.0
    port: 8080
    build: { context: web, dockerfile: web/Containerfile }
  jobs:
    image: acme/jobs:2.1.0
    port: 9000
${environments ? `environments:\n${environments}` : ''}`;
}
