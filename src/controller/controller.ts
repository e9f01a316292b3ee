/**
 * `gantry controller`: the release manager's home on a cluster. Every round (2 s) it renews or
 * competes for its Lease; the holder lists the objects Gantry manages (`app.kubernetes.io/managed-by:
 * gantry`) in the namespaces it watches, and drives every release their annotation says still needs
 * a host — in progress, keeping an old colour, or draining a failed version — with the same driver
 * `gantry deploy --env` uses (release-driver.ts), from the spec kept in the annotation. A release a
 * `gantry deploy` is driving is left to it while it keeps saving; once that process has gone quiet
 * (a CI job cancelled mid-canary) the controller takes over. Losing the Lease stops every drive at
 * its next tick; the next holder goes on from what was saved.
 */
import { type KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import type { Connection } from '../platform/kubernetes/cluster.ts';
import { decodeRelease, RELEASE_ANNOTATION } from '../platform/kubernetes/release-annotation.ts';
import { type DriveOptions, driveRelease } from '../platform/kubernetes/release-driver.ts';
import { releaseSession } from '../platform/kubernetes/release-session.ts';
import { ClusterReleaseStore } from '../platform/kubernetes/release-store.ts';
import { isLive } from '../rollout/state.ts';
import { LeaseElection } from './lease.ts';

/** The name every controller replica drives under: for the annotation, all replicas are one driver. */
export const CONTROLLER_DRIVER = 'gantry controller';

/** A driver that has not saved its release for this long is gone (saves come every tick, 1 s). */
export const DRIVER_QUIET_MS = 30_000;

export interface ControllerOptions {
  connection: Connection;
  /** The namespaces it watches; empty: every namespace its ServiceAccount may list. */
  namespaces: string[];
  lease: { namespace: string; name: string; durationSeconds: number };
  identity: string;
  log(line: string): void;
  intervalMs?: number;
}

export interface ControllerHealth {
  leading: boolean;
  /** When a round last finished, and when the API last answered (ms since the epoch). */
  lastRoundAt: number;
  lastApiAt: number;
  /** `namespace/service` of every release it drives now. */
  driving: string[];
}

interface Holder extends KubernetesObject {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
}

export class ReleaseController {
  private readonly api: KubernetesObjectApi;
  private readonly election: LeaseElection;
  private readonly drives = new Map<string, Promise<unknown>>();
  /** Releases left to another driver, so it is said once, not every round. */
  private readonly leftAlone = new Set<string>();
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  readonly health: ControllerHealth = { leading: false, lastRoundAt: 0, lastApiAt: 0, driving: [] };

  constructor(private readonly options: ControllerOptions) {
    this.api = KubernetesObjectApi.makeApiClient(options.connection.config);
    this.election = new LeaseElection(
      this.api,
      options.lease,
      options.identity,
      options.lease.durationSeconds,
    );
  }

  start(): void {
    const loop = async () => {
      await this.round();
      if (!this.stopping) this.timer = setTimeout(loop, this.options.intervalMs ?? 2000);
    };
    void loop();
  }

  /** Stops driving (each drive at its next tick), gives the Lease up, waits for the drives to end. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await Promise.allSettled(this.drives.values());
    await this.election.release();
  }

  private async round(): Promise<void> {
    try {
      const wasLeading = this.health.leading;
      this.health.leading = await this.election.round();
      this.health.lastApiAt = Date.now();
      if (this.health.leading !== wasLeading)
        this.options.log(
          this.health.leading
            ? `leading (Lease ${this.options.lease.namespace}/${this.options.lease.name} as ${this.options.identity})`
            : 'no longer leading: another replica holds the Lease',
        );
      if (this.health.leading && !this.stopping) await this.discover();
    } catch (error) {
      this.options.log(`round failed: ${(error as Error).message}`);
    }
    this.health.lastRoundAt = Date.now();
    this.health.driving = [...this.drives.keys()];
  }

  private async holders(): Promise<Holder[]> {
    const selector = 'app.kubernetes.io/managed-by=gantry';
    const namespaces = this.options.namespaces.length > 0 ? this.options.namespaces : [undefined];
    const lists = await Promise.all(
      namespaces.flatMap((namespace) =>
        [
          ['apps/v1', 'Deployment'],
          ['v1', 'Service'],
        ].map(([apiVersion, kind]) =>
          this.api.list(apiVersion!, kind!, namespace, undefined, undefined, undefined, undefined, selector),
        ),
      ),
    );
    this.health.lastApiAt = Date.now();
    return lists
      .flatMap((list) => list.items as Holder[])
      .filter((item) => item.metadata.annotations?.[RELEASE_ANNOTATION] !== undefined);
  }

  private async discover(): Promise<void> {
    for (const holder of await this.holders()) {
      const { namespace } = holder.metadata;
      const decoded = decodeRelease(holder.metadata.annotations![RELEASE_ANNOTATION]!);
      if (!decoded.ok) continue;
      const release = decoded.value;
      const key = `${namespace}/${release.state.service}`;
      if (this.drives.has(key) || !isLive(release.state)) continue;
      const { driver } = release;
      if (
        driver &&
        driver.name !== CONTROLLER_DRIVER &&
        Date.now() - Date.parse(driver.at) < DRIVER_QUIET_MS
      ) {
        if (!this.leftAlone.has(key))
          this.options.log(`${key}: driven by ${driver.name}; left to it while it saves`);
        this.leftAlone.add(key);
        continue;
      }
      this.leftAlone.delete(key);
      const spec =
        release.revisions?.[release.state.version] ?? Object.values(release.revisions ?? {}).at(-1);
      if (!spec) {
        this.options.log(
          `${key}: release ${release.state.id} keeps no spec (written by an older gantry); left alone`,
        );
        continue;
      }
      this.drive(key, namespace, spec, release.state);
    }
  }

  private drive(
    key: string,
    namespace: string,
    spec: Parameters<typeof releaseSession>[2],
    first: Parameters<typeof driveRelease>[2],
  ): void {
    const session = releaseSession(this.options.connection, namespace, spec);
    const service = first.service;
    const store = new ClusterReleaseStore(
      () => session.platform,
      async () => [service],
      CONTROLLER_DRIVER,
    );
    const options: DriveOptions = {
      log: (line) => this.options.log(`${key}: ${line}`),
      timeoutMs: Number.POSITIVE_INFINITY,
      stopped: () => this.stopping || !this.election.leading,
    };
    this.options.log(
      `${key}: driving release ${first.id} (${first.strategy} ${first.stable} → ${first.version}) from: ${first.message}`,
    );
    const task = driveRelease(session, store, first, options)
      .then((state) =>
        this.options.log(`${key}: release ${state.id} ${state.status}: ${state.reason ?? state.message}`),
      )
      .catch((error: Error) => this.options.log(`${key}: ${error.message}`))
      .finally(() => this.drives.delete(key));
    this.drives.set(key, task);
  }
}
