import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { load } from 'js-yaml';
import { parse } from 'yaml';
import { YAML_CORE_SCHEMA } from './core-schema.ts';

/** Plain scalars where YAML 1.1 habits and YAML 1.2 differ, and the ordinary ones. */
const SCALARS = [
  '=',
  'yes',
  'on',
  'off',
  'y',
  '0o14',
  '014',
  '08',
  '0x1F',
  '-0x1',
  '0x',
  '0b101',
  '1_000',
  '1e3',
  '1e',
  '1.5e-3',
  '+.5e3',
  '-.5',
  '.5',
  '1.',
  '+1',
  '-0',
  '.inf',
  '-.Inf',
  '+.INF',
  '.NaN',
  '~',
  '',
  'null',
  'NULL',
  'Null',
  'nULL',
  'True',
  'TRUE',
  'tRUE',
  'false',
  '2024-01-01',
  '12:30',
  '1:20:30',
  '100m',
  '512Mi',
];

describe('YAML_CORE_SCHEMA', () => {
  for (const scalar of SCALARS)
    it(`\`${scalar}\` reads as the yaml package reads it`, () => {
      const text = `a: ${scalar}\nb: [${scalar}]\n`;
      assert.deepEqual(load(text, { schema: YAML_CORE_SCHEMA }), parse(text));
    });

  it('quoted scalars stay strings', () => {
    assert.deepEqual(load(`a: "1"\nb: 'true'\n`, { schema: YAML_CORE_SCHEMA }), { a: '1', b: 'true' });
  });
});
