/**
 * The Platform contract: one suite every platform passes — in memory, the local daemon's, a
 * Kubernetes cluster's — so the release engine and the autoscaler can rely on the same behaviour
 * wherever they run. Not a test file itself: each platform's test file calls `platformContract`
 * with a way to make one running `service` at `stable` (ready, all traffic), with a revision of
 * `next` to scale up. The files that run it are listed in platform.ts.
 *
 * Where platforms differ for a reason they cannot help, the difference is a declared option
 * (`traffic`) and the suite asserts what that kind of platform does instead — never a skip.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Platform, ServiceState, VersionMetrics } from './platform.ts';

/**
 * How a platform turns weights into traffic, and so what `observe` reports as a version's weight:
 * - `exact`: the weights `route` was given, at once (a load balancer of ours, a Gateway API HTTPRoute);
 * - `replica-ratio`: one Service selects every version's pods, so a version's weight is its share
 *   of the ready pods. A ready pod takes its share before any route; `route` resizes the stable
 *   track (the weights follow as pods start and stop) and takes nothing from pods that run: only
 *   scaling a version to 0 does.
 * - `all-or-nothing` (blue-green: one Service selector): the version given the largest weight takes
 *   all the traffic.
 */
export type TrafficKind = 'exact' | 'replica-ratio' | 'all-or-nothing';

export interface PlatformUnderTest {
  platform: Platform;
  service: string;
  /**
   * Runs `replicas` replicas, ready, and takes all traffic when the suite starts. With
   * `replica-ratio` traffic, `replicas` must let 25 % be exact by pods (4: 3 stable + 1 next).
   */
  stable: { version: string; replicas: number };
  /** A version the platform can run (its revision or image exists). */
  next: string;
  /** Default `exact`. */
  traffic?: TrafficKind;
  /**
   * Sends `requests` requests to the service (what users would), when the platform can be reached.
   * Absent: the metrics clause is skipped, saying why (`noTraffic`).
   */
  sendTraffic?(requests: number): Promise<void>;
  noTraffic?: string;
  /** How long replicas may take to start (a cluster's scheduler and kubelet, processes). */
  timeoutMs?: number;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks until `check` holds (replicas start and stop, scrapes come, in their own time), or fails saying what was seen. */
async function eventually<T>(
  under: PlatformUnderTest,
  what: string,
  read: () => Promise<T>,
  check: (value: T) => boolean,
): Promise<T> {
  const deadline = Date.now() + (under.timeoutMs ?? 10_000);
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) assert.fail(`${what}; saw ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

const observed = (under: PlatformUnderTest, what: string, check: (state: ServiceState) => boolean) =>
  eventually(under, what, () => under.platform.observe(under.service), check);

const version = (state: ServiceState, name: string) => state.versions.find((v) => v.version === name);
const weightOf = (state: ServiceState, name: string) => version(state, name)?.weight ?? 0;
const weights = (state: ServiceState, under: PlatformUnderTest) => [
  weightOf(state, under.stable.version),
  weightOf(state, under.next),
];
/** A version's share of `ready` pods among `total`, in % to one decimal (as weights by replicas are). */
const share = (ready: number, total: number) => Math.round((ready / total) * 1000) / 10;

export function platformContract(name: string, make: () => Promise<PlatformUnderTest>): void {
  describe(`Platform contract: ${name}`, () => {
    const withPlatform =
      (test: (under: PlatformUnderTest, t: TestContext) => Promise<void>) => async (t: TestContext) => {
        const under = await make();
        try {
          await test(under, t);
        } finally {
          await under.close();
        }
      };

    it(
      'observes the serving version: its replicas desired and ready, and all the traffic',
      withPlatform(async (under) => {
        const state = await under.platform.observe(under.service);
        assert.equal(state.service, under.service);
        const stable = version(state, under.stable.version);
        assert.ok(stable, JSON.stringify(state.versions));
        assert.equal(stable.desired, under.stable.replicas);
        assert.equal(stable.ready, under.stable.replicas);
        assert.equal(stable.weight, 100);
      }),
    );

    it(
      'scales the serving version up and down (as the autoscaler does): the replicas follow, the traffic stays',
      withPlatform(async (under) => {
        const { version: stable, replicas } = under.stable;
        await under.platform.scale(under.service, stable, replicas + 1);
        const up = await observed(
          under,
          `${replicas + 1} ready`,
          (s) => version(s, stable)?.ready === replicas + 1,
        );
        assert.equal(version(up, stable)?.desired, replicas + 1);
        assert.equal(weightOf(up, stable), 100);
        await under.platform.scale(under.service, stable, replicas);
        const down = await observed(
          under,
          `back to ${replicas}`,
          (s) => version(s, stable)?.current === replicas,
        );
        assert.equal(version(down, stable)?.desired, replicas);
        assert.equal(version(down, stable)?.ready, replicas);
        assert.equal(weightOf(down, stable), 100);
      }),
    );

    it(
      'scales a new version up beside the stable one, without traffic until routed (by replica ratio: its share of the pods), and back to nothing',
      withPlatform(async (under) => {
        const replicas = under.stable.replicas;
        await under.platform.scale(under.service, under.next, 1);
        const up = await observed(under, `${under.next} ready`, (s) => version(s, under.next)?.ready === 1);
        assert.equal(version(up, under.next)?.desired, 1);
        assert.equal(version(up, under.stable.version)?.desired, replicas, 'the stable version untouched');
        const unrouted =
          under.traffic === 'replica-ratio'
            ? [share(replicas, replicas + 1), share(1, replicas + 1)]
            : [100, 0];
        assert.deepEqual(weights(up, under), unrouted, 'the weights before any route');
        await under.platform.scale(under.service, under.next, 0);
        const down = await observed(
          under,
          `${under.next} gone`,
          (s) => (version(s, under.next)?.current ?? 0) === 0,
        );
        assert.deepEqual(weights(down, under), [100, 0]);
      }),
    );

    it(
      'routes by weight (blue-green: all to the largest), refuses weights that do not add up to 100 and changes nothing then',
      withPlatform(async (under) => {
        const { stable, next } = { stable: under.stable.version, next: under.next };
        const traffic = under.traffic ?? 'exact';
        await under.platform.scale(under.service, next, 1);
        await observed(under, `${next} ready`, (s) => version(s, next)?.ready === 1);

        await under.platform.route(under.service, { [stable]: 75, [next]: 25 });
        const split = traffic === 'all-or-nothing' ? [100, 0] : [75, 25];
        // By replica ratio the weights are the pods': they hold once the stable track has shrunk.
        const routed =
          traffic === 'replica-ratio'
            ? await observed(under, `weights ${split}`, (s) => `${weights(s, under)}` === `${split}`)
            : await under.platform.observe(under.service);
        assert.deepEqual(weights(routed, under), split);
        if (traffic === 'all-or-nothing') {
          await under.platform.route(under.service, { [next]: 100 });
          assert.deepEqual(weights(await under.platform.observe(under.service), under), [0, 100]);
        }

        const before = await under.platform.observe(under.service);
        await assert.rejects(under.platform.route(under.service, { [stable]: 60, [next]: 30 }), /100/);
        assert.deepEqual(weights(await under.platform.observe(under.service), under), weights(before, under));

        await under.platform.route(under.service, { [stable]: 100 });
        if (traffic === 'replica-ratio') {
          // The stable track is back at full size; the next version's pod still takes its share.
          const replicas = under.stable.replicas;
          const back = [share(replicas, replicas + 1), share(1, replicas + 1)];
          await observed(under, `weights ${back}`, (s) => `${weights(s, under)}` === `${back}`);
          await under.platform.scale(under.service, next, 0);
          await observed(under, 'all on the stable version', (s) => `${weights(s, under)}` === '100,0');
        } else {
          assert.deepEqual(weights(await under.platform.observe(under.service), under), [100, 0]);
        }
      }),
    );

    it(
      'measures a version by what it served, and a version that served nothing as nothing',
      withPlatform(async (under, t) => {
        const { sendTraffic } = under;
        if (!sendTraffic) {
          t.skip(`not applicable: ${under.noTraffic ?? 'nothing here can send requests to the service'}`);
          return;
        }
        await sendTraffic(40);
        // A measurement may lag the traffic by a report or a scrape.
        const served = await eventually<VersionMetrics>(
          under,
          'the 40 requests measured',
          () => under.platform.metrics(under.service, under.stable.version, 30),
          (m) => m.requests >= 40,
        );
        assert.equal(served.errors, 0);
        assert.equal(served.successRate, 1);
        assert.ok(served.latencyP95Ms !== null && served.latencyP95Ms > 0, `p95 ${served.latencyP95Ms}`);
        const idle = await under.platform.metrics(under.service, under.next, 30);
        assert.equal(idle.requests, 0);
        assert.equal(idle.successRate, null);
      }),
    );
  });
}
