/**
 * The bake, the last phase of every strategy: the new version takes all traffic while the
 * previous one is still up (canary: stable at full size; blue-green: the old colour; rolling:
 * its revision, brought back on a failure), and the runner measures it every interval. It
 * succeeds after `bakeMeasurements` passing measurements; a failure rolls back (routing first,
 * so traffic is back at once where the previous version still runs).
 *
 * A promote during the bake ends it; one carried from before (`promote --full` at an earlier
 * step) does not: `--full` skips steps, never the last measurement. A person who accepted the
 * version without analysis (promote while it waited for data) skips it.
 */
import { type DecideInput, type Decision, succeed } from './decision.ts';
import { bakeMeasurements } from './steps.ts';

export function decideBake(
  input: DecideInput,
  /** Replicas per version to hold during the bake (the previous version's included). */
  replicas: Record<string, number>,
  /** The message when it ends well. */
  succeeded: string,
): Decision {
  const { spec, now } = input;
  let state = input.state;
  const needed = bakeMeasurements(spec.release);
  if (!state.baking)
    state = { ...state, baking: true, promote: state.promote === 'full' ? 'none' : state.promote };
  if (needed === 0 || state.acceptedUnmeasured) return succeed({ ...input, state }, succeeded);
  if (state.promote !== 'none') {
    // Cut short by a person before any measurement passed: the version was not measured at 100 %.
    const unmeasured = state.gate.passed === 0 ? { acceptedUnmeasured: true } : {};
    return succeed({ ...input, state: { ...state, ...unmeasured } }, `${succeeded} (bake ended by promote)`);
  }
  if (state.gate.passed >= needed)
    return succeed({ ...input, state }, `${succeeded}; passed the bake (${needed} at 100 %)`);
  const message = `bake: measuring ${state.version} at 100 % (${state.gate.passed}/${needed} passed)`;
  return {
    replicas,
    weights: { [state.version]: 100 },
    gate: { previewOnly: false },
    background: true,
    state: {
      ...state,
      lastProgressAt: now,
      message: state.waitingForData ? state.message : message,
    },
  };
}
