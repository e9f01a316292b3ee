import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatCpu,
  formatDuration,
  formatMemory,
  parseCpu,
  parseDuration,
  parseIntOrPercent,
  parseMemory,
} from './units.ts';

describe('parseDuration → milliseconds', () => {
  const rows: [string, number | undefined][] = [
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['0s', 0],
    ['30', undefined],
    ['30 s', undefined],
    ['30sec', undefined],
    ['-5s', undefined],
    ['', undefined],
    ['5d', undefined],
  ];
  for (const [text, expected] of rows)
    it(`${JSON.stringify(text)} → ${expected}`, () => assert.equal(parseDuration(text), expected));
});

describe('parseCpu → millicores', () => {
  const rows: [string | number, number | undefined][] = [
    ['250m', 250],
    ['0.5', 500],
    [0.5, 500],
    ['2', 2000],
    [2, 2000],
    ['.1', 100],
    ['1.2345', 1235], // Kubernetes rounds up to whole millicores
    ['0.0001', 1],
    ['250x', undefined],
    ['m', undefined],
    ['-1', undefined],
    ['1.5m', undefined],
  ];
  for (const [text, expected] of rows)
    it(`${JSON.stringify(text)} → ${expected}`, () => assert.equal(parseCpu(text), expected));
});

describe('parseMemory → bytes', () => {
  const rows: [string | number, number | undefined][] = [
    ['256Mi', 256 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['512M', 512e6],
    ['1k', 1000],
    ['1Ki', 1024],
    ['1.5Gi', 1.5 * 2 ** 30],
    [1048576, 1048576],
    ['1048576', 1048576],
    ['512m', undefined], // milli-bytes: a typo for Mi
    ['1GB', undefined],
    ['1gi', undefined],
    ['Mi', undefined],
  ];
  for (const [text, expected] of rows)
    it(`${JSON.stringify(text)} → ${expected}`, () => assert.equal(parseMemory(text), expected));
});

describe('parseIntOrPercent', () => {
  it('reads counts and percentages', () => {
    assert.deepEqual(parseIntOrPercent(1), { kind: 'count', value: 1 });
    assert.deepEqual(parseIntOrPercent('25%'), { kind: 'percent', value: 25 });
    assert.equal(parseIntOrPercent('25'), undefined);
    assert.equal(parseIntOrPercent(1.5), undefined);
    assert.equal(parseIntOrPercent(-1), undefined);
  });
});

describe('formatting round-trips', () => {
  it('formats CPU, memory and durations as Kubernetes prints them', () => {
    assert.equal(formatCpu(250), '250m');
    assert.equal(formatCpu(2000), '2');
    assert.equal(formatMemory(256 * 2 ** 20), '256Mi');
    assert.equal(formatMemory(2 ** 30), '1Gi');
    assert.equal(formatMemory(1000), '1000');
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(500), '500ms');
    assert.equal(formatDuration(0), '0s');
    for (const text of ['30s', '1h', '2m5s', '750ms'])
      assert.equal(formatDuration(parseDuration(text)!), text);
  });
});
