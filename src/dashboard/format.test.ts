import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DASH, formatAge, formatMs, formatPercent, formatRps } from './format.ts';

describe('dashboard number formats', () => {
  const rows: [string, string, string][] = [
    ['no traffic is a dash, not 0', formatRps(null), DASH],
    ['low rates keep a decimal', formatRps(7.25), '7.3'],
    ['high rates are whole', formatRps(1234.4), '1234'],
    ['a small error rate stays visible', formatPercent(0.0042), '0.42 %'],
    ['no error rate without requests', formatPercent(null), DASH],
    ['all failing', formatPercent(1), '100.00 %'],
    ['sub-10 ms latency keeps a decimal', formatMs(3.14), '3.1 ms'],
    ['latency is whole above 10 ms', formatMs(212.6), '213 ms'],
    ['no latency sample', formatMs(null), DASH],
    ['seconds ago', formatAge(1_000, 5_400), '4 s'],
    ['minutes ago', formatAge(0, 185_000), '3 min'],
    ['hours ago', formatAge(0, 7_300_000), '2 h'],
    ['a clock a little ahead is now', formatAge(10_000, 9_000), '0 s'],
  ];
  for (const [name, actual, expected] of rows) it(name, () => assert.equal(actual, expected));
});
