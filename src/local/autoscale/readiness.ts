/**
 * When each replica last turned ready or unready, as far as the autoscaler can tell: it looks at
 * every sync, so a change is dated at the sync that first sees it (at most one sync period late,
 * which errs towards ignoring a fresh replica's CPU sample, as the controller's CPU
 * initialization rules intend). A replica seen for the first time has no known change: the
 * algorithm then dates its readiness from its start, as Kubernetes does for a pod ready since.
 */
export class ReadinessTransitions {
  private readonly seen = new Map<string, { ready: boolean; changedAt?: number }>();

  /** Records what was seen now and returns when `id`'s readiness last changed, if known. */
  observe(id: string, ready: boolean, now: number): number | undefined {
    const previous = this.seen.get(id);
    const changedAt = previous && previous.ready !== ready ? now : previous?.changedAt;
    this.seen.set(id, { ready, ...(changedAt === undefined ? {} : { changedAt }) });
    return changedAt;
  }

  /** Forgets replicas that are gone. */
  retain(keep: ReadonlySet<string>): void {
    for (const id of this.seen.keys()) if (!keep.has(id)) this.seen.delete(id);
  }
}
