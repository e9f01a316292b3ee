/**
 * A load profile for `gantry simulate`: requests per second over time, given as points and
 * linear between them.
 *
 *   inline list   0:100,600:2000,1200:300       (time:rps, comma-separated)
 *   CSV file      seconds,rps                   (one point a line; header, blank lines and # comments skipped)
 *
 * Times are seconds (`600`) or durations (`10m`, `1m30s`); they may not go back, and a time
 * given twice is a step (`0:100,300:100,300:2000`: 100 rps for five minutes, then 2000 at once).
 * Before the first point the load is the first point's, after the last the last point's.
 *
 * Pure: text in, the profile or every problem found out, each placed at its line and column
 * (for the inline list: line 1 of the list itself) so the CLI prints them like spec problems.
 */
import type { Problem } from '../spec/problem.ts';
import { parseDuration } from '../spec/units.ts';

export interface LoadPoint {
  seconds: number;
  rps: number;
}

/** Sorted by time (never decreasing); at least one point. */
export interface LoadProfile {
  points: LoadPoint[];
}

export type ParsedLoad = { ok: true; profile: LoadProfile } | { ok: false; problems: Problem[] };

/** What a simulation can be asked to cover: one week. */
export const MAX_PROFILE_SECONDS = 7 * 24 * 3600;

/** The label inline-list problems carry as their "file". */
export const INLINE_SOURCE = '--load';

/** `0:100,600:2000,1200:300`. */
export function parseLoadList(text: string): ParsedLoad {
  const problems: Problem[] = [];
  const points: LoadPoint[] = [];
  let offset = 0;
  const items = text.split(',');
  items.forEach((raw, index) => {
    const column = offset + (raw.length - raw.trimStart().length) + 1;
    offset += raw.length + 1;
    const item = raw.trim();
    const at = (message: string, hint?: string) =>
      problems.push(problem(INLINE_SOURCE, 1, column, `item ${index + 1} \`${item}\``, message, hint));
    if (item === '') {
      at('empty item', 'write time:rps pairs separated by commas, e.g. 0:100,600:2000');
      return;
    }
    const parts = item.split(':');
    if (parts.length !== 2) {
      at('expected time:rps', 'e.g. 600:2000 (600 s, 2000 requests per second) or 10m:2000');
      return;
    }
    const point = readPoint(parts[0]!.trim(), parts[1]!.trim(), at);
    if (point) points.push(point);
  });
  return finish(
    points,
    problems,
    (i, message, hint) =>
      problems.push(problem(INLINE_SOURCE, 1, columnOfItem(text, i), `item ${i + 1}`, message, hint)),
    'give at least one time:rps point, e.g. 0:100,600:2000',
  );
}

/** A `seconds,rps` CSV file; `file` is used in problems. */
export function parseLoadCsv(text: string, file: string): ParsedLoad {
  const problems: Problem[] = [];
  const points: LoadPoint[] = [];
  const lineOfPoint: number[] = [];
  let sawData = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(/#.*$/, '');
    if (content.trim() === '') return;
    const fields = content.split(',');
    const column = (field: number) =>
      fields.slice(0, field).reduce((sum, f) => sum + f.length + 1, 0) +
      (fields[field]!.length - fields[field]!.trimStart().length) +
      1;
    // A first line of words is the header (`seconds,rps`, `time,load`…).
    if (!sawData && fields.every((field) => /^\s*[A-Za-z_][\w ()/.-]*$/.test(field))) {
      sawData = true;
      return;
    }
    sawData = true;
    if (fields.length !== 2) {
      problems.push(
        problem(
          file,
          line,
          1,
          `line ${line}`,
          `expected two fields, seconds,rps; got ${fields.length}`,
          'one point a line, e.g. 600,2000 (at 600 s, 2000 requests per second)',
        ),
      );
      return;
    }
    const at = (field: number, name: string) => (message: string, hint?: string) =>
      problems.push(problem(file, line, column(field), name, message, hint));
    const seconds = readSeconds(fields[0]!.trim(), at(0, 'seconds'));
    const rps = readRps(fields[1]!.trim(), at(1, 'rps'));
    if (seconds !== undefined && rps !== undefined) {
      points.push({ seconds, rps });
      lineOfPoint.push(line);
    }
  });
  return finish(
    points,
    problems,
    (i, message, hint) =>
      problems.push(problem(file, lineOfPoint[i] ?? 1, 1, `line ${lineOfPoint[i] ?? 1}`, message, hint)),
    'write one seconds,rps point a line, e.g. 0,100 then 600,2000',
  );
}

/** The load at `seconds`: linear between points, held flat before the first and after the last. */
export function loadAt(profile: LoadProfile, seconds: number): number {
  const { points } = profile;
  const first = points[0]!;
  if (seconds <= first.seconds) return first.rps;
  // The last point at or before `seconds` (after a step, its new value).
  let i = 0;
  while (i + 1 < points.length && points[i + 1]!.seconds <= seconds) i++;
  const a = points[i]!;
  const b = points[i + 1];
  if (!b) return a.rps;
  return a.rps + ((b.rps - a.rps) * (seconds - a.seconds)) / (b.seconds - a.seconds);
}

/** The time of the profile's last point. */
export function profileEnd(profile: LoadProfile): number {
  return profile.points[profile.points.length - 1]!.seconds;
}

type Report = (message: string, hint?: string) => void;

function readPoint(time: string, rps: string, at: Report): LoadPoint | undefined {
  const seconds = readSeconds(time, at);
  const value = readRps(rps, at);
  return seconds === undefined || value === undefined ? undefined : { seconds, rps: value };
}

function readSeconds(text: string, at: Report): number | undefined {
  const plain = /^\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
  const duration = plain === undefined ? parseDuration(text) : undefined;
  const seconds = plain ?? (duration === undefined ? undefined : duration / 1000);
  if (seconds === undefined) {
    at(
      `time must be seconds or a duration, got \`${text}\``,
      'e.g. 600, 10m or 1m30s (from the start of the simulation)',
    );
    return undefined;
  }
  if (seconds > MAX_PROFILE_SECONDS) {
    at(`time ${text} is past the longest simulation, one week (${MAX_PROFILE_SECONDS} s)`);
    return undefined;
  }
  return seconds;
}

function readRps(text: string, at: Report): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(text)) {
    at(
      `rps must be a number of requests per second (0 or more), got \`${text}\``,
      'e.g. 2000 or 12.5; no units',
    );
    return undefined;
  }
  return Number(text);
}

function finish(
  points: LoadPoint[],
  problems: Problem[],
  atPoint: (index: number, message: string, hint?: string) => void,
  emptyHint: string,
): ParsedLoad {
  if (problems.length === 0) {
    if (points.length === 0) atPoint(0, 'no load points', emptyHint);
    for (let i = 1; i < points.length; i++)
      if (points[i]!.seconds < points[i - 1]!.seconds)
        atPoint(
          i,
          `time ${points[i]!.seconds} s goes back (the point before is at ${points[i - 1]!.seconds} s)`,
          'list the points in time order; repeat a time for a step',
        );
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, profile: { points } };
}

function columnOfItem(text: string, index: number): number {
  const items = text.split(',');
  const before = items.slice(0, index).reduce((sum, item) => sum + item.length + 1, 0);
  const item = items[index] ?? '';
  return before + (item.length - item.trimStart().length) + 1;
}

function problem(
  file: string,
  line: number,
  column: number,
  path: string,
  message: string,
  hint?: string,
): Problem {
  return { severity: 'error', file, line, column, path, message, ...(hint ? { hint } : {}) };
}
