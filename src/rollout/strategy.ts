/** Choosing a strategy is three lines; each strategy is a pure function of (state, spec, observed, now). */
import { decideBlueGreen } from './blue-green.ts';
import { decideCanary } from './canary.ts';
import { type DecideInput, type Decision, pastDeadline, readyOf, rollback, succeed } from './decision.ts';
import { decideRolling } from './rolling.ts';
import { analysisEnabled } from './steps.ts';

/**
 * Back to a revision that was already proven: no steps, no analysis. Instant when its
 * replicas are still retained; otherwise bring them up, then switch.
 */
export function decideRollbackTo(input: DecideInput): Decision {
  const { state, observed } = input;
  const ready = readyOf(observed, state.version);
  if (ready >= state.replicas) return succeed(input, `back on ${state.version}`);
  if (pastDeadline(input))
    return rollback(input, `${state.version} not ready within progressDeadlineSeconds`);
  return {
    state: { ...state, message: `bringing back ${state.version}: ${ready}/${state.replicas} ready` },
    replicas: { [state.version]: state.replicas, [state.stable]: state.replicas },
    weights: { [state.stable]: 100 },
  };
}

export function decide(input: DecideInput): Decision {
  const decision = successOnlyWhenReady(input, decideStrategy(input));
  // Switched off by the user: every surface says so from the first tick, not only at the end.
  if (!analysisEnabled(input.spec.release) && input.state.strategy !== 'rollback')
    return { ...decision, state: { ...decision.state, analysed: 'off' } };
  return decision;
}

function decideStrategy(input: DecideInput): Decision {
  switch (input.state.strategy) {
    case 'canary':
      return decideCanary(input);
    case 'blue-green':
      return decideBlueGreen(input);
    case 'rollback':
      return decideRollbackTo(input);
    default:
      return decideRolling(input);
  }
}

/**
 * The invariant at the end of every release: it never ends `succeeded` with fewer ready
 * replicas of the new version than the service wants (at least one). A strategy that would is
 * held until they are ready, and rolled back at the progress deadline: an outage is never
 * reported as a success.
 */
export function successOnlyWhenReady(input: DecideInput, decision: Decision): Decision {
  if (decision.state.status !== 'succeeded') return decision;
  const { state } = input;
  const wanted = Math.max(1, state.replicas);
  const ready = readyOf(input.observed, state.version);
  if (ready >= wanted) return decision;
  if (pastDeadline(input))
    return rollback(
      input,
      `${state.version} not ready within progressDeadlineSeconds (${ready}/${wanted} ready)`,
    );
  return {
    replicas: { ...decision.replicas, [state.version]: wanted },
    state: {
      ...state,
      message: `waiting for ${wanted - ready} more ${state.version} replica(s) to be ready before it succeeds`,
    },
  };
}
