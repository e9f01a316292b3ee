/**
 * The Platform seam on this machine: the release engine and the autoscaler drive the
 * local services through it exactly as they drive a cluster. Changes go to the store
 * (desired replicas and weights per version); the service controllers make them real.
 */
import {
  checkWeights,
  NO_METRICS,
  type Platform,
  type ServiceState,
  type VersionMetrics,
} from '../platform/platform.ts';
import type { ServiceController } from './service-controller.ts';
import type { Store } from './store.ts';

export class LocalPlatform implements Platform {
  constructor(
    private readonly store: Store,
    private readonly controllers: ReadonlyMap<string, ServiceController>,
  ) {}

  private controller(service: string): ServiceController {
    const controller = this.controllers.get(service);
    if (!controller) throw new Error(`unknown service ${service}`);
    return controller;
  }

  async observe(service: string): Promise<ServiceState> {
    const controller = this.controller(service);
    return {
      service,
      versions: controller.versionStates(),
      ...(controller.url ? { url: controller.url } : {}),
    };
  }

  async scale(service: string, version: string, replicas: number): Promise<void> {
    const controller = this.controller(service);
    if (!this.store.revision(service, version))
      throw new Error(`service ${service} has no revision ${version}`);
    const existing = this.store.desired(service).find((d) => d.version === version);
    const weight = existing?.weight ?? 0;
    if (replicas === 0 && weight === 0) this.store.removeDesired(service, version);
    else this.store.setDesired({ service, version, replicas, weight, generation: existing?.generation ?? 0 });
    await controller.reconcile();
  }

  async route(service: string, weights: Record<string, number>): Promise<void> {
    const controller = this.controller(service);
    checkWeights(weights);
    this.store.transaction(() => {
      const entries = this.store.desired(service);
      for (const entry of entries) {
        const weight = weights[entry.version] ?? 0;
        // A version with neither replicas nor traffic is no longer part of the service.
        if (weight === 0 && entry.replicas === 0) this.store.removeDesired(service, entry.version);
        else this.store.setDesired({ ...entry, weight });
      }
      // Traffic for a version that runs nothing yet (a rollback to one a rolling update had
      // replaced): its weight waits for the replicas the release asks for next.
      for (const [version, weight] of Object.entries(weights))
        if (weight > 0 && !entries.some((entry) => entry.version === version))
          this.store.setDesired({ service, version, replicas: 0, weight, generation: 0 });
    });
    await controller.reconcile();
  }

  async metrics(service: string, version: string, windowSeconds: number): Promise<VersionMetrics> {
    return this.controller(service).metrics(version, windowSeconds) ?? NO_METRICS;
  }

  preview(service: string, version: string): Promise<string> {
    return this.controller(service).preview(version);
  }
}
