import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments, stringify } from 'yaml';
import type { K8sObject } from './kubernetes/types.ts';
import { objectFileNames, toYamlStream, yamlWriter } from './serialize.ts';

const labels = { app: 'x' };
const objects: K8sObject[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels }, data: { ON: 'yes', V: '1.0' } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', labels } },
];

describe('toYamlStream', () => {
  it('writes documents separated by ---, quoting YAML 1.1 booleans and numbers-as-text, no anchors', () => {
    const text = toYamlStream(objects);
    assert.equal(text.split(/^---$/m).length, 2);
    assert.match(text, /"ON": "yes"/);
    assert.match(text, /V: "1.0"/);
    assert.doesNotMatch(text, /[&*]a\d/);
    assert.deepEqual(
      parseAllDocuments(text).map((d) => d.toJS()),
      objects,
    );
    assert.equal(toYamlStream(objects), text, 'stable');
  });
});

describe('yamlWriter', () => {
  // Strings whose YAML depends on where they are written: a document marker is quoted as a
  // key at the top level only, a control character is escaped, a quote changes the quotes…
  const strings = [
    '---a',
    '...',
    '%x',
    'a\u0007',
    'yes',
    '1.0',
    '0o17',
    '12:30',
    '2001-12-14',
    '~',
    '',
    "it's",
    'say "hi"',
    ' lead',
    'trail ',
    'a: b',
    '#c',
    '- d',
    '@e',
    'two\nlines',
    'end\n',
    'plain',
  ];
  const nested = (depth: number): Record<string, unknown> =>
    Object.fromEntries(
      strings.map((s, i) => [s, depth === 0 ? s : i % 2 ? [s, nested(depth - 1)] : nested(depth - 1)]),
    );

  it("writes each document as yaml's stringify does with the same options, whatever it wrote before", () => {
    const options = {
      version: '1.1',
      aliasDuplicateObjects: false,
      lineWidth: 0,
      directives: false,
    } as const;
    const documents = [nested(0), nested(1), { list: strings, same: nested(1) }, nested(2)];
    const write = yamlWriter();
    for (const document of [...documents, ...documents])
      assert.equal(write(document), stringify(document, options));
  });
});

describe('objectFileNames', () => {
  it('is <kind>-<name>.yaml, with the namespace only when a kind and name repeat', () => {
    assert.deepEqual(objectFileNames(objects), ['configmap-a.yaml', 'service-a.yaml']);
    const twice = [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', namespace: 'one' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', namespace: 'two' } },
    ];
    assert.deepEqual(objectFileNames(twice), ['service-a-one.yaml', 'service-a-two.yaml']);
  });
});
