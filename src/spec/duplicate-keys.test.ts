import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDocument } from 'yaml';
import { DUPLICATE_KEY_MESSAGE, duplicateKeyOffsets } from './duplicate-keys.ts';

/** The `yaml` package's own (quadratic) check: the offsets of its duplicate-key errors. */
function yamlPackageFinds(text: string): number[] {
  return parseDocument(text, { uniqueKeys: true })
    .errors.filter((error) => error.code === 'DUPLICATE_KEY')
    .map((error) => {
      assert.equal(error.message.split(' at line')[0], DUPLICATE_KEY_MESSAGE);
      return error.pos[0];
    });
}

const cases: { name: string; text: string; duplicates: number }[] = [
  { name: 'no duplicate', text: 'a: 1\nb: 2\n', duplicates: 0 },
  { name: 'a block mapping', text: 'a: 1\nb: 2\na: 3\n', duplicates: 1 },
  { name: 'three times', text: 'a: 1\na: 2\na: 3\n', duplicates: 2 },
  { name: 'one key at three depths', text: 'a:\n  a:\n    a: 1\n  b: 2\nb: 3\n', duplicates: 0 },
  { name: 'nested, repeated inside', text: 'x:\n  y:\n    a: 1\n    b: 2\n    a: 3\n', duplicates: 1 },
  { name: 'same key in sibling mappings', text: 'x: { a: 1 }\ny: { a: 1 }\n', duplicates: 0 },
  { name: 'a flow mapping', text: '{ a: 1, b: 2, a: 3 }', duplicates: 1 },
  { name: 'flow pairs in a sequence are mappings of one', text: '[a: 1, a: 2]', duplicates: 0 },
  { name: 'quoted and plain are one string', text: 'a: 1\n\'a\': 2\n"a": 3\n', duplicates: 2 },
  { name: 'a number and a string differ', text: '1: x\n"1": y\n', duplicates: 0 },
  { name: 'numbers compare by value', text: '1: x\n1.0: y\n0x1: z\n', duplicates: 2 },
  { name: 'true and True', text: 'true: 1\nTrue: 2\n', duplicates: 1 },
  { name: 'null, ~ and empty keys', text: 'null: 1\n~: 2\n: 3\n', duplicates: 2 },
  { name: 'NaN is never equal', text: '.nan: 1\n.NaN: 2\n', duplicates: 0 },
  { name: 'explicit keys', text: '? a\n: 1\n? a\n: 2\n', duplicates: 1 },
  { name: 'a key with an anchor', text: '&k a: 1\nb: 2\na: 3\n', duplicates: 1 },
  { name: 'a key with a tag', text: '!!str a: 1\na: 2\n', duplicates: 1 },
  { name: 'an alias key is not compared', text: 'x: &k a\n*k : 1\na: 2\n', duplicates: 0 },
  { name: 'collection keys are not compared', text: '? [a]\n: 1\n? [a]\n: 2\n', duplicates: 0 },
  { name: 'inside a collection key', text: '? { a: 1, a: 2 }\n: x\n', duplicates: 1 },
  { name: 'in a sequence of mappings', text: '- a: 1\n  a: 2\n- a: 3\n', duplicates: 1 },
  { name: 'merge key is a key like any in YAML 1.2', text: '<<: 1\n<<: 2\n', duplicates: 1 },
  { name: 'a block scalar key is compared by its text', text: '? |\n  a\n: 1\n"a\\n": 2\n', duplicates: 1 },
  { name: 'beside a syntax error', text: 'a: 1\nb: [\na: 2\n', duplicates: 1 },
];

for (const { name, text, duplicates } of cases)
  test(`duplicateKeyOffsets finds what the yaml package's check finds: ${name}`, () => {
    const expected = yamlPackageFinds(text);
    assert.equal(expected.length, duplicates, 'the case says how many the yaml package finds');
    assert.deepEqual(duplicateKeyOffsets(parseDocument(text, { uniqueKeys: false })), expected);
  });

test('duplicateKeyOffsets: a large mapping with repeats spread through it', () => {
  const lines = Array.from({ length: 3000 }, (_, i) => `K${i % 2900}: ${i}`);
  const text = `env:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
  const found = duplicateKeyOffsets(parseDocument(text, { uniqueKeys: false }));
  assert.equal(found.length, 100);
  assert.deepEqual(found, yamlPackageFinds(text));
});
