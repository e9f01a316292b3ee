/**
 * The Platform contract: one suite every platform passes — in memory, the local daemon's, a
 * Kubernetes cluster's — so the release engine and the autoscaler can rely on the same behaviour
 * wherever they run. Not a test file itself: each platform's test file calls `platformContract`
 * with a way to make one running `service` at `stable` (ready, all traffic), with a revision of
 * `next` to scale up.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Platform, ServiceState } from './platform.ts';

export interface PlatformUnderTest {
  platform: Platform;
  service: string;
  /** Runs `replicas` replicas, ready, and takes all traffic when the suite starts. */
  stable: { version: string; replicas: number };
  /** A version the platform can run (its revision or image exists). */
  next: string;
  /** Sends `requests` requests to the service (what users would), when the platform can be reached. */
  sendTraffic?(requests: number): Promise<void>;
  /** How long replicas may take to start (a cluster's scheduler and kubelet, processes). */
  timeoutMs?: number;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Observes until `check` holds (replicas start and stop in their own time), or fails saying what was seen. */
async function eventually(
  under: PlatformUnderTest,
  what: string,
  check: (state: ServiceState) => boolean,
): Promise<ServiceState> {
  const deadline = Date.now() + (under.timeoutMs ?? 10_000);
  for (;;) {
    const state = await under.platform.observe(under.service);
    if (check(state)) return state;
    if (Date.now() > deadline) assert.fail(`${what}; saw ${JSON.stringify(state.versions)}`);
    await sleep(100);
  }
}

const version = (state: ServiceState, name: string) => state.versions.find((v) => v.version === name);

export function platformContract(name: string, make: () => Promise<PlatformUnderTest>): void {
  describe(`Platform contract: ${name}`, () => {
    const withPlatform = (test: (under: PlatformUnderTest) => Promise<void>) => async () => {
      const under = await make();
      try {
        await test(under);
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
      'scales a new version up beside the stable one, without traffic until routed, and back to nothing',
      withPlatform(async (under) => {
        await under.platform.scale(under.service, under.next, 1);
        const up = await eventually(under, `${under.next} ready`, (s) => version(s, under.next)?.ready === 1);
        assert.equal(version(up, under.next)?.desired, 1);
        assert.equal(version(up, under.next)?.weight, 0, 'no traffic before a route');
        assert.equal(version(up, under.stable.version)?.weight, 100);
        await under.platform.scale(under.service, under.next, 0);
        await eventually(under, `${under.next} gone`, (s) => (version(s, under.next)?.current ?? 0) === 0);
      }),
    );

    it(
      'routes by weight, and refuses weights that do not add up to 100',
      withPlatform(async (under) => {
        await under.platform.scale(under.service, under.next, 1);
        await eventually(under, `${under.next} ready`, (s) => version(s, under.next)?.ready === 1);
        await under.platform.route(under.service, { [under.stable.version]: 75, [under.next]: 25 });
        const routed = await under.platform.observe(under.service);
        assert.equal(version(routed, under.next)?.weight, 25);
        assert.equal(version(routed, under.stable.version)?.weight, 75);
        await assert.rejects(
          under.platform.route(under.service, { [under.stable.version]: 60, [under.next]: 30 }),
          /100/,
        );
        await under.platform.route(under.service, { [under.stable.version]: 100 });
        const back = await under.platform.observe(under.service);
        assert.equal(version(back, under.stable.version)?.weight, 100);
        assert.equal(version(back, under.next)?.weight ?? 0, 0);
      }),
    );

    it(
      'measures a version by what it served, and a version that served nothing as nothing',
      withPlatform(async (under) => {
        if (!under.sendTraffic) return;
        await under.sendTraffic(40);
        const served = await under.platform.metrics(under.service, under.stable.version, 30);
        assert.ok(served.requests >= 40, `${served.requests} requests`);
        assert.equal(served.errors, 0);
        assert.equal(served.successRate, 1);
        assert.ok(served.latencyP95Ms !== null && served.latencyP95Ms > 0);
        const idle = await under.platform.metrics(under.service, under.next, 30);
        assert.equal(idle.requests, 0);
        assert.equal(idle.successRate, null);
      }),
    );
  });
}
