/**
 * The revisions of a service on a cluster: the release annotation holds the current release and
 * the last HISTORY_LIMIT that ended before it, so `gantry history --env` can list them and
 * `gantry rollback --env` can find the version that ran before (src/rollout/history.ts) — with no
 * store but the cluster. Pure: releases in, releases out.
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
