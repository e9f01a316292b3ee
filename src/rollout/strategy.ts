/** Choosing a strategy is three lines; each strategy is a pure function of (state, spec, observed, now). */
import { decideBlueGreen } from './blue-green.ts';
import { decideCanary } from './canary.ts';
import { type DecideInput, type Decision, pastDeadline, readyOf, rollback, succeed } from './decision.ts';
import { decideRolling } from './rolling.ts';

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
