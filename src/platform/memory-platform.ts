/**
 * A Platform in memory, for the release engine's table tests: versions with desired, ready and
 * weight, changed only by what the engine asks. New replicas are ready at once unless the test
 * holds them back (`readyAtOnce: false`, then `markReady`); measurements are whatever the test
 * says a version measures at the time.
 */
import {
  checkWeights,
  NO_METRICS,
  type Platform,
  type ServiceState,
  type VersionMetrics,
  type VersionState,
} from './platform.ts';

export class MemoryPlatform implements Platform {
  private readonly services = new Map<string, Map<string, VersionState>>();
  /** What a version measures now; NO_METRICS unless the test says otherwise. */
  measure: (service: string, version: string, windowSeconds: number) => VersionMetrics = () => NO_METRICS;
  /** Every call that changed something, in order: `scale api v2 3`, `route api v2=10 v1=90`. */
  readonly calls: string[] = [];

  constructor(
    initial: Record<string, Record<string, { replicas: number; weight: number }>>,
    private readonly options: { readyAtOnce?: boolean } = {},
  ) {
    for (const [service, versions] of Object.entries(initial))
      this.services.set(
        service,
        new Map(
          Object.entries(versions).map(([version, { replicas, weight }]) => [
            version,
            { version, desired: replicas, current: replicas, ready: replicas, weight },
          ]),
        ),
      );
  }

  private versionsOf(service: string): Map<string, VersionState> {
    const versions = this.services.get(service);
    if (!versions) throw new Error(`unknown service ${service}`);
    return versions;
  }

  async observe(service: string): Promise<ServiceState> {
    return { service, versions: [...this.versionsOf(service).values()].map((v) => ({ ...v })) };
  }

  async scale(service: string, version: string, replicas: number): Promise<void> {
    this.calls.push(`scale ${service} ${version} ${replicas}`);
    const versions = this.versionsOf(service);
    const entry = versions.get(version) ?? { version, desired: 0, current: 0, ready: 0, weight: 0 };
    const ready = this.options.readyAtOnce === false ? Math.min(entry.ready, replicas) : replicas;
    versions.set(version, { ...entry, desired: replicas, current: replicas, ready });
    if (replicas === 0 && entry.weight === 0) versions.delete(version);
  }

  async route(service: string, weights: Record<string, number>): Promise<void> {
    checkWeights(weights);
    this.calls.push(
      `route ${service} ${Object.entries(weights)
        .map(([v, w]) => `${v}=${w}`)
        .join(' ')}`,
    );
    const versions = this.versionsOf(service);
    for (const [version, entry] of versions) {
      const weight = weights[version] ?? 0;
      if (weight === 0 && entry.desired === 0) versions.delete(version);
      else versions.set(version, { ...entry, weight });
    }
    for (const [version, weight] of Object.entries(weights))
      if (weight > 0 && !versions.has(version))
        versions.set(version, { version, desired: 0, current: 0, ready: 0, weight });
  }

  async metrics(service: string, version: string, windowSeconds: number): Promise<VersionMetrics> {
    return this.measure(service, version, windowSeconds);
  }

  async preview(service: string, version: string): Promise<string> {
    return `memory://${service}/${version}`;
  }

  /** Every started replica of the version passes readiness (with `readyAtOnce: false`). */
  markReady(service: string, version: string): void {
    const entry = this.versionsOf(service).get(version);
    if (entry) entry.ready = entry.desired;
  }
}
