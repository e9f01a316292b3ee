/**
 * What the local controller should do next for one service: which replicas to create and
 * which to stop, given the desired replicas per version and the replicas that exist.
 * Pure: the controller feeds it the current picture every time something changes.
 *
 * - A version no longer desired loses all its replicas.
 * - Too few replicas of a version → create; too many → stop, not-ready first, then newest.
 * - Replicas of an older generation (a `gantry restart`) are replaced in a rolling way:
 *   at most desired + surge replicas exist, and ready replicas never drop below
 *   desired − unavailable (Kubernetes' fenceposts, see rollout/surge.ts).
 */
import type { Fenceposts } from '../rollout/surge.ts';

export interface PlanReplica {
  id: string;
  version: string;
  generation: number;
  index: number;
  ready: boolean;
}

export interface PlanVersion {
  version: string;
  replicas: number;
  generation: number;
}

export interface Plan {
  create: { version: string; generation: number; count: number }[];
  stop: string[];
}

/** Stop order: not-ready before ready, then the newest (highest index) first. */
const stopOrder = (a: PlanReplica, b: PlanReplica) => Number(a.ready) - Number(b.ready) || b.index - a.index;

export function planReplicas(
  desired: readonly PlanVersion[],
  live: readonly PlanReplica[],
  fenceposts: (desired: number) => Fenceposts,
): Plan {
  const plan: Plan = { create: [], stop: [] };
  const wanted = new Map(desired.map((d) => [d.version, d]));
  for (const replica of live) if (!wanted.has(replica.version)) plan.stop.push(replica.id);

  for (const target of desired) {
    const mine = live.filter((r) => r.version === target.version);
    const current = mine.filter((r) => r.generation === target.generation);
    const outdated = mine.filter((r) => r.generation !== target.generation);

    if (outdated.length === 0) {
      if (current.length < target.replicas)
        plan.create.push({ ...target, count: target.replicas - current.length });
      plan.stop.push(
        ...[...current]
          .sort(stopOrder)
          .slice(0, Math.max(0, current.length - target.replicas))
          .map((r) => r.id),
      );
      continue;
    }

    const { surge, unavailable } = fenceposts(target.replicas);
    const room = target.replicas + surge - mine.length;
    const toCreate = Math.min(target.replicas - current.length, room);
    if (toCreate > 0) plan.create.push({ ...target, count: toCreate });

    // Old replicas that are not ready carry no traffic: replace them first, freely.
    const byOrder = [...outdated].sort(stopOrder);
    let ready = mine.filter((r) => r.ready).length;
    const minReady = target.replicas - unavailable;
    for (const replica of byOrder) {
      if (replica.ready) {
        if (ready - 1 < minReady) break;
        ready--;
      }
      plan.stop.push(replica.id);
    }
  }
  return plan;
}
