/**
 * The release manager: one engine for every home. It starts releases, ticks every active one,
 * takes a person's requests (promote, abort) filed in its store from anywhere, goes back to an
 * earlier revision, resumes whatever was in flight when the previous host stopped, and keeps the
 * history. A host gives it two ports: the Platform (what runs) and a ReleaseStore (where releases
 * live) — the local daemon over SQLite, `gantry controller` over the cluster's objects — and ticks
 * it (`start`), or drives one release to its end (`follow`) where nothing else runs it.
 */
import type { MetricSource } from '../metrics/source.ts';
import type { Platform } from '../platform/platform.ts';
import type { EffectiveAnalysis, ServiceModel } from '../spec/model.ts';
import { rollbackTarget } from './history.ts';
import type { StartLoadTest } from './load-test.ts';
import { ReleaseRunner } from './runner.ts';
import type { SendCheck } from './smoke.ts';
import { isActive, type ReleaseDraft, type ReleaseState, type Strategy, startingRelease } from './state.ts';
import { stepLabels } from './steps.ts';

export type ReleaseRequest = 'promote' | 'promote-full' | 'abort';

/** Where releases live. Every call may be remote (a cluster's API), so all are async. */
export interface ReleaseStore {
  /** The services that have releases (the manager resumes their active ones). */
  services(): Promise<string[]>;
  /** Every release of a service the store keeps, oldest first; the newest is the current one. */
  history(service: string): Promise<ReleaseState[]>;
  /** Records a new release under the next revision number, with the spec its version runs, and returns it. */
  create(draft: ReleaseDraft, spec: ServiceModel): Promise<ReleaseState>;
  save(state: ReleaseState): Promise<void>;
  /** The service spec a version runs with (its revision), kept when its release began. */
  revision(service: string, version: string): Promise<ServiceModel | undefined>;
  /** A person's word for the service's release in progress, from any process… */
  fileRequest(service: string, request: ReleaseRequest): Promise<void>;
  /** …taken once by the host that runs it. */
  takeRequest(service: string): Promise<ReleaseRequest | undefined>;
}

/** Why a request cannot be taken, in words for the person who made it. */
export class ReleaseRefused extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

export interface ManagerDeps {
  store: ReleaseStore;
  /** The platform a service's releases run on (a cluster has one per layout and namespace). */
  platform(service: string): Platform | Promise<Platform>;
  event(service: string, type: 'Normal' | 'Warning', reason: string, message: string): void;
  now?: () => number;
  metricSource?(analysis: EffectiveAnalysis, service: string): MetricSource | undefined;
  startLoadTest?: StartLoadTest;
  /** Sends a smoke check's request (the hosts pass src/platform/http-check.ts). */
  sendCheck: SendCheck;
  /** How often `start` ticks active releases (the local daemon 250 ms, a cluster 1 s). */
  tickMs?: number;
  /**
   * False where the host drives each release itself (a cluster: `gantry deploy --env`, the
   * controller), so the manager only starts, requests and lists releases; true by default.
   */
  drives?: boolean;
}

export interface NewRelease {
  version: string;
  /** The spec the new version runs with, from the serving version's (when the store has it). */
  revise(serving: ServiceModel | undefined): ServiceModel;
  strategy?: Exclude<Strategy, 'rollback'>;
  /**
   * The replicas the release ends with, when the host knows them better than what the platform
   * reports for the serving version (a cluster: the environment's spec, where an idle rendered
   * canary runs the serving version too); else what the serving version runs now.
   */
  replicas?: number;
}

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,62}$/;

export class ReleaseManager {
  private readonly runners = new Map<string, ReleaseRunner>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly deps: ManagerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Picks up the releases a previous host left in flight (or to retain, or to drain) and ticks them. */
  async start(): Promise<void> {
    await this.adopt();
    this.timer = setInterval(() => void this.tick(), this.deps.tickMs ?? 250);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Takes over the releases this host does not run yet (a new host, or one filed by another process). */
  async adopt(): Promise<void> {
    for (const service of await this.deps.store.services()) {
      if (this.runners.has(service)) continue;
      const current = (await this.deps.store.history(service)).at(-1);
      if (!current) continue;
      const runner = await this.runner(current);
      if (!runner.live) continue;
      this.runners.set(service, runner);
      if (isActive(current))
        this.deps.event(
          service,
          'Normal',
          'ReleaseResumed',
          `resumed release ${current.id} of ${current.version} at: ${current.message}`,
        );
    }
  }

  /** One tick of every release it runs: a person's request first, then the engine. */
  async tick(): Promise<void> {
    await Promise.all([...this.runners.keys()].map((service) => this.tickOne(service)));
  }

  private async tickOne(service: string): Promise<void> {
    const runner = this.runners.get(service);
    if (!runner) return;
    if (isActive(runner.state)) {
      const request = await this.deps.store.takeRequest(service);
      if (request) runner.request(request);
    }
    await runner.tick();
    if (!runner.live && this.runners.get(service) === runner) this.runners.delete(service);
  }

  /** Ticks one service's release until it ends: a host where nothing else runs it (`gantry deploy --env`). */
  async follow(service: string, tickMs: number): Promise<ReleaseState> {
    for (;;) {
      await this.tickOne(service);
      const state = (await this.current(service))!;
      if (!isActive(state)) return state;
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
  }

  /** The first revision of a service (what came up before any release), so history begins with it. */
  async recordInitial(service: ServiceModel, version: string, message: string): Promise<void> {
    const now = this.now();
    await this.deps.store.create(
      {
        ...startingRelease(
          {
            service: service.name,
            version,
            stable: version,
            strategy: 'rolling',
            replicas: service.replicas,
          },
          now,
        ),
        status: 'succeeded',
        message,
        endedAt: now,
      },
      service,
    );
  }

  async deploy(service: string, release: NewRelease): Promise<ReleaseState> {
    if (!VERSION.test(release.version))
      throw new ReleaseRefused(
        'invalid',
        `version must be letters, digits, '.', '_', '+' or '-' (at most 63), got "${release.version}"`,
      );
    await this.refuseIfActive(service);
    const serving = await this.serving(service);
    if (serving.version === release.version)
      throw new ReleaseRefused('conflict', `${service} already runs ${release.version}`);
    const revised = release.revise(await this.deps.store.revision(service, serving.version));
    const revision: ServiceModel = {
      ...revised,
      release: { ...revised.release, ...(release.strategy ? { strategy: release.strategy } : {}) },
    };
    return this.begin(
      revision,
      startingRelease(
        {
          service,
          version: release.version,
          stable: serving.version,
          strategy: revision.release.strategy,
          // What the service runs now; never 0 (a release right after start may see a count not
          // set yet), since a release must end with the replicas the service wants.
          replicas:
            release.replicas ?? (serving.replicas > 0 ? serving.replicas : Math.max(1, revision.replicas)),
        },
        this.now(),
      ),
    );
  }

  /**
   * Back to an earlier revision (the previous one by default): no steps, no analysis. While a
   * release is in progress, a rollback is its abort — back on the version it was replacing — as
   * `kubectl rollout undo` during a rollout goes back to the revision before it.
   */
  async rollbackTo(
    service: string,
    revision?: number,
    /** As for deploy: the replicas it ends with, when the host knows them better than the platform. */
    replicas?: number,
  ): Promise<ReleaseState> {
    const current = await this.current(service);
    if (current && isActive(current) && revision === undefined) return this.request(service, 'abort');
    await this.refuseIfActive(service);
    const history = await this.deps.store.history(service);
    const serving = await this.serving(service);
    const target = rollbackTarget(history, revision);
    if (!target.ok) throw new ReleaseRefused('not-found', `cannot roll back ${service}: ${target.problem}`);
    const spec = await this.specOf(service, target.version).catch(() =>
      this.specOf(service, serving.version),
    );
    const from = history.find((r) => r.id === target.revision)!;
    return this.begin(spec, {
      ...startingRelease(
        {
          service,
          version: target.version,
          stable: serving.version,
          strategy: 'rollback',
          replicas: replicas ?? (serving.replicas > 0 ? serving.replicas : from.replicas),
        },
        this.now(),
      ),
      message: `back to revision ${target.revision} (${target.version})`,
    });
  }

  /** A person's promote or abort, filed for whichever host runs the release. */
  async request(service: string, action: ReleaseRequest): Promise<ReleaseState> {
    const current = await this.current(service);
    if (!current || !isActive(current))
      throw new ReleaseRefused(
        'conflict',
        current
          ? `release ${current.id} of ${service} is ${current.status}, not in progress`
          : `no release of ${service} is in progress`,
      );
    await this.deps.store.fileRequest(service, action);
    return current;
  }

  /** The latest release: the one this host runs (freshest), else the store's; undefined before any. */
  async current(service: string): Promise<ReleaseState | undefined> {
    return this.runners.get(service)?.state ?? (await this.deps.store.history(service)).at(-1);
  }

  /** The latest release with its steps named for a progress line, or null before any. */
  async describe(service: string): Promise<(ReleaseState & { steps: string[] }) | null> {
    const state = await this.current(service);
    if (!state) return null;
    const spec = await this.deps.store.revision(service, state.version);
    return { ...state, steps: spec ? stepLabels(state.strategy, spec.release) : [] };
  }

  history(service: string): Promise<ReleaseState[]> {
    return this.deps.store.history(service);
  }

  private async refuseIfActive(service: string): Promise<void> {
    const current = await this.current(service);
    if (current && isActive(current))
      throw new ReleaseRefused(
        'conflict',
        `a release of ${service} is in progress (${current.version}: ${current.message}); wait, or \`gantry abort ${service}\``,
      );
  }

  /** The version serving now (the most traffic) and the replicas it runs. */
  private async serving(service: string): Promise<{ version: string; replicas: number }> {
    const observed = await (await this.deps.platform(service)).observe(service);
    const top = [...observed.versions].sort((a, b) => b.weight - a.weight)[0];
    if (!top) throw new ReleaseRefused('not-found', `service ${service} runs no version`);
    return { version: top.version, replicas: top.desired };
  }

  private async specOf(service: string, version: string): Promise<ServiceModel> {
    const spec = await this.deps.store.revision(service, version);
    if (!spec) throw new ReleaseRefused('not-found', `no revision ${version} of ${service}`);
    return spec;
  }

  private async begin(spec: ServiceModel, draft: ReleaseDraft): Promise<ReleaseState> {
    const state = await this.deps.store.create(draft, spec);
    const previous = this.runners.get(state.service);
    if (previous && !isActive(previous.state)) await previous.endRetention(state.version);
    if (this.deps.drives !== false) this.runners.set(state.service, await this.runner(state));
    this.deps.event(
      state.service,
      'Normal',
      'ReleaseStarted',
      `revision ${state.id}: ${state.strategy} from ${state.stable} to ${state.version}`,
    );
    return state;
  }

  private async runner(state: ReleaseState): Promise<ReleaseRunner> {
    const { store, metricSource } = this.deps;
    return new ReleaseRunner(state, {
      platform: await this.deps.platform(state.service),
      specFor: (service, version) => this.specOf(service, version),
      save: (next) => store.save(next),
      event: (next, type, reason, message) =>
        this.deps.event(next.service, type, reason, `[${next.version}] ${message}`),
      now: this.now,
      ...(metricSource
        ? { metricSource: (analysis: EffectiveAnalysis) => metricSource(analysis, state.service) }
        : {}),
      ...(this.deps.startLoadTest ? { startLoadTest: this.deps.startLoadTest } : {}),
      sendCheck: this.deps.sendCheck,
    });
  }
}
