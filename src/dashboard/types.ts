/// <reference lib="dom" />
/**
 * What the page receives, as the daemon defines it. Type-only imports: esbuild drops them,
 * so the bundle carries none of the daemon's code, yet a change to the daemon's shapes
 * breaks the type-check here first.
 */

import type { ServiceStatus } from '../daemon/status.ts';
import type { EventRecord } from '../local/store.ts';
import type { ReleaseState } from '../rollout/state.ts';

/** One second of `event: metrics` (and `event: history`): the daemon's own type. */
export type { MetricsPoint, VersionPoint } from '../daemon/dashboard/metrics-point.ts';
export type { DaemonStatus, ServiceStatus } from '../daemon/status.ts';
export type { EventRecord } from '../local/store.ts';
export type { Measurement, Verdict } from '../rollout/analysis.ts';

/** `GET /v1/services/:service/rollout`: the latest release (steps and how it is judged, named) and the versions. */
export interface Rollout {
  release: (ReleaseState & { steps: string[]; analysis: string }) | null;
  versions: ServiceStatus['versions'];
}

export type ReleaseView = NonNullable<Rollout['release']>;

export type { ReleaseState };
export type Event = EventRecord;
