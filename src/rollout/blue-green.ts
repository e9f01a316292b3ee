/**
 * Blue-green: bring up the new colour at full size beside the old one, check it through
 * its preview URL (smoke checks, optional pre-promotion analysis), switch all traffic at
 * once (on promote when autoPromotion is off), then bake it under real traffic with the old
 * colour still up (bake.ts), and keep the old colour for scaleDownDelaySeconds after that,
 * so switching back is instant throughout.
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
import { BLUE_GREEN_PHASES } from './steps.ts';

export function decideBlueGreen(input: DecideInput): Decision {
  const { spec, observed, now } = input;
  const release = spec.release;
  let state = input.state;
  const { version, stable, replicas } = state;
  const both = { [version]: replicas, [stable]: replicas };
  const before = { replicas: both, weights: { [stable]: 100 } };
  const after = { replicas: both, weights: { [version]: 100 }, background: true };
  const phase = BLUE_GREEN_PHASES[state.step];

  switch (phase) {
    case 'scale-up': {
      const ready = readyOf(observed, version);
      state = noteReady(state, ready, now);
      if (ready >= replicas)
        return { ...before, state: advance(state, now, `${version} ready at full size (${ready})`) };
      if (pastDeadline(input))
        return rollback(
          input,
          `${version} not ready within progressDeadlineSeconds (${ready}/${replicas} ready)`,
        );
      return {
        ...before,
        state: { ...state, message: `bringing up ${version}: ${ready}/${replicas} ready` },
      };
    }
    case 'smoke':
      if (!release.smoke || release.smoke.length === 0)
        return { ...before, state: advance(state, now, 'no smoke checks') };
      return {
        ...before,
        smoke: true,
        state: { ...state, message: `smoke checks against the ${version} preview` },
      };
    case 'pre-promotion analysis':
      if (
        !release.prePromotionAnalysis ||
        state.promote !== 'none' ||
        state.gate.passed >= (release.analysis?.count ?? 1)
      )
        return {
          ...before,
          state: { ...advance(state, now, 'ready to switch'), status: 'progressing', waitingForData: false },
        };
      return {
        ...before,
        gate: { previewOnly: true },
        state: {
          ...state,
          lastProgressAt: now,
          message: state.status === 'paused' ? state.message : `analysing the ${version} preview`,
        },
      };
    case 'promotion':
      if (release.autoPromotion || state.promote !== 'none')
        return {
          ...after,
          state: { ...advance(state, now, `switched all traffic to ${version}`), status: 'progressing' },
        };
      state = {
        ...state,
        status: 'paused',
        lastProgressAt: now,
        message: `${version} is ready: switch traffic with \`gantry promote ${state.service}\``,
      };
      return { ...before, state };
    default:
      return decideBake(
        input,
        both,
        `${version} takes all traffic; ${stable} kept ${release.scaleDownDelaySeconds}s for an instant rollback`,
      );
  }
}
