/**
 * Analysis verdicts, kept apart as the best tools keep them:
 *   failed       a threshold was missed (success rate below, latency above)
 *   inconclusive too few requests to judge: the release waits, it never promotes blindly
 *   error        the measurement could not be taken at all
 *   passed       every threshold met on enough requests
 * Pure: a measurement in, a verdict (with the one-line reason users read) out; and the
 * running tally that decides when a run of measurements fails a release.
 */
import type { MetricEvidence, VersionMetrics } from '../platform/platform.ts';
import type { EffectiveAnalysis } from '../spec/model.ts';
import type { LoadTally } from './load-test.ts';

export type Verdict = 'passed' | 'failed' | 'inconclusive' | 'error';

export interface Measurement {
  at: number;
  version: string;
  verdict: Verdict;
  /** One line: which metric, its value, the threshold. */
  summary: string;
  requests: number;
  successRate: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  /** The queries and answers behind the numbers, when a source other than the platform measured. */
  evidence?: MetricEvidence;
}

/** Two decimals, so a miss never rounds to the threshold it missed (98.96 %, not 99.0 %). */
const pct = (value: number) => `${(value * 100).toFixed(2)}%`;
/** Whole milliseconds unless that would hide a miss by a fraction (200.4ms > 200ms). */
const ms = (value: number, limit: number) =>
  `${Math.round(value) === limit && value !== limit ? value.toFixed(1) : Math.round(value)}ms`;

export function judge(
  version: string,
  metrics: VersionMetrics | Error,
  thresholds: EffectiveAnalysis,
  at: number,
  /** What the built-in load tester saw over the same interval, when one ran. */
  load?: LoadTally,
): Measurement {
  if (metrics instanceof Error)
    return {
      at,
      version,
      verdict: 'error',
      summary: `measurement failed: ${metrics.message}`,
      requests: 0,
      successRate: null,
      latencyP95Ms: null,
      latencyP99Ms: null,
    };
  const base = {
    at,
    version,
    requests: metrics.requests,
    successRate: metrics.successRate,
    latencyP95Ms: metrics.latencyP95Ms,
    latencyP99Ms: metrics.latencyP99Ms,
    ...(metrics.evidence ? { evidence: metrics.evidence } : {}),
  };
  if (metrics.requests === 0 || metrics.requests < thresholds.minRequests)
    return {
      ...base,
      verdict: 'inconclusive',
      summary: `${metrics.requests} requests < minRequests ${thresholds.minRequests}: too few to judge`,
    };
  const misses: string[] = [];
  // The load test's own expectations: an answer can be wrong without being a 5xx (a 404, a body).
  if (load && load.sent >= thresholds.minRequests) {
    const rate = (load.sent - load.unexpected) / load.sent;
    if (rate < thresholds.successRate)
      misses.push(
        `load test: ${load.unexpected} of ${load.sent} answers unexpected (${load.example ?? 'no answer'})`,
      );
  }
  if (metrics.successRate !== null && metrics.successRate < thresholds.successRate)
    misses.push(`success rate ${pct(metrics.successRate)} < ${pct(thresholds.successRate)}`);
  if (metrics.latencyP95Ms !== null && metrics.latencyP95Ms > thresholds.latencyP95Ms)
    misses.push(`p95 ${ms(metrics.latencyP95Ms, thresholds.latencyP95Ms)} > ${thresholds.latencyP95Ms}ms`);
  if (
    thresholds.latencyP99Ms !== undefined &&
    metrics.latencyP99Ms !== null &&
    metrics.latencyP99Ms > thresholds.latencyP99Ms
  )
    misses.push(`p99 ${ms(metrics.latencyP99Ms, thresholds.latencyP99Ms)} > ${thresholds.latencyP99Ms}ms`);
  if (misses.length > 0)
    return { ...base, verdict: 'failed', summary: `${misses.join(', ')} (${metrics.requests} requests)` };
  // Requests but no rate or p95 (a source answered NaN or nothing): what was not measured never passes.
  const missing = [metrics.successRate === null && 'success rate', metrics.latencyP95Ms === null && 'p95'];
  if (missing.some(Boolean))
    return {
      ...base,
      verdict: 'inconclusive',
      summary: `no data for ${missing.filter(Boolean).join(' and ')} (${metrics.requests} requests): cannot judge`,
    };
  const p95 = metrics.latencyP95Ms === null ? '-' : `${Math.round(metrics.latencyP95Ms)}ms`;
  return {
    ...base,
    verdict: 'passed',
    summary: `success rate ${pct(metrics.successRate ?? 1)} ≥ ${pct(thresholds.successRate)}, p95 ${p95} ≤ ${thresholds.latencyP95Ms}ms (${metrics.requests} requests)`,
  };
}

/** Counts across a run of measurements (a gate, or background analysis). */
export interface Tally {
  passed: number;
  failed: number;
  consecutiveErrors: number;
  consecutiveInconclusive: number;
}

export const EMPTY_TALLY: Tally = { passed: 0, failed: 0, consecutiveErrors: 0, consecutiveInconclusive: 0 };

export type TallyOutcome = 'continue' | 'fail' | 'inconclusive';

/**
 * Adds a measurement. `fail` once failures exceed failureLimit or errors in a row exceed
 * consecutiveErrorLimit; `inconclusive` once measurements that could not judge reach
 * inconclusiveLimit in a row (the release is then rolled back: silence is never success).
 */
export function tally(
  current: Tally,
  measurement: Measurement,
  thresholds: EffectiveAnalysis,
): { tally: Tally; outcome: TallyOutcome } {
  const next: Tally = {
    passed: current.passed + (measurement.verdict === 'passed' ? 1 : 0),
    failed: current.failed + (measurement.verdict === 'failed' ? 1 : 0),
    consecutiveErrors: measurement.verdict === 'error' ? current.consecutiveErrors + 1 : 0,
    consecutiveInconclusive: measurement.verdict === 'inconclusive' ? current.consecutiveInconclusive + 1 : 0,
  };
  if (next.failed > thresholds.failureLimit || next.consecutiveErrors > thresholds.consecutiveErrorLimit)
    return { tally: next, outcome: 'fail' };
  if (next.consecutiveInconclusive >= thresholds.inconclusiveLimit)
    return { tally: next, outcome: 'inconclusive' };
  return { tally: next, outcome: 'continue' };
}

/**
 * The most a success rate can plausibly be, given `successes` of `requests`: the upper end
 * of the Wilson score interval,
 *   (p + z²/2n + z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n),  p = successes / n.
 * With z = 3 (about 99.9 % one-sided) 14 of 20 gives 0.90, 19 of 20 gives 0.995.
 */
export function successUpperBound(successes: number, requests: number, z = 3): number {
  if (requests === 0) return 1;
  const p = successes / requests;
  const z2n = (z * z) / requests;
  return (p + z2n / 2 + z * Math.sqrt((p * (1 - p)) / requests + z2n / (4 * requests))) / (1 + z2n);
}

/**
 * Fail fast on overwhelming evidence: between regular measurements, a version whose
 * success rate is below the threshold even at the top of its confidence interval is
 * failed at once, so a bad canary costs fractions of a second of traffic, not a whole
 * interval. One bad request among a few never triggers it (19 of 20 stays above 0.99).
 */
export function clearlyFailing(
  version: string,
  metrics: VersionMetrics,
  thresholds: EffectiveAnalysis,
  at: number,
): Measurement | null {
  if (metrics.requests === 0 || metrics.requests < thresholds.minRequests) return null;
  const bound = successUpperBound(metrics.requests - metrics.errors, metrics.requests);
  if (bound >= thresholds.successRate) return null;
  return {
    ...judge(version, metrics, thresholds, at),
    verdict: 'failed',
    summary: `success rate ${pct((metrics.requests - metrics.errors) / metrics.requests)} < ${pct(thresholds.successRate)} (at most ${pct(bound)} with 99.9 % confidence, ${metrics.requests} requests)`,
  };
}
