/**
 * The daemon as a home of the release manager (src/rollout/manager.ts): the manager over the
 * local platform and SQLite, the API's words for what it refuses, what a deploy request may
 * change in a revision, and which version `gantry up` starts after a `gantry down`.
 */
import { LocalReleaseStore } from '../local/release-store.ts';
import type { Store } from '../local/store.ts';
import { LOAD_BALANCER_QUERIES } from '../metrics/promql.ts';
import { metricSourceFor } from '../metrics/source.ts';
import { sendCheck } from '../platform/http-check.ts';
import type { Platform } from '../platform/platform.ts';
import { loadTester } from '../rollout/load-test.ts';
import { type NewRelease, ReleaseManager, ReleaseRefused } from '../rollout/manager.ts';
import { analysedLabel, type ReleaseState, type Strategy } from '../rollout/state.ts';
import type { ServiceModel } from '../spec/model.ts';
import { HttpError } from './api.ts';

export interface DeployRequest {
  version: string;
  run?: string;
  image?: string;
  env?: Record<string, string>;
  strategy?: Exclude<Strategy, 'rollback'>;
}

type RecordEvent = (service: string, type: 'Normal' | 'Warning', reason: string, message: string) => void;

export function localReleases(store: Store, platform: Platform, record: RecordEvent): ReleaseManager {
  return new ReleaseManager({
    store: new LocalReleaseStore(store),
    platform: () => platform,
    event: record,
    // provider: prometheus queries the load balancer's series by default (what /metrics exports).
    metricSource: (analysis) => metricSourceFor(analysis, LOAD_BALANCER_QUERIES),
    startLoadTest: loadTester(sendCheck),
    sendCheck,
    tickMs: 250,
  });
}

/** A deploy request as the manager takes it: the serving revision with the request's changes. */
export function newRelease(request: DeployRequest): NewRelease {
  return {
    version: request.version,
    ...(request.strategy ? { strategy: request.strategy } : {}),
    revise(base) {
      if (!base) throw new ReleaseRefused('not-found', 'no revision of the serving version to start from');
      return {
        ...base,
        ...(request.run ? { run: request.run } : {}),
        ...(request.image ? { image: request.image } : {}),
        env: { ...base.env, ...request.env },
      };
    },
  };
}

/** The manager's refusals as the API answers them (400, 404, 409), its other errors as they are. */
export async function answer<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ReleaseRefused)
      throw new HttpError({ invalid: 400, 'not-found': 404, conflict: 409 }[error.kind], error.message);
    throw error;
  }
}

/** The latest release for `GET …/rollout`: its steps named, and how it is judged in words. */
export async function describeRelease(
  manager: ReleaseManager,
  service: string,
): Promise<(ReleaseState & { steps: string[]; analysis: string }) | null> {
  const release = await manager.describe(service);
  return release ? { ...release, analysis: analysedLabel(release) } : null;
}

/**
 * What `gantry up` runs of a service that runs nothing (a first start, or after `gantry down`):
 * the version last released, as it was released, as `gantry apply` keeps what a release owns on
 * a cluster. Unless the spec's own version changed since the last `up`: that is a new intent.
 */
export async function versionToStart(
  store: Store,
  manager: ReleaseManager,
  service: ServiceModel,
  specVersion: string,
): Promise<{ version: string; restored?: ReleaseState }> {
  const key = `spec-version:${service.name}`;
  const before = store.meta<string>(key);
  store.setMeta(key, specVersion);
  const last = (await manager.history(service.name)).findLast((release) => release.status === 'succeeded');
  if (before !== specVersion || !last || last.version === specVersion) return { version: specVersion };
  return { version: last.version, restored: last };
}
