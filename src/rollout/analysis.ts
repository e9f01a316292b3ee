/**
 * Analysis verdicts, kept apart as the best tools keep them:
 *   failed       a threshold was missed (success rate below, latency above)
 *   inconclusive too few requests to judge: the release waits, it never promotes blindly
 *   error        the measurement could not be taken at all
 *   passed       every threshold met on enough requests
 * Pure: a measurement in, a verdict (with the one-line reason users read) out; and the
 * running tally that decides when a run of measurements fails a release.
 */
import type { VersionMetrics } from '../platform/platform.ts';
import type { EffectiveAnalysis } from '../spec/model.ts';

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
}

const pct = (value: number) => `${(value * 100).toFixed(value > 0.999 && value < 1 ? 2 : 1)}%`;

export function judge(
  version: string,
  metrics: VersionMetrics | Error,
  thresholds: EffectiveAnalysis,
  at: number,
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
  };
  if (metrics.requests < thresholds.minRequests)
    return {
      ...base,
      verdict: 'inconclusive',
      summary: `${metrics.requests} requests < minRequests ${thresholds.minRequests}: too few to judge`,
    };
  const misses: string[] = [];
  if (metrics.successRate !== null && metrics.successRate < thresholds.successRate)
    misses.push(`success rate ${pct(metrics.successRate)} < ${pct(thresholds.successRate)}`);
  if (metrics.latencyP95Ms !== null && metrics.latencyP95Ms > thresholds.latencyP95Ms)
    misses.push(`p95 ${Math.round(metrics.latencyP95Ms)}ms > ${thresholds.latencyP95Ms}ms`);
  if (
    thresholds.latencyP99Ms !== undefined &&
    metrics.latencyP99Ms !== null &&
    metrics.latencyP99Ms > thresholds.latencyP99Ms
  )
    misses.push(`p99 ${Math.round(metrics.latencyP99Ms)}ms > ${thresholds.latencyP99Ms}ms`);
  if (misses.length > 0)
    return { ...base, verdict: 'failed', summary: `${misses.join(', ')} (${metrics.requests} requests)` };
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

export type TallyOutcome = 'continue' | 'fail' | 'stuck';

/**
 * Adds a measurement. `fail` once failures exceed failureLimit or errors in a row exceed
 * consecutiveErrorLimit; `stuck` once inconclusive in a row reach inconclusiveLimit (the
 * release then pauses for a person: silence is never success).
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
  if (thresholds.inconclusiveLimit > 0 && next.consecutiveInconclusive >= thresholds.inconclusiveLimit)
    return { tally: next, outcome: 'stuck' };
  return { tally: next, outcome: 'continue' };
}
