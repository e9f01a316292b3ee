/**
 * One service on the local platform: its replicas (supervised processes), what its load balancer
 * listeners should route to (the proxy serves them: data-plane.ts), and the loop that makes the
 * replicas match the desired state in the store. Like a Deployment controller plus the endpoints
 * controller for one service.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { VersionMetrics, VersionState } from '../platform/platform.ts';
import { resolveFenceposts } from '../rollout/surge.ts';
import type { ServiceModel } from '../spec/model.ts';
import { Coalesced } from './coalesced.ts';
import type { Backend } from './lb/load-balancer.ts';
import { MetricsWindow } from './lb/window.ts';
import { planReplicas } from './plan.ts';
import { freePort } from './process.ts';
import type { DataPlane } from './proxy/data-plane.ts';
import type { ListenerSpec } from './proxy/protocol.ts';
import type { StateDir } from './state-dir.ts';
import type { DesiredVersion, ReplicaRecord, Store } from './store.ts';
import { type BackoffPolicy, Replica, type ReplicaEvent, type ReplicaStatus } from './supervisor/replica.ts';

export interface ControllerContext {
  store: Store;
  stateDir: StateDir;
  /** Folder of the spec file: `run` and `workdir` are relative to it. */
  specDir: string;
  /** Environment for a replica: spec env, secrets, backing URLs and Gantry's own variables. */
  environment(service: ServiceModel, version: string, index: number, port: number): Record<string, string>;
  record(service: string, replica: string | null, event: Omit<ReplicaEvent, 'at'> & { at?: number }): void;
  dataPlane: DataPlane;
  backoff?: BackoffPolicy;
}

export interface ReplicaView {
  id: string;
  index: number;
  version: string;
  pid: number | null;
  port: number;
  state: string;
  ready: boolean;
  restarts: number;
  lastExit?: ReplicaStatus['lastExit'];
}

const HOST = '127.0.0.1';

export class ServiceController {
  readonly name: string;
  private readonly replicas = new Map<string, Replica>();
  private readonly generations = new Map<string, number>();
  private readonly terminating = new Set<string>();
  /** The port asked for the service's address; undefined: the service takes no traffic (no port). */
  private askedPort: number | undefined;
  /** Versions with a preview listener (blue-green smoke checks, a load test), made on demand. */
  private readonly previews = new Set<string>();
  /** Reconcile passes: one at a time, and a request made during one gets one more after it. */
  private readonly passes = new Coalesced(() => (this.closed ? Promise.resolve() : this.reconcileOnce()));
  private closed = false;
  private adopting = false;

  constructor(
    private readonly service: ServiceModel,
    private readonly context: ControllerContext,
  ) {
    this.name = service.name;
    // Previews the proxy still serves from before a daemon restart stay.
    for (const listener of context.dataPlane.adopted.listeners)
      if (listener.key.startsWith(`${this.name}@`))
        this.previews.add(listener.key.slice(this.name.length + 1));
  }

  /** The load balancer listens on the spec's port when free, else on a free one (the proxy says so in an event). */
  async listen(preferredPort: number | undefined): Promise<void> {
    if (!this.service.port) return;
    this.askedPort = preferredPort ?? 0;
    await this.publish();
  }

  get url(): string | undefined {
    const port = this.port;
    return port === undefined ? undefined : `http://${HOST}:${port}`;
  }

  get port(): number | undefined {
    return this.askedPort === undefined ? undefined : this.context.dataPlane.port(this.name);
  }

  /** Takes over replicas a previous daemon started, if their processes are still alive. */
  adopt(records: ReplicaRecord[]): void {
    // One plan once all are adopted: a replica resuming ready must not make the plan see the others missing.
    this.adopting = true;
    try {
      this.adoptEach(records);
    } finally {
      this.adopting = false;
    }
  }

  private adoptEach(records: ReplicaRecord[]): void {
    for (const record of records) {
      const replica = this.createReplica(record.version, record.index, record.port, record.generation);
      if (
        replica.adopt(record.pid ?? -1, record.startTime ?? -1, record.restarts, record.probe ?? undefined)
      ) {
        const resumed = record.probe
          ? `its probes resumed (${replica.status().ready ? 'ready' : 'not ready'})`
          : 'no probe state was kept, its probes start over';
        this.context.record(this.name, record.id, {
          type: 'Normal',
          reason: 'Adopted',
          message: `adopted running process ${record.pid} after a daemon restart; ${resumed}`,
        });
      } else {
        this.forget(record.id);
      }
    }
  }

  desired(): DesiredVersion[] {
    return this.context.store.desired(this.name);
  }

  /** Runs the reconcile loop now; concurrent calls fold into one more pass. */
  reconcile(): Promise<void> {
    if (this.closed || this.adopting) return Promise.resolve();
    return this.passes.request();
  }

  private async reconcileOnce(): Promise<void> {
    const desired = this.desired();
    const live = [...this.replicas.values()]
      .filter((replica) => !this.terminating.has(replica.status().id))
      .map((replica) => {
        const status = replica.status();
        return {
          id: status.id,
          version: status.version,
          index: status.index,
          ready: status.ready,
          generation: this.generations.get(status.id) ?? 0,
        };
      });
    const plan = planReplicas(desired, live, (count) =>
      resolveFenceposts(count, this.service.release.maxSurge, this.service.release.maxUnavailable),
    );
    for (const id of plan.stop) void this.stopReplica(id);
    for (const batch of plan.create) {
      for (let i = 0; i < batch.count; i++) {
        const port = await freePort(HOST);
        if (this.closed) return;
        const replica = this.createReplica(batch.version, this.nextIndex(), port, batch.generation);
        replica.start();
      }
    }
    this.updateBackends(); // the weights may have changed
  }

  private nextIndex(): number {
    const records = this.context.store.replicas().filter((r) => r.service === this.name);
    const indexes = [
      ...records.map((r) => r.index),
      ...[...this.replicas.values()].map((r) => r.status().index),
    ];
    return indexes.length === 0 ? 1 : Math.max(...indexes) + 1;
  }

  private revisionFor(version: string): ServiceModel {
    return this.context.store.revision<ServiceModel>(this.name, version) ?? this.service;
  }

  private createReplica(version: string, index: number, port: number, generation: number): Replica {
    const service = this.revisionFor(version);
    const environment = this.context.environment;
    const id = `${this.name}-${index}`;
    const logFile = this.context.stateDir.logFile(this.name, id);
    mkdirSync(dirname(logFile), { recursive: true, mode: 0o700 });
    const replica = new Replica({
      service: this.name,
      id,
      index,
      version,
      command: service.run ?? '',
      cwd: resolve(this.context.specDir, service.workdir ?? '.'),
      // Computed at each start: the addresses of the services it uses are known by then.
      get env() {
        return environment(service, version, index, port);
      },
      host: HOST,
      port,
      health: service.health,
      shutdown: service.shutdown,
      minReadySeconds: service.release.minReadySeconds,
      logFile,
      ...(this.context.backoff ? { backoff: this.context.backoff } : {}),
    });
    this.replicas.set(id, replica);
    this.generations.set(id, generation);
    const save = () => {
      const status = replica.status();
      this.context.store.saveReplica({
        id,
        service: this.name,
        version,
        index,
        port,
        generation,
        pid: status.pid,
        startTime: status.startTime,
        restarts: status.restarts,
        probe: replica.probeSnapshot(),
      });
    };
    save();
    replica.on('process', save);
    replica.on('probes', save);
    replica.on('ready', () => {
      save();
      this.updateBackends();
      void this.reconcile();
    });
    replica.on('event', (event: ReplicaEvent) => this.context.record(this.name, id, event));
    return replica;
  }

  private async stopReplica(id: string): Promise<void> {
    const replica = this.replicas.get(id);
    if (!replica || this.terminating.has(id)) return;
    this.terminating.add(id);
    this.updateBackends();
    await replica.stop();
    this.forget(id);
    if (!this.closed) void this.reconcile();
  }

  private forget(id: string): void {
    this.replicas.get(id)?.removeAllListeners();
    this.replicas.delete(id);
    this.generations.delete(id);
    this.terminating.delete(id);
    this.context.store.removeReplica(id);
    this.updateBackends();
  }

  private updateBackends(): void {
    if (this.askedPort === undefined) return; // not listening (yet)
    void this.publish().catch((error: Error) =>
      this.context.record(this.name, null, {
        type: 'Warning',
        reason: 'ProxyFailed',
        message: error.message,
      }),
    );
  }

  /** The ready replicas, as the load balancer sees them. */
  private backends(): Backend[] {
    const backends: Backend[] = [];
    for (const replica of this.replicas.values()) {
      const status = replica.status();
      if (status.ready && !this.terminating.has(status.id))
        backends.push({ id: status.id, version: status.version, host: HOST, port: status.port });
    }
    return backends;
  }

  /** What the proxy should serve for this service: its address, and a preview per version asked for. */
  private listeners(): ListenerSpec[] {
    if (this.askedPort === undefined) return [];
    const backends = this.backends();
    const weights = Object.fromEntries(this.desired().map((d) => [d.version, d.weight]));
    return [
      {
        key: this.name,
        service: this.name,
        port: this.askedPort,
        backends,
        weights: Object.keys(weights).length > 0 ? weights : null,
        prometheus: true,
      },
      ...[...this.previews].map((version) => ({
        key: `${this.name}@${version}`,
        service: this.name,
        port: 0,
        backends: backends.filter((b) => b.version === version),
        weights: null,
        prometheus: false,
      })),
    ];
  }

  private publish(): Promise<void> {
    return this.context.dataPlane.update(this.name, this.listeners());
  }

  /** A URL that reaches only `version`'s ready replicas (the main listener's weights do not apply). */
  async preview(version: string): Promise<string> {
    if (this.askedPort === undefined) throw new Error(`service ${this.name} has no port: nothing to preview`);
    this.previews.add(version);
    await this.publish();
    return `http://${HOST}:${this.context.dataPlane.port(`${this.name}@${version}`)}`;
  }

  /** A rolling restart: bump every desired version's generation; the plan replaces replicas in a rolling way. */
  restart(): void {
    this.context.store.transaction(() => {
      for (const entry of this.desired())
        this.context.store.setDesired({ ...entry, generation: entry.generation + 1 });
    });
    this.context.record(this.name, null, {
      type: 'Normal',
      reason: 'RollingRestart',
      message: 'rolling restart requested',
    });
    void this.reconcile();
  }

  /** Sets the replicas of one version (the only one when not given). */
  scale(replicas: number, version?: string): void {
    const desired = this.desired();
    const entry = version === undefined ? desired[0] : desired.find((d) => d.version === version);
    if (!entry) throw new Error(`service ${this.name} has no version ${version}`);
    this.context.store.setDesired({ ...entry, replicas });
    this.context.record(this.name, null, {
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: `scaled ${entry.version} from ${entry.replicas} to ${replicas} replicas`,
    });
    void this.reconcile();
  }

  views(): ReplicaView[] {
    return [...this.replicas.values()]
      .map((replica) => {
        const status = replica.status();
        return {
          id: status.id,
          index: status.index,
          version: status.version,
          pid: status.pid,
          port: status.port,
          state: this.terminating.has(status.id) ? 'terminating' : status.phase,
          ready: status.ready && !this.terminating.has(status.id),
          restarts: status.restarts,
          ...(status.lastExit ? { lastExit: status.lastExit } : {}),
        };
      })
      .sort((a, b) => a.index - b.index);
  }

  versionStates(): VersionState[] {
    const views = this.views();
    const desired = this.desired();
    const versions = new Set([...desired.map((d) => d.version), ...views.map((v) => v.version)]);
    const weights = Object.fromEntries(desired.map((d) => [d.version, d.weight]));
    return [...versions].map((version) => {
      const mine = views.filter((v) => v.version === version);
      const entry = desired.find((d) => d.version === version);
      return {
        version,
        desired: entry?.replicas ?? 0,
        current: mine.length,
        ready: mine.filter((v) => v.ready).length,
        weight: weights[version] ?? entry?.weight ?? 0,
      };
    });
  }

  /**
   * The version's measurements: its requests at the main listener and at its preview (smoke checks,
   * a load test, a blue-green colour before the switch) together.
   */
  metrics(version: string, windowSeconds: number): VersionMetrics | undefined {
    if (this.askedPort === undefined) return undefined;
    const { dataPlane } = this.context;
    const windows = [
      dataPlane.tally(this.name).windows.window(version),
      this.previews.has(version)
        ? dataPlane.tally(`${this.name}@${version}`).windows.window(version)
        : undefined,
    ].filter((window) => window !== undefined);
    const now = Date.now();
    if (windows.length === 0) return dataPlane.tally(this.name).windows.metrics(version, windowSeconds, now);
    return MetricsWindow.summarize(windows, now, windowSeconds);
  }

  /** Requests finished per ready replica since it joined the load balancer. */
  requestsServed(): Map<string, number> {
    return this.context.dataPlane.tally(this.name).served();
  }

  /** Stops every replica gracefully (each leaves the load balancer first). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.replicas.keys()].map((id) => this.stopReplica(id)));
  }
}
