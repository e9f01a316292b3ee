/**
 * Seeded mutations for the bounded fuzz tests (the spec loader's and the linter's): a small
 * deterministic PRNG, garbage values of every type, and text and data mutations that break
 * YAML the ways people and tools do (truncation, duplicated keys, broken indentation, stray
 * tokens, wrong types, typos).
 */
import { valueAt } from '../../src/spec/overlay.ts';

/** mulberry32: a small, fast, seedable PRNG (deterministic runs). */
export function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

export const GARBAGE: unknown[] = [
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
export function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (value && typeof value === 'object')
    return [...here, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return here;
}

export function mutateData(rng: Rng, data: unknown): unknown {
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

export function mutateText(rng: Rng, text: string): string {
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
