import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type LoadProfile, loadAt, type ParsedLoad, parseLoadCsv, parseLoadList } from './load-profile.ts';

function points(parsed: ParsedLoad): [number, number][] {
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.profile.points.map((p) => [p.seconds, p.rps]);
}

function problems(parsed: ParsedLoad): string[] {
  assert.equal(parsed.ok, false, 'expected problems');
  return parsed.ok
    ? []
    : parsed.problems.map(
        (p) => `${p.file}:${p.line}:${p.column} ${p.path}: ${p.message}${p.hint ? ` (hint: ${p.hint})` : ''}`,
      );
}

describe('parseLoadList', () => {
  it('reads time:rps pairs; times in seconds or as durations; spaces allowed', () => {
    assert.deepEqual(points(parseLoadList('0:100,600:2000,1200:300')), [
      [0, 100],
      [600, 2000],
      [1200, 300],
    ]);
    assert.deepEqual(points(parseLoadList('0:100, 1m30s:2000 ,20m:12.5')), [
      [0, 100],
      [90, 2000],
      [1200, 12.5],
    ]);
    assert.deepEqual(points(parseLoadList('90:5')), [[90, 5]]);
  });

  it('names the item and its column for each bad entry, all at once', () => {
    assert.deepEqual(problems(parseLoadList('0:100,600:lots, x:5,300')), [
      '--load:1:7 item 2 `600:lots`: rps must be a number of requests per second (0 or more), got `lots` (hint: e.g. 2000 or 12.5; no units)',
      '--load:1:17 item 3 `x:5`: time must be seconds or a duration, got `x` (hint: e.g. 600, 10m or 1m30s (from the start of the simulation))',
      '--load:1:21 item 4 `300`: expected time:rps (hint: e.g. 600:2000 (600 s, 2000 requests per second) or 10m:2000)',
    ]);
  });

  it('refuses negative load, empty items, times that go back, and times past a week', () => {
    assert.deepEqual(problems(parseLoadList('0:-5')), [
      '--load:1:1 item 1 `0:-5`: rps must be a number of requests per second (0 or more), got `-5` (hint: e.g. 2000 or 12.5; no units)',
    ]);
    assert.deepEqual(problems(parseLoadList('0:100,,60:5')), [
      '--load:1:7 item 2 ``: empty item (hint: write time:rps pairs separated by commas, e.g. 0:100,600:2000)',
    ]);
    assert.deepEqual(problems(parseLoadList('0:100,600:200,300:50')), [
      '--load:1:15 item 3: time 300 s goes back (the point before is at 600 s) (hint: list the points in time order; repeat a time for a step)',
    ]);
    assert.deepEqual(problems(parseLoadList('0:1,700000:1')), [
      '--load:1:5 item 2 `700000:1`: time 700000 is past the longest simulation, one week (604800 s)',
    ]);
    assert.deepEqual(problems(parseLoadList('')), [
      '--load:1:1 item 1 ``: empty item (hint: write time:rps pairs separated by commas, e.g. 0:100,600:2000)',
    ]);
  });
});

describe('parseLoadCsv', () => {
  it('reads seconds,rps lines; the header, blank lines and # comments are skipped', () => {
    const text = 'seconds,rps\n# warm-up\n0,100\n\n600, 2000  # the sale starts\n1200,300\n';
    assert.deepEqual(points(parseLoadCsv(text, 'load.csv')), [
      [0, 100],
      [600, 2000],
      [1200, 300],
    ]);
    assert.deepEqual(points(parseLoadCsv('0,1\r\n60,2\r\n', 'load.csv')), [
      [0, 1],
      [60, 2],
    ]);
  });

  it('names the file, line, column and field of every bad value', () => {
    const text = 'seconds,rps\n0,100\n60,fast\n1 minute,50\n120,5,extra\n';
    assert.deepEqual(problems(parseLoadCsv(text, 'load.csv')), [
      'load.csv:3:4 rps: rps must be a number of requests per second (0 or more), got `fast` (hint: e.g. 2000 or 12.5; no units)',
      'load.csv:4:1 seconds: time must be seconds or a duration, got `1 minute` (hint: e.g. 600, 10m or 1m30s (from the start of the simulation))',
      'load.csv:5:1 line 5: expected two fields, seconds,rps; got 3 (hint: one point a line, e.g. 600,2000 (at 600 s, 2000 requests per second))',
    ]);
  });

  it('a first line of numbers is data, not a header; one with a bad number is an error, not a header', () => {
    assert.deepEqual(points(parseLoadCsv('0,100\n60,200\n', 'load.csv')), [
      [0, 100],
      [60, 200],
    ]);
    assert.deepEqual(problems(parseLoadCsv('ten,100\n', 'load.csv')), [
      'load.csv:1:1 seconds: time must be seconds or a duration, got `ten` (hint: e.g. 600, 10m or 1m30s (from the start of the simulation))',
    ]);
  });

  it('points out of order name the line; an empty file says what to write', () => {
    assert.deepEqual(problems(parseLoadCsv('0,1\n60,2\n30,3\n', 'load.csv')), [
      'load.csv:3:1 line 3: time 30 s goes back (the point before is at 60 s) (hint: list the points in time order; repeat a time for a step)',
    ]);
    assert.deepEqual(problems(parseLoadCsv('seconds,rps\n', 'load.csv')), [
      'load.csv:1:1 line 1: no load points (hint: write one seconds,rps point a line, e.g. 0,100 then 600,2000)',
    ]);
  });
});

describe('loadAt', () => {
  const profile: LoadProfile = {
    points: [
      { seconds: 60, rps: 100 },
      { seconds: 120, rps: 400 },
      { seconds: 180, rps: 400 },
      { seconds: 180, rps: 50 },
    ],
  };
  const cases: [string, number, number][] = [
    ['before the first point: the first value', 0, 100],
    ['at a point', 60, 100],
    ['linear between points: a third of the way', 80, 200],
    ['half way', 90, 250],
    ['flat between equal values', 150, 400],
    ['a step: the later value from its time on', 180, 50],
    ['after the last point: the last value', 10_000, 50],
  ];
  for (const [name, seconds, rps] of cases) it(name, () => assert.equal(loadAt(profile, seconds), rps));
});
