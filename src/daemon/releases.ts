/**
 * Releases in the daemon: starts them (`gantry deploy`), ticks every active one, takes a
 * person's word (promote, abort, rollback) and resumes whatever was in flight when a
 * previous daemon died: the state is in SQLite after every step.
 */

import type { Store } from '../local/store.ts';
import { LOAD_BALANCER_QUERIES } from '../metrics/promql.ts';
import { metricSourceFor } from '../metrics/source.ts';
import type { Platform } from '../platform/platform.ts';
import { startLoadTest } from '../rollout/load-test.ts';
import { ReleaseRunner } from '../rollout/runner.ts';
import {
  analysedLabel,
  isActive,
  type ReleaseState,
  type Strategy,
  startingRelease,
} from '../rollout/state.ts';
import { stepLabels } from '../rollout/steps.ts';
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

const TICK_MS = 250;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,62}$/;

export class ReleaseManager {
  private readonly runners = new Map<string, ReleaseRunner>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly platform: Platform,
    private readonly record: RecordEvent,
    private readonly now: () => number = Date.now,
  ) {}

  /** Picks up releases a previous daemon left in flight, and starts ticking. */
  start(): void {
    for (const state of this.store.releases<ReleaseState>()) {
      const runner = this.runner(state);
      if (runner.live) {
        this.runners.set(state.service, runner);
        if (isActive(state))
          this.record(
            state.service,
            'Normal',
            'ReleaseResumed',
            `resumed release ${state.id} of ${state.version} at: ${state.message}`,
          );
      }
    }
    this.timer = setInterval(() => {
      for (const [service, runner] of this.runners) {
        void runner.tick().then(() => {
          if (!runner.live && this.runners.get(service) === runner) this.runners.delete(service);
        });
      }
    }, TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The first revision of a service (what `gantry up` started), so history begins with it. */
  recordInitial(service: ServiceModel, version: string): void {
    const now = this.now();
    this.store.createRelease(service.name, (id) => ({
      ...startingRelease(
        {
          id,
          service: service.name,
          version,
          stable: version,
          strategy: 'rolling',
          replicas: service.replicas,
        },
        now,
      ),
      status: 'succeeded',
      message: `started ${version} with gantry up`,
      endedAt: now,
    }));
  }

  /**
   * What `gantry up` runs of a service that runs nothing (a first start, or after `gantry down`):
   * the version last released, as it was released, as `gantry apply` keeps what a release owns on
   * a cluster. Unless the spec's own version changed since the last `up`: that is a new intent.
   */
  versionToStart(service: ServiceModel, specVersion: string): { version: string; restored?: ReleaseState } {
    const key = `spec-version:${service.name}`;
    const before = this.store.meta<string>(key);
    this.store.setMeta(key, specVersion);
    const last = this.store
      .releases<ReleaseState>(service.name)
      .findLast((release) => release.status === 'succeeded');
    if (before !== specVersion || !last || last.version === specVersion) return { version: specVersion };
    return { version: last.version, restored: last };
  }

  deploy(service: string, request: DeployRequest): ReleaseState {
    if (!VERSION.test(request.version))
      throw new HttpError(
        400,
        `version must be letters, digits, '.', '_', '+' or '-' (at most 63), got "${request.version}"`,
      );
    const active = this.runners.get(service);
    if (active && isActive(active.state))
      throw new HttpError(
        409,
        `a release of ${service} is in progress (${active.state.version}: ${active.state.message}); wait, or \`gantry abort ${service}\``,
      );
    const stable = this.stableVersion(service);
    if (stable === request.version) throw new HttpError(409, `${service} already runs ${request.version}`);
    const base = this.store.revision<ServiceModel>(service, stable);
    if (!base) throw new HttpError(404, `no revision of ${service} to start from`);
    const revision: ServiceModel = {
      ...base,
      ...(request.run ? { run: request.run } : {}),
      ...(request.image ? { image: request.image } : {}),
      env: { ...base.env, ...request.env },
      release: { ...base.release, ...(request.strategy ? { strategy: request.strategy } : {}) },
    };
    this.store.saveRevision(service, request.version, revision, this.now());
    // What the service runs now; never 0 (a release right after `gantry up` may see a count not
    // yet set), since a release must end with the replicas the service wants.
    const running = this.store.desired(service).find((d) => d.version === stable)?.replicas ?? 0;
    const replicas = running > 0 ? running : Math.max(1, base.replicas);
    return this.begin(
      startingRelease(
        { id: 0, service, version: request.version, stable, strategy: revision.release.strategy, replicas },
        this.now(),
      ),
    );
  }

  /** Back to an earlier revision (the previous one by default): no steps, no analysis. */
  rollbackTo(service: string, revision?: number): ReleaseState {
    const history = this.store.releases<ReleaseState>(service);
    const stable = this.stableVersion(service);
    const target =
      revision === undefined
        ? [...history].reverse().find((r) => r.status === 'succeeded' && r.version !== stable)
        : history.find((r) => r.id === revision);
    if (!target)
      throw new HttpError(
        404,
        revision === undefined
          ? `no earlier revision of ${service} to go back to`
          : `${service} has no revision ${revision}`,
      );
    if (target.version === stable)
      throw new HttpError(409, `${service} already runs ${target.version} (revision ${target.id})`);
    const active = this.runners.get(service);
    if (active && isActive(active.state)) active.request('abort');
    const replicas =
      this.store.desired(service).find((d) => d.version === stable)?.replicas ?? target.replicas;
    return this.begin({
      ...startingRelease(
        { id: 0, service, version: target.version, stable, strategy: 'rollback', replicas },
        this.now(),
      ),
      message: `back to revision ${target.id} (${target.version})`,
    });
  }

  request(service: string, action: 'promote' | 'promote-full' | 'abort'): ReleaseState {
    const runner = this.runners.get(service);
    if (!runner || !isActive(runner.state))
      throw new HttpError(409, `no release of ${service} is in progress`);
    try {
      runner.request(action);
    } catch (error) {
      throw new HttpError(409, (error as Error).message);
    }
    return runner.state;
  }

  /** The latest release, with its steps named for a progress line and how it is judged, in words. */
  current(service: string): (ReleaseState & { steps: string[]; analysis: string }) | null {
    const history = this.store.releases<ReleaseState>(service);
    const state = this.runners.get(service)?.state ?? history[history.length - 1];
    if (!state) return null;
    const spec = this.store.revision<ServiceModel>(service, state.version);
    return {
      ...state,
      steps: spec ? stepLabels(state.strategy, spec.release) : [],
      analysis: analysedLabel(state),
    };
  }

  history(service: string): ReleaseState[] {
    return this.store.releases<ReleaseState>(service);
  }

  /** The version taking the most traffic now. */
  private stableVersion(service: string): string {
    const desired = this.store.desired(service);
    const top = [...desired].sort((a, b) => b.weight - a.weight)[0];
    if (!top) throw new HttpError(404, `service ${service} runs no version`);
    return top.version;
  }

  private begin(draft: ReleaseState): ReleaseState {
    const id = this.store.createRelease(draft.service, (id) => ({ ...draft, id }));
    const state = { ...draft, id };
    const previous = this.runners.get(state.service);
    if (previous && !isActive(previous.state)) void previous.endRetention(state.version);
    this.runners.set(state.service, this.runner(state));
    this.record(
      state.service,
      'Normal',
      'ReleaseStarted',
      `revision ${id}: ${state.strategy} from ${state.stable} to ${state.version}`,
    );
    return state;
  }

  private runner(state: ReleaseState): ReleaseRunner {
    return new ReleaseRunner(state, {
      platform: this.platform,
      specFor: (service, version) => {
        const spec = this.store.revision<ServiceModel>(service, version);
        if (!spec) throw new Error(`no revision ${version} of ${service}`);
        return spec;
      },
      save: (next) => this.store.saveRelease(next),
      event: (next, type, reason, message) =>
        this.record(next.service, type, reason, `[${next.version}] ${message}`),
      now: this.now,
      // provider: prometheus queries the load balancer's series by default (what /metrics exports).
      metricSource: (analysis) => metricSourceFor(analysis, LOAD_BALANCER_QUERIES),
      startLoadTest,
    });
  }
}
