import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shippedPrices } from './fixtures.test-support.ts';
import { parsePriceTable, sourceTags } from './prices.ts';

describe('price table', () => {
  it('loads the shipped table with its rows, sources and as-of dates', () => {
    const table = shippedPrices();
    assert.equal(table.currency, 'USD');
    assert.equal(table.hoursPerMonth, 730);
    assert.deepEqual(table.row('aws', 'ec2', 'm6i.large'), {
      key: 'aws.ec2.m6i.large',
      unit: 'hour',
      usd: 0.096,
      source: 'S2, S15',
    });
    assert.equal(table.sourceDates.get('S2'), '2026-01-19');
    assert.equal(table.sourceDates.get('S9'), '2024-04');
    assert.deepEqual(sourceTags('S1 (2025-07-04), S17 (2026-09-20), S1'), ['S1', 'S17']);
  });

  it('keeps a null price null, and a missing row says it is missing', () => {
    const table = shippedPrices();
    assert.equal(table.row('aws', 'fargate', 'spot_live_rate').usd, null);
    const missing = table.row('aws', 'ec2', 'x9.huge');
    assert.equal(missing.usd, null);
    assert.equal(missing.source, 'no row aws.ec2.x9.huge in data/prices.json');
  });

  // Columns point at the key, as `gantry validate` does: `"usd"` starts at column 38 of line 5.
  it('reports a bad user table at its line and field, with a hint', () => {
    const text = [
      '{',
      '  "_meta": { "currency": "EUR", "hours_per_month": 730 },',
      '  "aws": {',
      '    "ec2": {',
      '      "m6i.large": { "unit": "hour", "usd": "0.09", "source": "our contract" },',
      '      "t3.small": { "unit": "hour", "usd": 0.02, "sorce": "x" }',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const parsed = parsePriceTable(text, 'mine.json');
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    assert.deepEqual(
      parsed.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.path}: ${p.message}`),
      [
        'mine.json:5:38 aws.ec2["m6i.large"].usd: expected a number, got "0.09"',
        'mine.json:6:7 aws.ec2["t3.small"].source: `source` is required',
        'mine.json:6:50 aws.ec2["t3.small"].sorce: unknown field `sorce`',
      ],
    );
    assert.match(parsed.problems[2]!.hint ?? '', /source/);
  });

  it('reports JSON syntax errors with their place', () => {
    const parsed = parsePriceTable('{ "_meta": { "currency": "USD", }', 'broken.json');
    assert.equal(parsed.ok, false);
    if (!parsed.ok) assert.match(parsed.problems[0]!.message, /^the price table is not valid JSON or YAML/);
  });
});
