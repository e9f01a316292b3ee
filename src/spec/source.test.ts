import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSource } from './source.ts';

/** What a caller can see of a source: its data, problems and where a few paths are. */
function seen(text: string, reader: 'fast' | 'exact') {
  const source = parseSource(text, reader);
  const paths = [[], ['a'], ['a', 0], ['a', 'b'], ['services', 'web', 'port']];
  return {
    data: source.data,
    syntaxErrors: source.syntaxErrors,
    tagFindings: source.tagFindings,
    at: paths.map((path) => source.locate(path)),
  };
}

const agree = (text: string) =>
  assert.deepEqual(seen(text, 'fast'), seen(text, 'exact'), JSON.stringify(text));

describe('the two spec readers agree', () => {
  it('on every core-schema scalar: numbers, booleans, nulls as the yaml package resolves them', () => {
    agree(
      [
        'a: [0o17, 0x1F, 017, 1_000, 0b11, -0, +12, 99999999999999999999, 1e3, -.5, .5e3, 1.50, 1., .inf, -.Inf, .NaN, .nan]',
        'b: [true, True, TRUE, false, yes, no, on, off, y, n, ~, null, Null, NULL, "", 2024-01-02, 12:30, <<]',
        'c: ["1", \'true\', "~", |',
        '    block',
        '  ]',
      ].join('\n'),
    );
    agree('a: 1.50\nb: -.5\nc: 0o17\nd: 0x1F\ne: 1_000\nf: 2001-12-14\ng: .NaN\nh: +.inf\ni: 0b11\nj: 012\n');
  });

  it('on keys, block scalars, folded plain scalars, comments and line ends', () => {
    agree('1.50: a\n0x1F: b\ntrue: c\n.inf: d\n"quoted": e\nkey with spaces: f\n');
    agree('a: |\n  x\n   y\n\nb: >-\n  p\n  q\nc: |+\n  keep\n\nd: plain\n  folded\n\n  twice\n');
    agree('a: x #c\nb: "x #c"\n# a comment\nc: \'it\'\'s\'\nd: "\\x41\\u00e9"\n');
    agree('a: b\r\nc: d\r\n');
    agree('\ufeffa: 1\n');
    agree('');
    agree('# only a comment\n');
    agree('services:\n  web:\n    port: 8080\n');
  });

  it('on what only the Document API reads as it should, which goes to it', () => {
    for (const text of [
      'a: {\nb: 1}\n', // a flow collection not indented past its block: an error to `yaml`
      'a:\n  b: [1,\n2]\n',
      `a: x\n${'k'.repeat(1100)}: v\n`, // an implicit key over 1,024 characters
      '[a, b]: c\n', // a collection as a key
      '{a: 1}: c\n',
      'a: {b: 1}#c\n', // a comment right after a bracket or a quote
      'a: "x"#c\n',
      'a: [1,#c\n 2]\n',
      '%YAML 1.1\n---\na: yes\n', // a directive changes the schema
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      '? a\n: b\n',
      '~: a\n',
      'a: 1\na: 2\n', // a duplicate key
      'a: 1\n"a": 2\n',
      '1: a\n"1": b\n', // not duplicates to yaml: both kept
      'a: [\n',
      '- a\n---\n- b\n',
    ])
      agree(text);
  });
});
