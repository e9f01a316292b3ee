/**
 * Chooses the backend for one request. Pure: no I/O and no clock (callers pass `now`), so the
 * split and the tie-breaking can be tested exactly.
 *
 * Two levels:
 * 1. Version, by weight, with smooth weighted round-robin (the nginx algorithm): deterministic, so
 *    a 10% canary gets exactly 10 of every 100 requests instead of a coin flip's ±3%. Weights are
 *    renormalised over the versions that currently have backends.
 * 2. Backend within the version: least outstanding requests, ties broken round-robin, so a slow
 *    replica gets less new work and equal replicas share evenly.
 *
 * A request carrying a stickiness key skips step 1's rotation and hashes the key onto the weight
 * line instead, so the same key keeps landing on the same version while the weights stay put.
 */

export interface BackendRef {
  id: string;
  version: string;
}

/** The balancer's per-backend state; the proxy holds on to it for the request's lifetime. */
export interface Slot<B extends BackendRef> {
  readonly backend: B;
  /** Requests sent and not yet finished; the proxy increments and decrements it. */
  outstanding: number;
  /** Skip this slot for new requests until then (a refused connection); see markDown. */
  downUntil: number;
}

interface VersionGroup<B extends BackendRef> {
  version: string;
  slots: Slot<B>[];
  /** Effective weight after renormalisation (any positive scale). */
  weight: number;
  /** Smooth weighted round-robin state. */
  current: number;
  /** Where the next least-outstanding scan starts, for round-robin ties. */
  cursor: number;
}

export class Balancer<B extends BackendRef> {
  private slots = new Map<string, Slot<B>>();
  private configured: Record<string, number> | null = null;
  /** Versions with backends and positive effective weight, in a stable (sorted) order. */
  private groups: VersionGroup<B>[] = [];
  private totalWeight = 0;

  /** Replaces the set of ready backends. A backend kept under the same id keeps its counters. */
  setBackends(backends: readonly B[], sameBackend: (a: B, b: B) => boolean = () => true): void {
    const next = new Map<string, Slot<B>>();
    for (const backend of backends) {
      const old = this.slots.get(backend.id);
      next.set(
        backend.id,
        old && old.backend.version === backend.version && sameBackend(old.backend, backend)
          ? old
          : { backend, outstanding: 0, downUntil: 0 },
      );
    }
    this.slots = next;
    this.rebuild();
  }

  /** Percent by version; versions not listed get 0. `null` returns to spreading by backend count. */
  setWeights(weights: Record<string, number> | null): void {
    this.configured = weights === null ? null : { ...weights };
    this.rebuild();
  }

  /** The configured weights, or (before any were set) the backend-count split in percent. */
  weights(): Record<string, number> {
    if (this.configured) return { ...this.configured };
    const out: Record<string, number> = {};
    const total = this.slots.size;
    for (const group of this.groups)
      out[group.version] = total === 0 ? 0 : (100 * group.slots.length) / total;
    return out;
  }

  /** True when no backend at all is ready. */
  get empty(): boolean {
    return this.slots.size === 0;
  }

  /** The backend for a new request, or undefined when none is ready. */
  pick(now: number, stickyKey?: string): Slot<B> | undefined {
    const groups = this.groups;
    if (groups.length === 0) return undefined;
    const group =
      groups.length === 1 ? groups[0]! : stickyKey ? this.stickyGroup(stickyKey) : this.nextGroup();
    return leastOutstanding(group, now, undefined);
  }

  /**
   * A different backend for retrying a request that `failed` could not serve: the same version
   * first (keeps the split honest), else any version. Undefined when there is no other backend.
   */
  pickRetry(failed: Slot<B>, now: number): Slot<B> | undefined {
    const own = this.groups.find((g) => g.version === failed.backend.version);
    const same = own && leastOutstanding(own, now, failed);
    if (same) return same;
    let best: Slot<B> | undefined;
    for (const group of this.groups) {
      const slot = leastOutstanding(group, now, failed);
      if (slot && (!best || slot.outstanding < best.outstanding)) best = slot;
    }
    return best;
  }

  /**
   * Passive health: after a refused connection, keep new requests away from the slot for a while.
   * The supervisor's probes decide readiness; this only spares requests the refused-connect detour
   * during the probe period. A version whose backends are all down still gets tried.
   */
  markDown(slot: Slot<B>, until: number): void {
    slot.downUntil = until;
  }

  private nextGroup(): VersionGroup<B> {
    // Smooth weighted round-robin: everyone gains its weight, the richest is chosen and pays the
    // total. Over any run of `totalWeight` picks each version is chosen exactly `weight` times.
    const groups = this.groups;
    let best = groups[0]!;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      g.current += g.weight;
      if (g.current > best.current) best = g;
    }
    best.current -= this.totalWeight;
    return best;
  }

  private stickyGroup(key: string): VersionGroup<B> {
    // The key's hash is a point on [0, total); versions own consecutive stretches of that line.
    const point = (fnv1a(key) / 0x1_0000_0000) * this.totalWeight;
    let acc = 0;
    for (const group of this.groups) {
      acc += group.weight;
      if (point < acc) return group;
    }
    return this.groups[this.groups.length - 1]!;
  }

  private rebuild(): void {
    const byVersion = new Map<string, Slot<B>[]>();
    for (const slot of this.slots.values()) {
      const list = byVersion.get(slot.backend.version);
      if (list) list.push(slot);
      else byVersion.set(slot.backend.version, [slot]);
    }
    const versions = [...byVersion.keys()].sort();
    let groups = versions.map((version) => ({
      version,
      slots: byVersion.get(version)!,
      weight: this.configured ? Math.max(0, this.configured[version] ?? 0) : byVersion.get(version)!.length,
      current: 0,
      cursor: 0,
    }));
    const positive = groups.filter((g) => g.weight > 0);
    // Every weighted version lacks ready backends: serving from what is ready beats a 503, so fall
    // back to spreading by backend count.
    if (positive.length === 0) for (const g of groups) g.weight = g.slots.length;
    else groups = positive;
    this.groups = groups;
    this.totalWeight = groups.reduce((sum, g) => sum + g.weight, 0);
  }
}

/** Least outstanding requests among the group's live slots, scanning from the round-robin cursor. */
function leastOutstanding<B extends BackendRef>(
  group: VersionGroup<B>,
  now: number,
  exclude: Slot<B> | undefined,
): Slot<B> | undefined {
  const slots = group.slots;
  const n = slots.length;
  let best: Slot<B> | undefined;
  let bestIndex = 0;
  let fallback: Slot<B> | undefined;
  let fallbackIndex = 0;
  for (let k = 0; k < n; k++) {
    const i = (group.cursor + k) % n;
    const slot = slots[i]!;
    if (slot === exclude) continue;
    if (slot.downUntil > now) {
      if (!fallback || slot.outstanding < fallback.outstanding) {
        fallback = slot;
        fallbackIndex = i;
      }
      continue;
    }
    if (!best || slot.outstanding < best.outstanding) {
      best = slot;
      bestIndex = i;
    }
  }
  if (!best) {
    best = fallback;
    bestIndex = fallbackIndex;
  }
  if (best) group.cursor = (bestIndex + 1) % n;
  return best;
}

/** FNV-1a, 32 bits: cheap, stable across runs and processes, good enough to spread keys. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
