/**
 * A bounded fuzz test of the loader: 10,000 seeded random mutations of the example spec
 * (keys deleted, duplicated and retyped, garbage values, truncation, broken lines).
 * The loader must never throw, and every problem it reports must point at a real line.
 * The seed is fixed so a failure reproduces; FUZZ_SEED and FUZZ_RUNS change it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { loadSpec } from './load.ts';
import { valueAt } from './overlay.ts';

const example = readFileSync(new URL('../../examples/shop/gantry.yaml', import.meta.url), 'utf8');
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);

/** mulberry32: a small, fast, seedable PRNG (deterministic runs). */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

const GARBAGE: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  Number.POSITIVE_INFINITY,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  ' ',
  'x',
  '250m',
  '512m',
  '30s',
  '30',
  '-5s',
  '25%',
  '101%',
  'latest',
  '{',
  '[',
  '&a',
  '*a',
  '!!binary',
  '\u0000',
  '💥',
  'a'.repeat(300),
  [],
  [1, 'a', null],
  {},
  { a: { b: { c: {} } } },
  { weight: 10 },
  { pause: {} },
  { path: '/x' },
];

/** Every path to a value in the data, so a mutation can target any of them. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (value && typeof value === 'object')
    return [...here, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return here;
}

function mutateData(rng: Rng, data: unknown): unknown {
  const copy = structuredClone(data) as Record<string, unknown>;
  const all = paths(copy).filter((p) => p.length > 0);
  const target = pick(rng, all);
  const parent = valueAt(copy, target.slice(0, -1)) as Record<string | number, unknown>;
  const key = target[target.length - 1]!;
  switch (Math.floor(rng() * 5)) {
    case 0: // delete
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    case 1: // retype to garbage
      parent[key] = structuredClone(pick(rng, GARBAGE));
      break;
    case 2: // rename the key (a typo)
      if (!Array.isArray(parent)) {
        const text = String(key);
        const at = Math.floor(rng() * Math.max(text.length, 1));
        parent[`${text.slice(0, at)}${pick(rng, ['x', '', 'ee', '_'])}${text.slice(at + 1)}`] = parent[key];
        delete parent[key];
      }
      break;
    case 3: // wrap the value in a list or a map
      parent[key] = rng() < 0.5 ? [parent[key]] : { value: parent[key] };
      break;
    default: // copy a value from elsewhere in the spec
      parent[key] = structuredClone(valueAt(copy, pick(rng, all)));
  }
  return copy;
}

function mutateText(rng: Rng, text: string): string {
  const lines = text.split('\n');
  const at = Math.floor(rng() * lines.length);
  switch (Math.floor(rng() * 5)) {
    case 0:
      return text.slice(0, Math.floor(rng() * text.length)); // truncate
    case 1:
      lines.splice(at, 1); // drop a line
      return lines.join('\n');
    case 2:
      lines.splice(at, 0, lines[at]!); // duplicate a line (duplicate keys)
      return lines.join('\n');
    case 3:
      lines[at] = rng() < 0.5 ? ` ${lines[at]}` : lines[at]!.replace(/^ /, ''); // break indentation
      return lines.join('\n');
    default: {
      const pos = Math.floor(rng() * text.length);
      return (
        text.slice(0, pos) +
        pick(rng, [':', '- ', '{', '}', '[', '"', "'", '&x ', '*x', '#', '\t', '|', '>', '%']) +
        text.slice(pos)
      );
    }
  }
}

describe('loader fuzz', () => {
  it(`survives ${RUNS} random mutations of the example and places every problem (seed ${SEED})`, () => {
    const rng = random(SEED);
    const base = parse(example);
    let rejected = 0;
    for (let run = 0; run < RUNS; run++) {
      let text = rng() < 0.6 ? stringify(mutateData(rng, base)) : mutateText(rng, example);
      if (rng() < 0.2) text = mutateText(rng, text); // some get both kinds
      const env = pick(rng, [undefined, 'dev', 'staging', 'prod', 'qa']);
      const target = pick(rng, [undefined, 'local', 'cluster'] as const);
      const lineCount = text.split('\n').length;
      let result: ReturnType<typeof loadSpec>;
      try {
        result = loadSpec(text, {
          file: 'gantry.yaml',
          ...(env ? { env } : {}),
          ...(target ? { target } : {}),
        });
      } catch (error) {
        assert.fail(`run ${run} (env ${env}) threw ${(error as Error).stack}\n--- input ---\n${text}`);
      }
      if (!result.ok) rejected++;
      else assert.ok(result.model, `run ${run}: ok without a model`);
      for (const problem of result.problems) {
        const where = `run ${run}: ${JSON.stringify(problem)}\n--- input ---\n${text}`;
        assert.ok(
          Number.isInteger(problem.line) && problem.line >= 1 && problem.line <= lineCount,
          `line out of range: ${where}`,
        );
        assert.ok(Number.isInteger(problem.column) && problem.column >= 1, `column: ${where}`);
        assert.ok(problem.message.length > 0 && problem.path.length > 0, `empty text: ${where}`);
      }
    }
    // The mutations must mostly produce invalid specs, or the test exercises nothing.
    assert.ok(rejected > RUNS * 0.5, `only ${rejected} of ${RUNS} mutations were rejected`);
  });
});
