/**
 * What `gantry validate` accepts, render renders: every number in the example spec (and the
 * numeric fields it leaves out) set to the edges of Kubernetes' ranges — the largest int32 and
 * one past it, 2^53, percentages past 100 — then loaded; each spec the loader accepts must
 * render (Kubernetes manifests checked against the official schemas, Compose, the HPA that
 * `gantry autoscale` reads) without "this is a bug in Gantry".
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse, stringify } from 'yaml';
import { autoscaledServices, hpaSpecForService } from '../autoscale/from-spec.ts';
import { loadSpec } from '../spec/load.ts';
import type { PathSegment } from '../spec/problem.ts';
import { INT32_MAX } from '../spec/schema.ts';
import { renderCompose } from './compose/compose.ts';
import { renderKubernetes } from './kubernetes/index.ts';

const example = parse(readFileSync(new URL('../../examples/shop/gantry.yaml', import.meta.url), 'utf8'));
const EDGES: unknown[] = [
  INT32_MAX,
  INT32_MAX + 1,
  2 ** 53,
  '101%',
  '2147483647%',
  '8Pi',
  '9007199254740992m',
];
/** Numeric fields the example does not set. */
const UNSET: PathSegment[][] = [
  ['services', 'api', 'health', 'readiness', 'initialDelaySeconds'],
  ['services', 'api', 'health', 'readiness', 'timeoutSeconds'],
  ['services', 'api', 'health', 'readiness', 'successThreshold'],
  ['services', 'api', 'release', 'scaleDownDelaySeconds'],
  ['services', 'api', 'autoscale', 'behavior', 'scaleUp', 'stabilizationWindowSeconds'],
  ['services', 'worker', 'release', 'maxSurge'],
  ['services', 'worker', 'release', 'maxUnavailable'],
  ['services', 'worker', 'disruption', 'maxUnavailable'],
  ['backing', 'cache', 'replicas'],
];

function numericPaths(value: unknown, path: PathSegment[] = []): PathSegment[][] {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(%|m|Mi|Gi)$/.test(value)))
    return [path];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    numericPaths(child, [...path, Array.isArray(value) ? Number(key) : key]),
  );
}

function withValue(path: PathSegment[], value: unknown): string {
  const data = structuredClone(example);
  let node = data;
  for (const key of path.slice(0, -1)) node = node[key] ??= {};
  node[path.at(-1)!] = value;
  return stringify(data);
}

test('every spec validate accepts at the edges of Kubernetes ranges renders', () => {
  let accepted = 0;
  let rejected = 0;
  const disagreements: string[] = [];
  for (const path of [...numericPaths(example), ...UNSET])
    for (const value of EDGES)
      for (const env of [undefined, 'prod']) {
        const loaded = loadSpec(withValue(path, value), { file: 'gantry.yaml', ...(env ? { env } : {}) });
        if (!loaded.ok) {
          rejected++;
          continue;
        }
        accepted++;
        try {
          renderKubernetes(loaded.model);
          renderCompose(loaded.model, { specName: 'gantry.yaml' });
          for (const service of autoscaledServices(loaded.model)) hpaSpecForService(loaded.model, service);
        } catch (error) {
          disagreements.push(
            `${path.join('.')} = ${String(value)} (${env ?? 'base'}): ${(error as Error).message}`,
          );
        }
      }
  assert.deepEqual(disagreements, []);
  // Both sides of the edges were exercised.
  assert.ok(accepted > 50 && rejected > 50, `accepted ${accepted}, rejected ${rejected}`);
});
