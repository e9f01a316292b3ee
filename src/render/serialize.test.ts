import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from './kubernetes/types.ts';
import { objectFileNames, toYamlStream } from './serialize.ts';

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
