import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideLease, heldLease, type LeaseObject, leaseExpiry } from './lease.ts';

const T0 = Date.parse('2026-12-06T12:00:00Z');
const REF = { name: 'gantry-controller', namespace: 'gantry-system' };
const lease = (spec: LeaseObject['spec']): LeaseObject => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { ...REF, resourceVersion: '7' },
  ...(spec ? { spec } : {}),
});
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe('decideLease: who may hold the Lease', () => {
  const rows: { name: string; lease?: LeaseObject; now: number; expect: ReturnType<typeof decideLease> }[] = [
    { name: 'no Lease: create it', now: T0, expect: { action: 'create' } },
    {
      name: 'ours: renew',
      lease: lease({ holderIdentity: 'a', renewTime: at(0), leaseDurationSeconds: 15 }),
      now: T0 + 14_000,
      expect: { action: 'renew' },
    },
    {
      name: 'another holds it, 1 ms before it expires: wait',
      lease: lease({ holderIdentity: 'b', renewTime: at(0), leaseDurationSeconds: 15 }),
      now: T0 + 14_999,
      expect: { action: 'wait', holder: 'b', expiresAt: T0 + 15_000 },
    },
    {
      name: 'another held it, expired at renewTime + leaseDurationSeconds: take it',
      lease: lease({ holderIdentity: 'b', renewTime: at(0), leaseDurationSeconds: 15 }),
      now: T0 + 15_000,
      expect: { action: 'take' },
    },
    {
      name: 'released (no holder): take it',
      lease: lease({ holderIdentity: '', renewTime: at(0), leaseDurationSeconds: 15 }),
      now: T0,
      expect: { action: 'take' },
    },
    {
      name: 'acquired and never renewed: acquireTime counts',
      lease: lease({ holderIdentity: 'b', acquireTime: at(0), leaseDurationSeconds: 4 }),
      now: T0 + 3_000,
      expect: { action: 'wait', holder: 'b', expiresAt: T0 + 4_000 },
    },
  ];
  for (const row of rows)
    it(row.name, () => assert.deepEqual(decideLease(row.lease, 'a', row.now), row.expect));

  it('no leaseDurationSeconds: 15 s, as client-go defaults', () =>
    assert.equal(leaseExpiry({ holderIdentity: 'b', renewTime: at(0) }), T0 + 15_000));
});

describe('heldLease: what a candidate writes', () => {
  it('taking it over: a transition, acquireTime now, the resourceVersion read (so a racing write loses)', () => {
    const taken = heldLease(
      lease({ holderIdentity: 'b', acquireTime: at(0), renewTime: at(0), leaseTransitions: 2 }),
      REF,
      'a',
      15,
      T0 + 20_000,
    );
    assert.deepEqual(taken.spec, {
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2026-12-06T12:00:20.000000Z',
      renewTime: '2026-12-06T12:00:20.000000Z',
      leaseTransitions: 3,
    });
    assert.equal(taken.metadata.resourceVersion, '7');
  });

  it('renewing: acquireTime kept, no transition', () => {
    const renewed = heldLease(
      lease({ holderIdentity: 'a', acquireTime: '2026-12-06T11:00:00.000000Z', leaseTransitions: 2 }),
      REF,
      'a',
      15,
      T0,
    );
    assert.equal(renewed.spec?.acquireTime, '2026-12-06T11:00:00.000000Z');
    assert.equal(renewed.spec?.leaseTransitions, 2);
  });
});
