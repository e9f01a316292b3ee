import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { load } from 'js-yaml';
import { parseDocument } from 'yaml';
import { KUBE_JS_YAML_SCHEMA, KUBE_YAML_OPTIONS, resolvePlain } from './kube-yaml.ts';

/**
 * What sigs.k8s.io/yaml v1.4.0 (kubectl's and the API server's YAML → JSON) makes of `v: SCALAR`,
 * printed by a ten-line Go program calling yaml.YAMLToJSON: the reference, not our guess.
 */
const KUBERNETES: readonly [string, unknown][] = [
  ['y', true],
  ['Y', true],
  ['yes', true],
  ['Yes', true],
  ['YES', true],
  ['yEs', 'yEs'],
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['tRue', 'tRue'],
  ['on', true],
  ['On', true],
  ['ON', true],
  ['oN', 'oN'],
  ['n', false],
  ['N', false],
  ['no', false],
  ['No', false],
  ['NO', false],
  ['false', false],
  ['off', false],
  ['Off', false],
  ['OFF', false],
  ['~', null],
  ['null', null],
  ['Null', null],
  ['NULL', null],
  ['nULL', 'nULL'],
  ['0', 0],
  ['00', 0],
  ['017', 15],
  ['018', 18],
  ['08', 8],
  ['0o17', 15],
  ['0O17', 15],
  ['0x1F', 31],
  ['0X1f', 31],
  ['-0x1F', -31],
  ['0x', '0x'],
  ['0b101', 5],
  ['-0b101', -5],
  ['+0b11', 3],
  ['1_000', 1000],
  ['1__0', 10],
  ['_1', '_1'],
  ['1_000.5', 1000.5],
  ['1e3', 1000],
  ['1E3', 1000],
  ['1e', '1e'],
  ['1.5e-3', 0.0015],
  ['+.5e3', 500],
  ['-.5', -0.5],
  ['.5', 0.5],
  ['.5e3', 500],
  ['._5', '._5'],
  ['1.', 1],
  ['+1', 1],
  ['-0', 0],
  ['+0', 0],
  ['-0.0', -0],
  ['2024-01-02', '2024-01-02'],
  ['2024-01-02T10:00:00Z', '2024-01-02T10:00:00Z'],
  ['3.14', 3.14],
  ['0777', 511],
  ['1:30', '1:30'],
  ['190:20:30', '190:20:30'],
  ['=', '='],
  ['+', '+'],
  ['.', '.'],
  ['0.1.2', '0.1.2'],
  ['1e+3', 1000],
  ['1e-3', 0.001],
  ['0xG', '0xG'],
  ['0b2', '0b2'],
  ['12abc', '12abc'],
  ['true_', 'true_'],
  ['off-by-one', 'off-by-one'],
  ['0x_1F', 31],
  ['1_e3', 1000],
];

const jsYaml = (text: string) => load(text, { schema: KUBE_JS_YAML_SCHEMA });
const yaml = (text: string) => parseDocument(text, KUBE_YAML_OPTIONS).toJS();

describe('YAML scalars as Kubernetes reads them', () => {
  it('resolvePlain gives what sigs.k8s.io/yaml gives, for every vector', () => {
    for (const [text, value] of KUBERNETES) assert.deepEqual(resolvePlain(text), value, text);
  });

  it('both readers agree with it in a document, for values and keys', () => {
    for (const [text, value] of KUBERNETES) {
      const key = typeof value === 'string' || value === null ? text : String(value);
      for (const read of [jsYaml, yaml]) {
        assert.deepEqual(read(`v: ${text}`), { v: value }, `v: ${text}`);
        if (value !== null) assert.deepEqual(read(`${text}: 1`), { [key]: 1 }, `${text}: 1`);
      }
    }
  });

  it('quoted scalars stay strings; an empty value is null', () => {
    for (const read of [jsYaml, yaml]) {
      assert.deepEqual(read('a: "yes"\nb: \'on\'\nc: "0x1F"\nd:\n'), {
        a: 'yes',
        b: 'on',
        c: '0x1F',
        d: null,
      });
    }
  });

  it('a privileged pod written the YAML 1.1 way is privileged', () => {
    const text = 'securityContext:\n  privileged: yes\n  allowPrivilegeEscalation: No\n  runAsUser: 00\n';
    const expected = { securityContext: { privileged: true, allowPrivilegeEscalation: false, runAsUser: 0 } };
    assert.deepEqual(jsYaml(text), expected);
    assert.deepEqual(yaml(text), expected);
  });

  it('`yaml` reads << merge keys as kubectl does', () => {
    assert.deepEqual(yaml('base: &b { a: 1 }\nx:\n  <<: *b\n  c: 2\n'), {
      base: { a: 1 },
      x: { a: 1, c: 2 },
    });
  });
});
