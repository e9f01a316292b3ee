/**
 * The local control plane: loads the spec, starts backing services, one controller per
 * service (replicas + load balancer), and the HTTP API. Survives its own crash: replicas
 * run in their own sessions, and a new daemon re-adopts them from the store.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { Autoscaler } from '../local/autoscale/autoscaler.ts';
import { LocalPlatform } from '../local/local-platform.ts';
import { LocalPrometheus } from '../local/monitoring/prometheus.ts';
import { DataPlane } from '../local/proxy/data-plane.ts';
import { replicaEnvironment } from '../local/replica-env.ts';
import { readSecretsFile, type SecretSources, secretValues } from '../local/secrets.ts';
import { ServiceController } from '../local/service-controller.ts';
import { LAYOUT, StateDir } from '../local/state-dir.ts';
import { Store } from '../local/store.ts';
import type { BackoffPolicy } from '../local/supervisor/replica.ts';
import type { ReleaseManager } from '../rollout/manager.ts';
import { urlVariable } from '../spec/connection.ts';
import type { AppModel, ServiceModel } from '../spec/model.ts';
import { requireSpec } from '../spec/require.ts';
import { Api, HttpError } from './api.ts';
import { BackingServices } from './backing-services.ts';
import { Dashboard } from './dashboard/dashboard.ts';
import { samplePoint } from './dashboard/metrics-point.ts';
import { localReleases, versionToStart } from './releases.ts';
import { daemonRoutes } from './routes.ts';
import { type DaemonStatus, serviceStatus } from './status.ts';
import { SUPERVISOR_VARIABLE } from './supervisor.ts';

/** A spec read and checked ahead of a start. */
export interface PreparedSpec {
  text: string;
  model: AppModel;
}

export interface DaemonOptions {
  specFile: string;
  env?: string;
  stateDir: string;
  apiPort?: number;
  /** Load balancers on free ports instead of the spec's ports (tests, several apps at once). */
  ephemeralPorts?: boolean;
  backoff?: BackoffPolicy;
  /** How often the autoscaler syncs (default 15 s, Kubernetes' --horizontal-pod-autoscaler-sync-period). */
  autoscaleSyncPeriodMs?: number;
  /** `gantry up --monitoring`: a local Prometheus with the SLO rules; timeScale shortens every window. */
  monitoring?: { timeScale: number };
  log?: (line: string) => void;
}

/** The version a service runs when first brought up: its image tag, else `v1`. */
export function initialVersion(service: ServiceModel): string {
  const tag = service.image ? /:([^/:@]+)$/.exec(service.image)?.[1] : undefined;
  return tag ?? 'v1';
}

export class Daemon {
  private readonly controllers = new Map<string, ServiceController>();
  private readonly backing: BackingServices;
  private dataPlane: DataPlane | undefined;
  private server: Server | undefined;
  private releases: ReleaseManager | undefined;
  private autoscaler: Autoscaler | undefined;
  private dashboard: Dashboard | undefined;
  private monitoring: LocalPrometheus | undefined;
  /** The API's own address, known once it listens (status answers with it). */
  private apiUrl = '';
  private timer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private readonly startedAt = Date.now();
  readonly state: StateDir;
  readonly store: Store;
  readonly model: AppModel;
  private readonly log: (line: string) => void;

  private constructor(
    private readonly options: DaemonOptions,
    model: AppModel,
  ) {
    this.model = model;
    this.state = new StateDir(options.stateDir);
    this.state.ensure();
    this.store = new Store(this.state.database);
    this.log = options.log ?? ((line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`));
    this.backing = new BackingServices({
      model,
      store: this.store,
      stateDir: this.state.root,
      record: (name, event) => this.record(name, null, event),
      log: this.log,
    });
  }

  /**
   * @param prepared the spec as read ahead of time (a standby daemon reads it while it waits): used
   * when the file still holds the same text, which saves the parse and checks on a restart.
   */
  static async start(options: DaemonOptions, prepared?: PreparedSpec): Promise<Daemon> {
    const ready = Daemon.prepare(options);
    const model = prepared?.text === ready.text ? prepared.model : ready.model();
    const daemon = new Daemon(options, model);
    await daemon.boot();
    return daemon;
  }

  /** Reads the spec; its model is made (and checked) on demand. */
  static prepare(options: Pick<DaemonOptions, 'specFile' | 'env'>): { text: string; model(): AppModel } {
    const file = resolve(options.specFile);
    const text = readFileSync(file, 'utf8');
    return {
      text,
      model: () =>
        requireSpec(text, { file, target: 'local', ...(options.env ? { env: options.env } : {}) }).model,
    };
  }

  private record = (
    service: string,
    replica: string | null,
    event: { type: 'Normal' | 'Warning'; reason: string; message: string; at?: number },
  ) => {
    const at = event.at ?? Date.now();
    this.store.addEvent({
      at,
      service,
      replica,
      type: event.type,
      reason: event.reason,
      message: event.message,
    });
    // The row just inserted, with its id, as GET /v1/events returns it.
    if (this.dashboard) this.dashboard.publish(this.store.events({ limit: 1 })[0]!);
    this.log(
      `${event.type === 'Warning' ? 'WARN' : 'info'} ${service}${replica ? `/${replica}` : ''} ${event.reason}: ${event.message}`,
    );
  };

  private async boot(): Promise<void> {
    const running = this.state.daemonInfo();
    if (running && running.pid !== process.pid)
      throw new Error(`a daemon is already running for this state directory (pid ${running.pid})`);
    const token = this.state.token();
    await this.backing.start();

    const specDir = dirname(this.model.file);
    const secrets: SecretSources = {
      file: readSecretsFile(join(specDir, '.env.secrets')),
      environment: process.env,
    };
    const adoptable = this.store.replicas();
    // The proxy first: adopted as it runs (it keeps serving while this daemon starts), or started.
    const dataPlane = await DataPlane.open({
      stateDir: this.state,
      store: this.store,
      record: (service, type, reason, message) =>
        this.record(service ?? 'proxy', null, { type, reason, message }),
      log: this.log,
    });
    this.dataPlane = dataPlane;
    for (const service of Object.values(this.model.services)) {
      const controller = new ServiceController(service, {
        store: this.store,
        stateDir: this.state,
        specDir,
        dataPlane,
        record: this.record,
        environment: (revision, version, index, port) =>
          replicaEnvironment(
            revision,
            { app: this.model.app, version, index, port },
            secrets,
            this.injectedEnv(revision),
          ),
        ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
      });
      this.controllers.set(service.name, controller);
    }
    // Replicas before listeners: an adopted replica that was ready is in the first table the proxy
    // gets, so its listener never loses it.
    for (const controller of this.controllers.values())
      controller.adopt(adoptable.filter((r) => r.service === controller.name));
    for (const [name, controller] of this.controllers) {
      const service = this.model.services[name]!;
      const previousPort = this.store.meta<number>(`lb:${name}`);
      await controller.listen(previousPort ?? (this.options.ephemeralPorts ? undefined : service.port));
      this.store.setMeta(`lb:${name}`, controller.port);
    }
    this.releases = localReleases(
      this.store,
      new LocalPlatform(this.store, this.controllers),
      (service, type, reason, message) => this.record(service, null, { type, reason, message }),
    );
    // Desired state: kept from before a crash; else the version last released (after a `down`), or
    // the spec's version.
    const fresh: { service: ServiceModel; version: string }[] = [];
    for (const service of Object.values(this.model.services)) {
      const specVersion = initialVersion(service);
      this.store.saveRevision(service.name, specVersion, service, Date.now());
      if (this.store.desired(service.name).length === 0) {
        const { version, restored } = await versionToStart(this.store, this.releases, service, specVersion);
        this.store.setDesired({
          service: service.name,
          version,
          replicas: service.replicas,
          weight: 100,
          generation: 0,
        });
        if (restored)
          this.record(service.name, null, {
            type: 'Normal',
            reason: 'Restored',
            message: `runs ${version}, the version last released (revision ${restored.id}), as it was released; the spec's version ${specVersion} is unchanged since the last \`gantry up\` (change it to start from the spec)`,
          });
        else fresh.push({ service, version });
      }
      const { missing } = secretValues(service.secrets, secrets, this.injectedEnv(service));
      if (missing.length > 0)
        this.record(service.name, null, {
          type: 'Warning',
          reason: 'MissingSecret',
          message: `secret ${missing.join(', ')} not set: export it or add it to .env.secrets beside the spec; replicas start without it`,
        });
    }
    for (const { service, version } of fresh)
      await this.releases.recordInitial(service, version, `started ${version} with gantry up`);
    await this.releases.start();

    const platform = new LocalPlatform(this.store, this.controllers);
    this.autoscaler = new Autoscaler(
      this.model,
      this.controllers,
      platform,
      (service, type, reason, message) => this.record(service, null, { type, reason, message }),
      this.options.autoscaleSyncPeriodMs ? { syncPeriodMs: this.options.autoscaleSyncPeriodMs } : {},
    );

    this.dashboard = new Dashboard({
      status: () => this.status(),
      sample: (now) => samplePoint(this.controllers.values(), now),
      recentEvents: (limit) => this.store.events({ limit }),
      checkService: (name) => void this.controller(name),
      logFile: (service, replicaId) => this.state.logFile(service, replicaId),
    });
    this.server = await this.listenApi(token, this.dashboard);
    this.dashboard.start();
    const address = this.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    this.apiUrl = url;
    const supervisor = Number(process.env[SUPERVISOR_VARIABLE]);
    this.state.writeDaemonInfo({
      pid: process.pid,
      url,
      startedAt: this.startedAt,
      specFile: this.model.file,
      environment: this.model.environment?.name ?? null,
      ...(supervisor > 0 ? { supervisor } : {}),
      layout: LAYOUT,
    });
    this.monitoring = await LocalPrometheus.start(this.options.monitoring !== undefined, {
      stateDir: this.state.root,
      model: this.model,
      daemonUrl: url,
      timeScale: this.options.monitoring?.timeScale ?? 1,
      ephemeralPort: this.options.ephemeralPorts === true,
      record: (type, reason, message) => this.record(this.model.app, null, { type, reason, message }),
      log: this.log,
    });
    await Promise.all([...this.controllers.values()].map((c) => c.reconcile()));
    // After the replicas have processes, so its first CPU readings (the base of each rate) see them.
    this.autoscaler.start();
    // A safety net: every change triggers a reconcile already; this catches anything missed.
    this.timer = setInterval(() => {
      for (const controller of this.controllers.values()) void controller.reconcile();
    }, 2000);
    this.log(`daemon ready on ${url} (pid ${process.pid})`);
  }

  /**
   * The API on the port asked for; else on the port the daemon before this one had (a daemon
   * restarted by its supervisor keeps the address an open dashboard uses), else on a free one.
   */
  private async listenApi(token: string, dashboard: Dashboard): Promise<Server> {
    const api = this.api(token, dashboard);
    if (this.options.apiPort !== undefined) return api.listen(this.options.apiPort);
    const previous = this.state.lastDaemonInfo();
    const previousPort = previous ? Number(new URL(previous.url).port) : 0;
    if (previousPort > 0) {
      try {
        return await api.listen(previousPort);
      } catch {
        // taken meanwhile: any free port will do
      }
    }
    return api.listen(0);
  }

  get url(): string {
    return this.apiUrl;
  }

  /** Whether the supervisor has a standby daemon loaded (a restart takes a second, not a cold start). */
  standbyLoaded = false;

  /** Backing URLs and other services' URLs for what this service `uses`. */
  private injectedEnv(service: ServiceModel): Record<string, string> {
    const env: Record<string, string> = {};
    for (const used of service.uses) {
      Object.assign(env, this.backing.env(used));
      const other = this.controllers.get(used);
      if (other?.url) env[urlVariable(used)] = other.url;
    }
    return env;
  }

  private controller(name: string): ServiceController {
    const controller = this.controllers.get(name);
    if (!controller)
      throw new HttpError(404, `no service ${name}; services: ${[...this.controllers.keys()].join(', ')}`);
    return controller;
  }

  private api(token: string, dashboard: Dashboard): Api {
    const api = new Api({
      token,
      session: (id) => dashboard.session(id),
      csrf: (id, csrfToken) => dashboard.login.csrfMatches(id, csrfToken),
    });
    return daemonRoutes(dashboard.routes(api), {
      app: this.model.app,
      status: () => this.status(),
      controllers: () => this.controllers.values(),
      controller: (name) => this.controller(name),
      release: (name) => this.release(name),
      autoscale: (name) => this.autoscaler?.status(name),
      events: (query) => this.store.events(query),
      prometheus: () => this.dataPlane!.prometheus(),
      shutdown: () => void this.shutdown().then(() => process.exit(0)),
    });
  }

  /** The release manager, after checking the service exists. */
  private release(service: string): ReleaseManager {
    this.controller(service);
    return this.releases!;
  }

  status(): DaemonStatus {
    const services = [...this.controllers.values()].map((controller) =>
      serviceStatus(controller, this.autoscaler?.status(controller.name)),
    );
    const url = this.apiUrl;
    return {
      app: this.model.app,
      environment: this.model.environment?.name ?? null,
      specFile: this.model.file,
      daemon: {
        pid: process.pid,
        url,
        startedAt: this.startedAt,
        metricsUrl: `${url}/metrics`,
        ...(Number(process.env[SUPERVISOR_VARIABLE]) > 0
          ? { supervisor: Number(process.env[SUPERVISOR_VARIABLE]), standby: this.standbyLoaded }
          : {}),
      },
      proxy: this.dataPlane?.processes() ?? null,
      services,
      backing: this.backing.statuses(),
      ...(this.monitoring ? { monitoring: this.monitoring.status() } : {}),
    };
  }

  /** Stops everything: replicas gracefully, load balancers, backing services, the API. Idempotent. */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      this.log('shutting down');
      clearInterval(this.timer);
      this.releases?.stop();
      await this.autoscaler?.stop();
      await Promise.all([...this.controllers.values()].map((c) => c.close()));
      await this.dataPlane?.stop();
      await this.monitoring?.stop();
      await this.backing.stop();
      this.store.clearRuntime();
      // Open streams would keep the API server from closing.
      this.dashboard?.stop();
      await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
      this.state.clearDaemonInfo(process.pid);
      this.store.close();
      this.log('stopped');
    })();
    return this.stopping;
  }
}
