/**
 * The ReleaseStore contract: one suite every store passes (in memory, SQLite, the cluster's
 * objects), so the manager can rely on the same behaviour in every home. Not a test file itself:
 * each store's test file calls `releaseStoreContract` with a way to make one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServiceModel } from '../spec/model.ts';
import type { ReleaseStore } from './manager.ts';
import { startingRelease } from './state.ts';

export interface StoreUnderTest {
  store: ReleaseStore;
  /** The same store as a new process would open it (omit when nothing outlives the object). */
  reopen?(): Promise<ReleaseStore>;
  close?(): Promise<void>;
}

const draft = (service: string, version: string, stable = 'v1') =>
  startingRelease({ service, version, stable, strategy: 'canary', replicas: 3 }, 1_700_000_000_000);

/** The smallest spec the tests keep; stores must keep it whole. */
const SPEC = {
  name: 'api',
  replicas: 3,
  port: 8000,
  env: { LOG_LEVEL: 'info' },
  release: { strategy: 'canary', steps: [{ weight: 10 }, { weight: 100 }] },
} as unknown as ServiceModel;

export function releaseStoreContract(name: string, make: () => Promise<StoreUnderTest>): void {
  describe(`ReleaseStore contract: ${name}`, () => {
    const withStore = (test: (t: StoreUnderTest) => Promise<void>) => async () => {
      const under = await make();
      try {
        await test(under);
      } finally {
        await under.close?.();
      }
    };

    it(
      'creates releases under increasing revision numbers, and lists them oldest first per service',
      withStore(async ({ store }) => {
        const first = await store.create(draft('api', 'v2'), SPEC);
        const other = await store.create(draft('web', 'w2', 'w1'), SPEC);
        const second = await store.create(draft('api', 'v3', 'v2'), SPEC);
        assert.ok(second.id > first.id, `${second.id} after ${first.id}`);
        assert.deepEqual(
          (await store.history('api')).map((r) => [r.id, r.version]),
          [
            [first.id, 'v2'],
            [second.id, 'v3'],
          ],
        );
        assert.deepEqual(
          (await store.history('web')).map((r) => r.id),
          [other.id],
        );
        assert.deepEqual((await store.services()).sort(), ['api', 'web']);
        assert.deepEqual(await store.history('none'), []);
      }),
    );

    it(
      'saves a release by its revision number, whole',
      withStore(async ({ store }) => {
        const created = await store.create(draft('api', 'v2'), SPEC);
        const next = {
          ...created,
          step: 3,
          status: 'paused' as const,
          message: 'paused at 50 %',
          waitingForData: true,
        };
        await store.save(next);
        assert.deepEqual((await store.history('api')).at(-1), next);
      }),
    );

    it(
      'keeps the spec each release’s version runs (its revision)',
      withStore(async ({ store }) => {
        await store.create(draft('api', 'v2'), SPEC);
        assert.deepEqual(await store.revision('api', 'v2'), SPEC);
      }),
    );

    it(
      'a request is taken once, the newest wins, and it belongs to its service',
      withStore(async ({ store }) => {
        await store.create(draft('api', 'v2'), SPEC);
        await store.create(draft('web', 'w2', 'w1'), SPEC);
        assert.equal(await store.takeRequest('api'), undefined);
        await store.fileRequest('api', 'promote');
        await store.fileRequest('api', 'abort');
        assert.equal(await store.takeRequest('web'), undefined);
        assert.equal(await store.takeRequest('api'), 'abort');
        assert.equal(await store.takeRequest('api'), undefined);
      }),
    );

    it(
      'what it keeps outlives the process that wrote it (releases, revisions, a pending request)',
      withStore(async (under) => {
        if (!under.reopen) return;
        const created = await under.store.create(draft('api', 'v2'), SPEC);
        await under.store.save({ ...created, step: 2 });
        await under.store.fileRequest('api', 'promote');
        const again = await under.reopen();
        assert.equal((await again.history('api')).at(-1)?.step, 2);
        assert.deepEqual(await again.revision('api', 'v2'), SPEC);
        assert.equal(await again.takeRequest('api'), 'promote');
      }),
    );
  });
}
