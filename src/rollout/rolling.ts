/**
 * Rolling: replace the stable version's replicas with the new version's within
 * Kubernetes' fenceposts (surge.ts): at most replicas + surge exist, at least
 * replicas − unavailable are ready. Traffic follows the ready replicas, as a Kubernetes
 * Service spreads over ready pods. No progress for progressDeadlineSeconds → rollback.
 * Once every replica runs the new version, the bake (bake.ts) measures it at 100 %; its
 * previous revision is kept, and a failure brings it back (the failed version keeps serving
 * until it is ready: decision.ts rollback).
 *   newTarget = min(replicas, newDesired + (replicas + surge − (oldDesired + newDesired)))
 *   oldTarget = oldDesired − (old not ready) − max(0, ready − (replicas − unavailable))
 */
import { decideBake } from './bake.ts';
import {
  advance,
  type DecideInput,
  type Decision,
  desiredOf,
  pastDeadline,
  readyOf,
  rollback,
} from './decision.ts';
import { resolveFenceposts } from './surge.ts';

export function decideRolling(input: DecideInput): Decision {
  const { spec, observed, now, state } = input;
  const { version, stable, replicas } = state;
  const { surge, unavailable } = resolveFenceposts(
    replicas,
    spec.release.maxSurge,
    spec.release.maxUnavailable,
  );
  const oldDesired = desiredOf(observed, stable);
  const newDesired = desiredOf(observed, version);
  const oldReady = readyOf(observed, stable);
  const newReady = readyOf(observed, version);

  if (state.step > 0 || (newReady >= replicas && oldDesired === 0)) {
    const bake = state.step > 0 ? input : { ...input, state: advance(state, now, `${version} rolled out`) };
    return decideBake(bake, { [version]: replicas }, `${version}: all ${replicas} replicas ready`);
  }

  const newTarget = Math.min(
    replicas,
    newDesired + Math.max(0, replicas + surge - (oldDesired + newDesired)),
  );
  const oldUnready = Math.max(0, oldDesired - oldReady);
  const removable = Math.max(0, oldReady + newReady - (replicas - unavailable));
  const oldTarget = Math.max(0, oldDesired - oldUnready - removable);
  const progressed = newTarget > newDesired || oldTarget < oldDesired;
  const next = { ...state, lastProgressAt: progressed ? now : state.lastProgressAt };
  if (!progressed && pastDeadline({ ...input, state: next }))
    return rollback(
      input,
      `progress deadline exceeded: ${newReady}/${replicas} ${version} replicas ready after ${spec.release.progressDeadlineSeconds}s`,
    );

  const totalReady = oldReady + newReady;
  return {
    state: { ...next, message: `${version} ${newReady}/${replicas} ready, ${stable} ${oldTarget} left` },
    replicas: { [version]: newTarget, [stable]: oldTarget },
    weights:
      totalReady === 0
        ? { [stable]: 100 }
        : { [version]: (100 * newReady) / totalReady, [stable]: (100 * oldReady) / totalReady },
    background: newReady > 0,
  };
}
