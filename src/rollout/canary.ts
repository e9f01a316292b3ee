/**
 * Canary: the new version runs beside the stable one and takes a growing share of
 * traffic, step by step: `weight` (route that %), `pause` (a duration, or until
 * `gantry promote`), `analysis` (a gate), then the bake at 100 % (bake.ts). The steps are
 * the spec's or the default ones, every weight gated by analysis (steps.ts). The canary is
 * sized to its weight:
 *   canaryReplicas = max(1, ceil(replicas × weight / 100))
 * e.g. 3 replicas at weight 10 → 1 canary replica taking exactly 10 % of requests (the
 * load balancer splits by weight, not by replica count). Stable keeps its full size
 * until the end, so a rollback is a routing change, not a wait.
 */
import { decideBake } from './bake.ts';
import {
  advance,
  type DecideInput,
  type Decision,
  noteReady,
  pastDeadline,
  readyOf,
  rollback,
} from './decision.ts';
import { canarySteps } from './steps.ts';

export function canaryReplicas(replicas: number, weight: number): number {
  return Math.max(1, Math.ceil((replicas * weight) / 100));
}

/** The weight in force at step `index`: the last weight step at or before it (0 before any). */
export function weightAt(steps: readonly { weight?: number | undefined }[], index: number): number {
  let weight = 0;
  for (let i = 0; i <= Math.min(index, steps.length - 1); i++) weight = steps[i]!.weight ?? weight;
  return weight;
}

export function decideCanary(input: DecideInput): Decision {
  const { spec, observed, now } = input;
  const steps = canarySteps(spec.release);
  const { version, stable, replicas } = input.state;
  const ready = readyOf(observed, version);
  let state = noteReady(input.state, ready, now);
  if (state.promote === 'full' && state.step < steps.length)
    state = { ...state, step: steps.length, message: 'promoted in full' };
  if (state.step >= steps.length) {
    // Full size first, then all traffic: never 100 % on a version that is only partly ready.
    if (ready >= replicas)
      return decideBake(
        { ...input, state },
        { [version]: replicas, [stable]: replicas },
        `promoted: ${version} takes 100 % of traffic`,
      );
    if (pastDeadline({ ...input, state }))
      return rollback(
        input,
        `${version} not ready within progressDeadlineSeconds (${ready}/${replicas} ready)`,
      );
    return {
      replicas: { [version]: replicas, [stable]: replicas },
      background: ready > 0,
      state: {
        ...state,
        message: `promoting: waiting for ${replicas - ready} ${version} replica(s) to be ready`,
      },
    };
  }

  const step = steps[state.step]!;
  const weight = weightAt(steps, state.step);
  const size = weight >= 100 ? replicas : canaryReplicas(replicas, weight);
  // A weight step moves traffic once the canary has its new size; until then the last weight holds.
  const applied = step.weight !== undefined && ready < size ? weightAt(steps, state.step - 1) : weight;
  const base = {
    replicas: { [version]: size, [stable]: replicas },
    weights: ready > 0 && applied > 0 ? { [version]: applied, [stable]: 100 - applied } : { [stable]: 100 },
    background: ready > 0 && applied > 0,
  };
  const position = `step ${state.step + 1}/${steps.length}`;

  // Smoke checks first, against the canary alone, before it takes any traffic.
  if (spec.release.smoke?.length && !state.smokePassed) {
    const hold = { replicas: base.replicas, weights: { [stable]: 100 } };
    if (ready > 0)
      return {
        ...hold,
        smoke: true,
        state: { ...state, message: `smoke checks against the ${version} canary` },
      };
    if (pastDeadline({ ...input, state }))
      return rollback(input, `${version} not ready within progressDeadlineSeconds`);
    return { ...hold, state: { ...state, message: `waiting for the first ${version} replica` } };
  }

  if (step.weight !== undefined) {
    if (ready >= size)
      return {
        ...base,
        weights: { [version]: weight, [stable]: 100 - weight },
        background: true,
        state: advance(state, now, `${position}: ${version} at ${weight} % (${ready} ready)`),
      };
    if (pastDeadline({ ...input, state }))
      return rollback(input, `${version} not ready within progressDeadlineSeconds (${ready}/${size} ready)`);
    return {
      ...base,
      state: {
        ...state,
        message: `${position}: waiting for ${size - ready} ${version} replica(s) to be ready`,
      },
    };
  }

  if (step.pause !== undefined) {
    const { durationMs } = step.pause;
    const promoted = state.promote !== 'none';
    if (promoted || (durationMs !== null && now >= state.stepStartedAt + durationMs))
      return { ...base, state: { ...advance(state, now, `${position}: pause over`), status: 'progressing' } };
    const message =
      durationMs === null
        ? `${position}: paused at ${weight} % until \`gantry promote ${state.service}\``
        : `${position}: pausing ${Math.ceil((state.stepStartedAt + durationMs - now) / 1000)} s more at ${weight} %`;
    // An indefinite pause keeps the clock of progress still: waiting for a person is not a stall.
    return {
      ...base,
      state: {
        ...state,
        status: durationMs === null ? 'paused' : 'progressing',
        lastProgressAt: now,
        message,
      },
    };
  }

  // An analysis step: the runner measures; passing `count` times advances.
  if (state.promote !== 'none')
    return {
      ...base,
      state: {
        ...advance(state, now, `${position}: analysis skipped by promote`),
        status: 'progressing',
        waitingForData: false,
      },
    };
  const count = step.analysis?.count ?? spec.release.analysis?.count ?? 1;
  if (state.gate.passed >= count)
    return { ...base, state: advance(state, now, `${position}: analysis passed`) };
  return {
    ...base,
    gate: { previewOnly: false },
    state: {
      ...state,
      lastProgressAt: now,
      message:
        state.waitingForData || state.message.startsWith(position)
          ? state.message
          : `${position}: analysing ${version}`,
    },
  };
}
