/**
 * Where `gantry rollback` goes, locally and on a cluster alike, from a service's releases (oldest
 * first). Pure: releases in, a version out.
 */
import type { ReleaseState } from './state.ts';

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
  if (!last) return { ok: false, problem: 'no release yet' };
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
