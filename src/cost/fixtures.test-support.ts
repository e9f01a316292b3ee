/** The shipped price table and the example spec, loaded once for the cost tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSpec } from '../spec/load.ts';
import type { AppModel } from '../spec/model.ts';
import { type PriceTable, parsePriceTable } from './prices.ts';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export function shippedPrices(): PriceTable {
  const parsed = parsePriceTable(
    readFileSync(root('data/prices.json'), 'utf8'),
    'data/prices.json',
    readFileSync(root('data/prices-sources.md'), 'utf8'),
  );
  if (!parsed.ok) throw new Error(`data/prices.json: ${JSON.stringify(parsed.problems)}`);
  return parsed.value;
}

export function exampleModel(env: string): AppModel {
  const loaded = loadSpec(readFileSync(root('examples/shop/gantry.yaml'), 'utf8'), {
    file: 'examples/shop/gantry.yaml',
    env,
    target: 'cluster',
  });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.model;
}

/** A model from spec text (for small cases). */
export function modelOf(yaml: string, env?: string): AppModel {
  const loaded = loadSpec(yaml, { file: 'gantry.yaml', target: 'cluster', ...(env ? { env } : {}) });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.model;
}
