import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  failingRequirements,
  formatLabels,
  formatSelector,
  parseSelector,
  selectorMatches,
  toLabels,
} from './label-selector.ts';

const WEB = { app: 'web', tier: 'front' };

interface Row {
  name: string;
  selector: unknown;
  labels: unknown;
  matches: boolean;
}

const rows: Row[] = [
  // plain maps (Service, ReplicationController)
  { name: 'map: equal', selector: { app: 'web' }, labels: WEB, matches: true },
  { name: 'map: all keys equal', selector: { app: 'web', tier: 'front' }, labels: WEB, matches: true },
  { name: 'map: one value differs', selector: { app: 'web', tier: 'back' }, labels: WEB, matches: false },
  {
    name: 'map: key missing from labels',
    selector: { app: 'web', track: 'stable' },
    labels: WEB,
    matches: false,
  },
  { name: 'map: empty selects everything', selector: {}, labels: WEB, matches: true },
  {
    name: 'map: number value equals its string',
    selector: { version: 1 },
    labels: { version: '1' },
    matches: true,
  },
  { name: 'map: boolean label', selector: { canary: 'true' }, labels: { canary: true }, matches: true },
  // LabelSelector: matchLabels
  { name: 'matchLabels: equal', selector: { matchLabels: { app: 'web' } }, labels: WEB, matches: true },
  { name: 'matchLabels: differs', selector: { matchLabels: { app: 'api' } }, labels: WEB, matches: false },
  {
    name: 'matchLabels: no labels at all',
    selector: { matchLabels: { app: 'web' } },
    labels: undefined,
    matches: false,
  },
  {
    name: 'empty LabelSelector selects everything',
    selector: { matchLabels: {} },
    labels: {},
    matches: true,
  },
  {
    name: 'null matchLabels and matchExpressions',
    selector: { matchLabels: null, matchExpressions: null },
    labels: WEB,
    matches: true,
  },
  // LabelSelector: matchExpressions
  ...(
    [
      ['In: value in set', { key: 'tier', operator: 'In', values: ['front', 'edge'] }, true],
      ['In: value not in set', { key: 'tier', operator: 'In', values: ['back'] }, false],
      ['In: key absent', { key: 'track', operator: 'In', values: ['stable'] }, false],
      ['NotIn: value in set', { key: 'tier', operator: 'NotIn', values: ['front'] }, false],
      ['NotIn: value not in set', { key: 'tier', operator: 'NotIn', values: ['back'] }, true],
      ['NotIn: key absent', { key: 'track', operator: 'NotIn', values: ['canary'] }, true],
      ['Exists: present', { key: 'tier', operator: 'Exists' }, true],
      ['Exists: absent', { key: 'track', operator: 'Exists' }, false],
      ['DoesNotExist: absent', { key: 'track', operator: 'DoesNotExist' }, true],
      ['DoesNotExist: present', { key: 'tier', operator: 'DoesNotExist', values: [] }, false],
    ] as const
  ).map(([name, expression, matches]) => ({
    name: `matchExpressions ${name}`,
    selector: { matchExpressions: [expression] },
    labels: WEB,
    matches,
  })),
  {
    name: 'matchLabels and matchExpressions must both hold',
    selector: {
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }],
    },
    labels: WEB,
    matches: false,
  },
  // selects nothing
  { name: 'missing selector selects nothing', selector: undefined, labels: WEB, matches: false },
  { name: 'null selector selects nothing', selector: null, labels: WEB, matches: false },
  {
    name: 'invalid: unknown operator',
    selector: { matchExpressions: [{ key: 'tier', operator: 'Equals', values: ['front'] }] },
    labels: WEB,
    matches: false,
  },
  {
    name: 'invalid: In without values',
    selector: { matchExpressions: [{ key: 'tier', operator: 'In' }] },
    labels: WEB,
    matches: false,
  },
  {
    name: 'invalid: matchLabels is a string',
    selector: { matchLabels: 'app=web' },
    labels: WEB,
    matches: false,
  },
  { name: 'invalid: selector is a list', selector: ['app'], labels: WEB, matches: false },
  { name: 'invalid: nested map value', selector: { app: { name: 'web' } }, labels: WEB, matches: false },
];

describe('selectorMatches', () => {
  for (const row of rows)
    it(row.name, () => {
      assert.equal(selectorMatches(row.selector, row.labels), row.matches);
    });
});

describe('parseSelector: what makes a selector invalid', () => {
  it('names each problem with its path', () => {
    assert.deepEqual(
      parseSelector({
        matchLabels: { app: 'web', bad: [1] },
        matchExpressions: [
          { key: 'a', operator: 'Equals', values: ['x'] },
          { key: 'b', operator: 'In', values: [] },
          { key: 'c', operator: 'Exists', values: ['x'] },
          { operator: 'Exists' },
          'tier',
          { key: 'd', operator: 'In', values: 'x' },
        ],
      }),
      {
        ok: false,
        problems: [
          'matchLabels.bad is not a string',
          'matchExpressions[0].operator Equals is not In, NotIn, Exists or DoesNotExist',
          'matchExpressions[1]: In needs at least one value',
          'matchExpressions[2]: Exists takes no values',
          'matchExpressions[3].key is missing',
          'matchExpressions[4] is not a map',
          'matchExpressions[5].values is not a list',
        ],
      },
    );
    assert.deepEqual(parseSelector({ matchExpressions: 'x' }), {
      ok: false,
      problems: ['matchExpressions is not a list'],
    });
    assert.deepEqual(parseSelector('app=web'), { ok: false, problems: ['is not a map'] });
  });
});

describe('formatting and failing requirements', () => {
  const selector = {
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['front', 'edge'] },
      { key: 'env', operator: 'NotIn', values: ['dev'] },
      { key: 'canary', operator: 'Exists' },
      { key: 'debug', operator: 'DoesNotExist' },
    ],
  };
  it('formats selectors as kubectl does', () => {
    assert.equal(formatSelector(selector), 'app=web,tier in (front,edge),env notin (dev),canary,!debug');
    assert.equal(formatSelector({ app: 'web', version: 2 }), 'app=web,version=2');
    assert.equal(formatSelector({}), '(everything)');
    assert.equal(formatSelector(undefined), '(nothing)');
    assert.equal(formatSelector({ matchLabels: 3 }), '(invalid)');
  });
  it('lists the requirements that fail, in selector order', () => {
    assert.deepEqual(
      failingRequirements(selector, { app: 'api', tier: 'front', canary: 'true' }).map((r) => r.key),
      ['app'],
    );
    assert.deepEqual(
      failingRequirements(selector, { app: 'web', env: 'dev', debug: '1' }).map((r) => r.key),
      ['tier', 'env', 'canary', 'debug'],
    );
    assert.deepEqual(failingRequirements(selector, { app: 'web', tier: 'edge', canary: '' }), []);
  });
  it('reads labels as strings and drops nested values', () => {
    assert.deepEqual(toLabels({ a: 'x', b: 1, c: false, d: null, e: { f: 1 }, g: [1] }), {
      a: 'x',
      b: '1',
      c: 'false',
      d: '',
    });
    assert.deepEqual(toLabels('app=web'), {});
    assert.equal(formatLabels({ app: 'web', tier: 'front' }), 'app=web,tier=front');
    assert.equal(formatLabels(undefined), '(none)');
  });
});
