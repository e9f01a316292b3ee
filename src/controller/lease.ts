/**
 * Leader election over a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it: the
 * holder renews `renewTime` well inside `leaseDurationSeconds`; anyone else may take the Lease only
 * once it has expired (renewTime + duration in the past), and every write carries the
 * resourceVersion it read, so two candidates racing for an expired Lease cannot both win — the API
 * server refuses the second write (409). Only the holder drives releases.
 *
 * `decideLease` is the rule, pure (the clock is passed in); `LeaseElection` is the adapter.
 */
import { ApiException, type KubernetesObjectApi } from '@kubernetes/client-node';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface LeaseObject {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

export type LeaseDecision =
  /** No Lease yet: create it, holding it. */
  | { action: 'create' }
  /** Ours: renew it. */
  | { action: 'renew' }
  /** Expired (or released): take it over. */
  | { action: 'take' }
  /** Another candidate holds it, and it has not expired: wait. */
  | { action: 'wait'; holder: string; expiresAt: number };

/** When a Lease, as read, stops protecting its holder (ms since the epoch). */
export function leaseExpiry(spec: LeaseSpec | undefined): number {
  const renewed = spec?.renewTime ?? spec?.acquireTime;
  if (!renewed || !spec?.holderIdentity) return 0;
  return Date.parse(renewed) + (spec.leaseDurationSeconds ?? 15) * 1000;
}

export function decideLease(lease: LeaseObject | undefined, identity: string, now: number): LeaseDecision {
  if (!lease) return { action: 'create' };
  const holder = lease.spec?.holderIdentity;
  if (holder === identity) return { action: 'renew' };
  const expiresAt = leaseExpiry(lease.spec);
  if (!holder || now >= expiresAt) return { action: 'take' };
  return { action: 'wait', holder, expiresAt };
}

/** The Lease as a candidate writes it to hold it now. */
export function heldLease(
  lease: LeaseObject | undefined,
  ref: { name: string; namespace: string },
  identity: string,
  durationSeconds: number,
  now: number,
): LeaseObject {
  const time = new Date(now).toISOString().replace(/\.\d+Z$/, '.000000Z');
  const ours = lease?.spec?.holderIdentity === identity;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      ...ref,
      ...(lease?.metadata.resourceVersion ? { resourceVersion: lease.metadata.resourceVersion } : {}),
    },
    spec: {
      holderIdentity: identity,
      leaseDurationSeconds: durationSeconds,
      acquireTime: ours ? (lease?.spec?.acquireTime ?? time) : time,
      renewTime: time,
      leaseTransitions: (lease?.spec?.leaseTransitions ?? 0) + (ours || !lease ? 0 : 1),
    },
  };
}

export class LeaseElection {
  private held = false;
  private heldUntil = 0;

  constructor(
    private readonly api: KubernetesObjectApi,
    readonly ref: { name: string; namespace: string },
    readonly identity: string,
    private readonly durationSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True while this candidate holds a Lease it renewed within its duration. */
  get leading(): boolean {
    return this.held && this.now() < this.heldUntil;
  }

  /** One round: renew, take or wait. Returns whether this candidate leads now. */
  async round(): Promise<boolean> {
    const lease = await this.read();
    const decision = decideLease(lease, this.identity, this.now());
    if (decision.action === 'wait') {
      this.held = false;
      return false;
    }
    const next = heldLease(lease, this.ref, this.identity, this.durationSeconds, this.now());
    try {
      if (decision.action === 'create') await this.api.create(next);
      else await this.api.replace(next);
    } catch (error) {
      // Another candidate wrote first (409 on create or on a stale resourceVersion): not ours.
      if (error instanceof ApiException && error.code === 409) {
        this.held = false;
        return false;
      }
      throw error;
    }
    this.held = true;
    this.heldUntil = this.now() + this.durationSeconds * 1000;
    return true;
  }

  /** Gives the Lease up (a clean stop), so a standby takes over at once instead of after it expires. */
  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    const lease = await this.read();
    if (lease?.spec?.holderIdentity !== this.identity) return;
    await this.api
      .replace({ ...lease, spec: { ...lease.spec, holderIdentity: '', renewTime: undefined } } as LeaseObject)
      .catch(() => undefined);
  }

  private async read(): Promise<LeaseObject | undefined> {
    try {
      return (await this.api.read({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: this.ref,
      })) as unknown as LeaseObject;
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }
}
