/**
 * The path every release takes, derived from the spec alone (so a resumed release, the local
 * daemon and a cluster all walk the same one): a release never promotes what it did not measure.
 *
 * - Canary: the spec's steps, or 10 % → 25 % → 50 % → 100 % when it gives none. Before each
 *   weight after the first, the weight in force is analysed unless an analysis step since the
 *   last weight already does, so every weight is held for one analysis interval and passes
 *   before the next, and the last analysis comes before 100 %:
 *     [10, pause 30s, 50, 100] → [10, pause 30s, analysis, 50, analysis, 100]
 * - Every strategy ends with the bake: the new version takes all traffic while the previous one
 *   is still up, and must pass ⌈bakeSeconds / intervalSeconds⌉ measurements (bakeSeconds defaults
 *   to two intervals) before the release succeeds.
 * - `analysis: { enabled: false }` takes all of that away, on the user's explicit word.
 */
import { effectiveAnalysis } from '../spec/model.ts';
import { DEFAULT_CANARY_WEIGHTS, type ReleaseSpec, type StepSpec } from '../spec/schema.ts';
import { formatDuration } from '../spec/units.ts';
import type { Strategy } from './state.ts';

export const analysisEnabled = (release: ReleaseSpec) => release.analysis?.enabled !== false;

/** The canary's steps as the release walks them: the spec's or the default, each weight gated. */
export function canarySteps(release: ReleaseSpec): StepSpec[] {
  const steps =
    release.steps && release.steps.length > 0
      ? release.steps
      : DEFAULT_CANARY_WEIGHTS.map((weight): StepSpec => ({ weight }));
  if (!analysisEnabled(release)) return steps;
  const gated: StepSpec[] = [];
  let seenWeight = false;
  let analysedSinceWeight = false;
  for (const step of steps) {
    if (step.weight !== undefined) {
      if (seenWeight && !analysedSinceWeight) gated.push({ analysis: {} });
      seenWeight = true;
      analysedSinceWeight = false;
    }
    if (step.analysis) analysedSinceWeight = true;
    gated.push(step);
  }
  return gated;
}

/** Passing measurements the bake needs at 100 %: 0 only when analysis is switched off. */
export function bakeMeasurements(release: ReleaseSpec): number {
  if (!analysisEnabled(release)) return 0;
  const { intervalSeconds } = effectiveAnalysis(release.analysis);
  return Math.max(1, Math.ceil((release.bakeSeconds ?? 2 * intervalSeconds) / intervalSeconds));
}

export const BLUE_GREEN_PHASES = [
  'scale-up',
  'smoke',
  'pre-promotion analysis',
  'promotion',
  'bake',
] as const;

export const ROLLING_PHASES = ['roll out', 'bake'] as const;

/** Short names for the steps of a release, as `gantry rollout status` and the dashboard show them. */
export function stepLabels(strategy: Strategy, release: ReleaseSpec): string[] {
  const bake = bakeMeasurements(release) > 0 ? ['bake'] : [];
  if (strategy === 'blue-green')
    return BLUE_GREEN_PHASES.filter((phase) => phase !== 'bake' || bake.length > 0);
  if (strategy === 'rolling') return [ROLLING_PHASES[0], ...bake];
  if (strategy !== 'canary') return [];
  return [
    ...canarySteps(release).map((step) => {
      if (step.weight !== undefined) return `${step.weight}%`;
      if (step.pause)
        return step.pause.durationMs === null
          ? 'pause (promote)'
          : `pause ${formatDuration(step.pause.durationMs)}`;
      return 'analysis';
    }),
    ...bake,
  ];
}
