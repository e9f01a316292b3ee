/**
 * The revisions of a service on a cluster: the release annotation holds the current release and
 * the last HISTORY_LIMIT that ended before it, so `gantry history --env` can list them and
 * `gantry rollback --env` can find the version that ran before — with no store but the cluster.
 * Pure: releases in, releases out.
 */
import type { ReleaseState } from '../../rollout/state.ts';
import type { ClusterRelease } from './release-annotation.ts';

/** Annotations share 256 KiB per object; ten releases without their measurements take a few KiB. */
export const HISTORY_LIMIT = 10;

/** The history a new release carries: the previous one's history plus the previous release itself. */
export function historyAfter(previous: ClusterRelease | undefined): ReleaseState[] {
  if (!previous) return [];
  const ended = { ...previous.state, measurements: [] };
  return [...(previous.history ?? []), ended].slice(-HISTORY_LIMIT);
}

/** Every revision the annotation knows, oldest first (the same shape as the local `gantry history`). */
export function revisions(release: ClusterRelease | undefined): ReleaseState[] {
  if (!release) return [];
  return [...(release.history ?? []), release.state];
}

/** The version the service runs once a release has ended: the new one if it succeeded, else the old one. */
export function runningVersion(state: ReleaseState): string {
  return state.status === 'succeeded' ? state.version : state.stable;
}

export type RollbackTarget = { ok: true; version: string; revision: number } | { ok: false; problem: string };

/**
 * Where `gantry rollback` goes. With a revision: that revision's version. Without: the version
 * that ran before the running one — the `stable` of the newest succeeded release that brought the
 * running version in (as `kubectl rollout undo`, a second rollback undoes the first).
 */
export function rollbackTarget(all: readonly ReleaseState[], toRevision?: number): RollbackTarget {
  const last = all[all.length - 1];
  if (!last) return { ok: false, problem: 'no release on the cluster yet' };
  const running = runningVersion(last);
  if (toRevision !== undefined) {
    const chosen = all.find((r) => r.id === toRevision);
    if (!chosen)
      return {
        ok: false,
        problem: `no revision ${toRevision} in the last ${all.length} (revisions ${all.map((r) => r.id).join(', ')})`,
      };
    if (chosen.version === running)
      return { ok: false, problem: `revision ${toRevision} is ${chosen.version}, which already runs` };
    return { ok: true, version: chosen.version, revision: chosen.id };
  }
  const brought = [...all].reverse().find((r) => r.status === 'succeeded' && r.version === running);
  if (brought && brought.stable !== running)
    return { ok: true, version: brought.stable, revision: brought.id };
  return { ok: false, problem: `no earlier version than ${running} in the release history` };
}
