/**
 * The release of each service, read from `GET /v1/services/:service/rollout` — the status
 * document the stream pushes carries versions and weights but not the release's steps and
 * measurements. Reads are driven by the stream, never by a timer: after a status push, and
 * only for a service that is in a release (two versions, or a release still active) or
 * has not been read yet; one read in flight per service.
 */
import type { DaemonStatus, Rollout } from './types.ts';

export class Rollouts {
  private readonly known = new Map<string, Rollout>();
  private readonly inFlight = new Set<string>();
  private readonly stale = new Set<string>();

  constructor(private readonly changed: (service: string, rollout: Rollout) => void) {}

  get(service: string): Rollout | undefined {
    return this.known.get(service);
  }

  /** A release event arrived (started, step, ended): read this service's release now. */
  refresh(service: string): void {
    this.stale.add(service);
    void this.read(service);
  }

  onStatus(status: DaemonStatus): void {
    for (const service of status.services) {
      const known = this.known.get(service.name);
      const active = known?.release?.status === 'progressing' || known?.release?.status === 'paused';
      if (!known || active || service.versions.length > 1 || this.stale.has(service.name))
        void this.read(service.name);
    }
  }

  private async read(service: string): Promise<void> {
    // Asked again while a read is out: `stale` stays set, so the next status push reads again.
    if (this.inFlight.has(service)) return;
    this.inFlight.add(service);
    this.stale.delete(service);
    try {
      const response = await fetch(`/v1/services/${encodeURIComponent(service)}/rollout`);
      if (!response.ok) return;
      const rollout = (await response.json()) as Rollout;
      this.known.set(service, rollout);
      this.changed(service, rollout);
    } catch {
      // The stream's reconnect brings a new status, and with it the next read.
    } finally {
      this.inFlight.delete(service);
    }
  }
}
