/**
 * The block reader against js-yaml with KUBE_JS_YAML_SCHEMA, the reader it stands in for: on
 * every document it reads it must give js-yaml's value, and it must leave to js-yaml every
 * document js-yaml refuses. Checked on the lint fixtures and corpus, on hand-picked edge cases
 * and on seeded random documents built from the pieces manifests are made of (and the ways
 * they go wrong). BLOCK_FUZZ_SEED and BLOCK_FUZZ_RUNS change the seed and the count.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { load } from 'js-yaml';
import { corpusFiles } from '../../bench/lint-corpus.ts';
import { pick, type Rng, random } from '../../test/support/fuzz.ts';
import { readBlockYaml } from './block-yaml.ts';
import { KUBE_JS_YAML_SCHEMA } from './kube-yaml.ts';

const RUNS = Number(process.env.BLOCK_FUZZ_RUNS ?? 20_000);
const SEED = Number(process.env.BLOCK_FUZZ_SEED ?? 20261207);

/** js-yaml's value, or `refused` when it throws. */
function jsYaml(text: string): unknown {
  try {
    return load(text, { schema: KUBE_JS_YAML_SCHEMA }) ?? null;
  } catch {
    return REFUSED;
  }
}
const REFUSED = Symbol('refused');

/** What is wrong with `block`, the block reader's value of `text`, or undefined when it agrees with js-yaml. */
function disagreement(text: string, block: unknown): string | undefined {
  if (block === undefined) return undefined;
  const expected = jsYaml(text);
  if (expected === REFUSED) return `read what js-yaml refuses:\n${text}\nas ${JSON.stringify(block)}`;
  if (!isDeepStrictEqual(block, expected))
    return `read differently:\n${text}\nblock:   ${JSON.stringify(block)}\njs-yaml: ${JSON.stringify(expected)}`;
  return undefined;
}

const documents = (text: string) => text.split(/^(?:---|\.\.\.)(?:[ \t].*)?$/m);

describe('readBlockYaml', () => {
  it('reads every document of the lint fixtures and corpus as js-yaml does, and gives up on few', () => {
    const fixtures = fileURLToPath(new URL('../../test/fixtures/lint/', import.meta.url));
    const texts = [
      ...readdirSync(fixtures, { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.yaml'))
        .map((name) => readFileSync(join(fixtures, name), 'utf8')),
      ...corpusFiles().values(),
    ];
    let read = 0;
    let total = 0;
    for (const document of texts.flatMap(documents)) {
      const block = readBlockYaml(document);
      assert.equal(disagreement(document, block), undefined);
      total++;
      if (block !== undefined) read++;
    }
    // The fixtures hold broken and exotic documents on purpose; the corpus is read whole.
    assert.ok(read / total > 0.95, `read ${read} of ${total}`);
  });

  it('reads the shapes manifests use', () => {
    const cases: [string, unknown][] = [
      ["a: 1\nb: yes\nc: \"yes\"\nd: 'x''y'\ne: ~\n", { a: 1, b: true, c: 'yes', d: "x'y", e: null }],
      ['a:\n- x\n- y\nb:\n  - z\n', { a: ['x', true], b: ['z'] }],
      ['- a: 1\n  b: 2\n- - x\n  - w\n-\n- # c\n  z\n', [{ a: 1, b: 2 }, ['x', 'w'], null, 'z']],
      ['url: http://x:1/a#b # comment\nk:v: w\n', { url: 'http://x:1/a#b', 'k:v': 'w' }],
      ['a: |\n  x\n\n   y\n\nb: 1\n', { a: 'x\n\n y\n', b: 1 }],
      [
        'a: |-\n  x\n\nb: >\n  one\n  two\n\n  three\n    more\n  last\n',
        { a: 'x', b: 'one two\nthree\n  more\nlast\n' },
      ],
      ['a: |+\n  x\n\n', { a: 'x\n\n' }],
      [
        'a: "\\u00e9\\n\\"q\\""\n"k y": [1, "a", {b: c}]\ne: {}\nf: []\n',
        { a: 'é\n"q"', 'k y': [1, 'a', { b: 'c' }], e: {}, f: [] },
      ],
      ['# only a comment\n', null],
      ['', null],
    ];
    for (const [text, value] of cases) {
      assert.deepEqual(readBlockYaml(text), value, text);
      assert.deepEqual(jsYaml(text), value, text);
    }
  });

  it('leaves to js-yaml what it does not read', () => {
    const unread = [
      'a: b\n  c\n', // a plain scalar continued
      'a: "b\n  c"\n', // a quoted one
      'a: [b,\n  c]\n', // a flow collection over two lines
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      '? a\n: b\n',
      'a: 1\na: 2\n',
      '<<: {a: 1}\n',
      'a:\tb\n',
      'a: b\r\nc: d\r\n',
      'a: |2\n   x\n',
      'a: "\\x41"\n',
      'just a scalar\n',
      '  a: 1\n',
      'a: [\n', // an unclosed flow collection
      'a: b\u0007\n', // a control character
      '- - -\n  - x\n', // after an empty entry js-yaml takes a lesser-indented `-` as the next
      `${Array.from({ length: 120 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1\n`,
    ];
    for (const text of unread) assert.equal(readBlockYaml(text), undefined, text);
  });

  it(`agrees with js-yaml on ${RUNS} random documents (seed ${SEED})`, () => {
    const rng = random(SEED);
    const wrong: string[] = [];
    let read = 0;
    for (let run = 0; run < RUNS; run++) {
      const text = randomDocument(rng);
      const block = readBlockYaml(text);
      const found = disagreement(text, block);
      if (found) wrong.push(`run ${run}: ${found}`);
      if (block !== undefined) read++;
    }
    assert.deepEqual(wrong.slice(0, 3), [], `${wrong.length} disagreements`);
    // The generator must reach both sides: documents read, and documents left to js-yaml.
    assert.ok(read > RUNS / 4 && read < RUNS, `read ${read} of ${RUNS}`);
  });
});

const KEYS = [
  'a',
  'b',
  'name',
  'x y',
  'a:b',
  'a#b',
  '"q"',
  "'s'",
  '"a\\"b"',
  'yes',
  '1',
  'null',
  '~',
  '<<',
  '-a',
  'k ',
  '__proto__',
];
const PLAIN = [
  'x',
  'a b',
  'http://x:1',
  'a#b',
  'yes',
  'On',
  '0x1F',
  '017',
  '1_000',
  '1e3',
  '.5',
  '-1',
  '+.inf',
  '~',
  'null',
  '?x',
  ':x',
  'x]',
  'a, b',
  '💥',
];
const ODD = [
  'a: b',
  'a:',
  '-',
  '- a',
  '?',
  ':',
  '@x',
  '`x',
  '%x',
  ',x',
  '&a x',
  '*a',
  '!!str x',
  '#x',
  '"a',
  "'a",
  '[a',
  '{a: 1}: b',
  '"a"b',
  '"a"#b',
];
const QUOTED = [
  '"quoted"',
  '"a\\nb"',
  '"\\u00e9"',
  '"a\\x41"',
  '"a # b"',
  '"a: b"',
  "'it''s'",
  "'a #b'",
  '""',
  "''",
  '"\\\\"',
  '"a\\ b"',
];
const FLOW = [
  '[]',
  '{}',
  '[a, b]',
  '[a, {b: c}]',
  '{a: 1, b: [2]}',
  '[ ]',
  '{a: yes}',
  '[a] # c',
  '{"a": 1}',
];
const HEADERS = ['|', '|-', '|+', '>', '>-', '>+', '|2', '| # c', '|x', '|-+', '>  '];

/** A random document: a tree of mappings and sequences in every style, with comments, blank lines and faults. */
function randomDocument(rng: Rng): string {
  const lines: string[] = [];
  const chance = (p: number) => rng() < p;
  const spaces = (n: number) => ' '.repeat(Math.max(0, n));
  const decorate = () => {
    if (chance(0.1)) lines.push(`${spaces(Math.floor(rng() * 8))}# comment`);
    if (chance(0.08)) lines.push(spaces(Math.floor(rng() * 6)));
  };
  const scalar = (): string => {
    const roll = rng();
    const text =
      roll < 0.55
        ? pick(rng, PLAIN)
        : roll < 0.75
          ? pick(rng, QUOTED)
          : roll < 0.9
            ? pick(rng, FLOW)
            : pick(rng, ODD);
    return chance(0.1) ? `${text} # c` : chance(0.05) ? `${text}  ` : text;
  };
  const blockBody = (indent: number) => {
    const base = indent + 1 + Math.floor(rng() * 3);
    const count = Math.floor(rng() * 5);
    for (let i = 0; i < count; i++) {
      const roll = rng();
      if (roll < 0.2) lines.push(spaces(Math.floor(rng() * (base + 3))));
      else if (roll < 0.35) lines.push(`${spaces(base + 1 + Math.floor(rng() * 2))}more ${i}`);
      else if (roll < 0.4) lines.push(`${spaces(base)}# not a comment`);
      else if (roll < 0.45) lines.push(`${spaces(base - 1)}less ${i}`);
      else lines.push(`${spaces(base)}line ${i}`);
    }
  };
  /** The value after `prefix` on a line (a key and colon, or a dash), inline or on the next lines. */
  const value = (prefix: string, indent: number, depth: number) => {
    const roll = rng();
    if (depth < 4 && roll < 0.35) {
      lines.push(chance(0.1) ? `${prefix} # c` : prefix);
      decorate();
      const inner = chance(0.2) && prefix.endsWith(':') ? indent : indent + 1 + Math.floor(rng() * 3);
      if (chance(0.5) || inner === indent) sequence(inner, depth + 1);
      else mapping(inner, depth + 1);
    } else if (roll < 0.45) {
      lines.push(`${prefix} ${pick(rng, HEADERS)}`);
      blockBody(indent);
    } else if (roll < 0.5) lines.push(prefix);
    else {
      lines.push(`${prefix} ${scalar()}`);
      if (chance(0.04)) lines.push(`${spaces(indent + 2)}continued`);
    }
  };
  const mapping = (indent: number, depth: number, first = '') => {
    const count = 1 + Math.floor(rng() * 4);
    for (let i = 0; i < count; i++) {
      const key = chance(0.85) ? ['a', 'b', 'c', 'd', 'e'][i]! : pick(rng, KEYS);
      const shift = chance(0.03) ? (chance(0.5) ? 1 : -1) : 0;
      value(`${i === 0 ? first : spaces(indent + shift)}${key}:`, indent, depth);
      decorate();
    }
  };
  const sequence = (indent: number, depth: number) => {
    const count = 1 + Math.floor(rng() * 3);
    for (let i = 0; i < count; i++) {
      const dash = `${spaces(indent + (chance(0.03) ? 1 : 0))}-`;
      const roll = rng();
      if (depth < 4 && roll < 0.3) mapping(indent + 2, depth + 1, `${dash} `);
      else if (depth < 4 && roll < 0.35) {
        lines.push(`${dash} - ${scalar()}`);
        if (chance(0.5)) lines.push(`${spaces(indent + 2)}- ${scalar()}`);
      } else value(dash, indent, depth);
      decorate();
    }
  };
  if (chance(0.85)) mapping(0, 0);
  else sequence(0, 0);
  return chance(0.9) ? `${lines.join('\n')}\n` : lines.join('\n');
}
