/**
 * Driving one release on a cluster to its end — the same code whether `gantry deploy --env` drives
 * it (no controller installed) or `gantry controller` does: every step is saved in the release
 * store (the annotation) and every request filed there by anyone is taken.
 *
 * - canary and blue-green: the release engine, one tick a second; a promoted canary is then folded
 *   into the stable Deployment; blue-green keeps the old colour for scaleDownDelaySeconds;
 * - rolling (and a rollback) on the stable Deployment: the Deployment's own RollingUpdate, then for
 *   a rolling release the bake, measured by the engine; a failure sets the previous image back;
 * - a rollback that left the failed version serving drains it once stable is back.
 */
import { loadTester } from '../../rollout/load-test.ts';
import type { ReleaseStore } from '../../rollout/manager.ts';
import { ReleaseRunner } from '../../rollout/runner.ts';
import { analysedLabel, isActive, type ReleaseState } from '../../rollout/state.ts';
import { analysisEnabled } from '../../rollout/steps.ts';
import { sendCheck } from '../http-check.ts';
import type { Platform } from '../platform.ts';
import type { ReleaseSession } from './release-session.ts';
import { waitForRollouts } from './rollout-wait.ts';

export interface DriveOptions {
  /** One line of progress (the CLI prints it with the time; the controller logs it). */
  log(line: string, warning?: boolean): void;
  /** How long the release may take before the driver gives up on it (the release stays as it is). */
  timeoutMs: number;
  tickMs?: number;
  /** The host lost the right to drive (the controller lost its lease): stop, leaving the release as saved. */
  stopped?(): boolean;
}

/** The release did not end within the time the host gave it; it stays as saved for another to drive. */
export class DriveTimeout extends Error {}

/** How long past scaleDownDelaySeconds blue-green keeps trying to scale the old colour down. */
const RETAIN_GRACE_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function driveRelease(
  session: ReleaseSession,
  store: ReleaseStore,
  first: ReleaseState,
  options: DriveOptions,
): Promise<ReleaseState> {
  try {
    if (session.layout === 'stable' && (first.strategy === 'rolling' || first.strategy === 'rollback'))
      return await rollingOnDeployment(session, store, first, options);
    return await withEngine(session, store, first, options);
  } finally {
    session.platform.close();
  }
}

/** Rolling (and a rollback) on the stable Deployment: its own RollingUpdate, then the bake. */
async function rollingOnDeployment(
  session: ReleaseSession & { layout: 'stable' },
  store: ReleaseStore,
  first: ReleaseState,
  options: DriveOptions,
): Promise<ReleaseState> {
  // A controller taking over a rolling release in its bake goes on measuring; else it rolls out.
  let state = first.step > 0 ? first : await rollOut(session, first, options);
  if (state.status === 'succeeded' && first.strategy === 'rolling') {
    state = analysisEnabled(session.spec.release)
      ? await bake(session, store, state, options)
      : { ...state, analysed: 'off', message: `${state.message} — ${analysedLabel({ analysed: 'off' })}` };
  }
  // Nothing more to retain: the Deployment keeps the previous ReplicaSet itself.
  if (state.status === 'succeeded') state = { ...state, retainDone: true };
  if (!isActive(state)) await store.save(state);
  return state;
}

async function rollOut(
  session: ReleaseSession & { layout: 'stable' },
  state: ReleaseState,
  options: DriveOptions,
): Promise<ReleaseState> {
  const { platform, cluster } = session;
  const { service, version, stable } = state;
  const deployment = await platform.setVersion(service, version);
  try {
    await waitForRollouts(cluster, [deployment], { timeoutMs: options.timeoutMs }, (_, status) =>
      options.log(status.message),
    );
    const message = state.strategy === 'rollback' ? `back on ${version}` : `${service} runs ${version}`;
    return { ...state, status: 'succeeded', message, endedAt: Date.now() };
  } catch (error) {
    // The Deployment controller never undoes a failed rollout by itself; the local platform would.
    const reason = (error as Error).message;
    await platform.setVersion(service, stable);
    options.log(`rolled back: ${service} set to ${stable} again`);
    return {
      ...state,
      status: 'rolled-back',
      message: `back on ${stable}: ${reason}`,
      reason,
      endedAt: Date.now(),
    };
  }
}

/**
 * The bake after the Deployment's own rolling update: the engine measures the new version at
 * 100 % with the same gates, pauses and requests as everywhere; a failure sets the previous image
 * back, and the ReplicaSet the Deployment kept for it scales up again. The engine only measures
 * here (its scale and route are no-ops): the Deployment owns the replicas.
 */
async function bake(
  session: ReleaseSession & { layout: 'stable' },
  store: ReleaseStore,
  rolledOut: ReleaseState,
  options: DriveOptions,
): Promise<ReleaseState> {
  const { platform } = session;
  const measuring: Platform = {
    observe: (service) => platform.observe(service),
    metrics: (service, version, seconds) => platform.metrics(service, version, seconds),
    preview: (service, version) => platform.preview(service, version),
    scale: async () => {},
    route: async () => {},
  };
  const { endedAt: _ended, ...rest } = rolledOut;
  const runner = engine(session, store, { ...rest, status: 'progressing', step: 1 }, measuring, options);
  await follow(runner, store, options);
  const state = runner.state;
  if (state.status === 'succeeded' || isActive(state)) return state;
  const deployment = await platform.setVersion(state.service, state.stable);
  options.log(`rolled back: ${state.service} set to ${state.stable} again`);
  await waitForRollouts(session.cluster, [deployment], { timeoutMs: options.timeoutMs }, (_, status) =>
    options.log(status.message),
  );
  return { ...state, message: `back on ${state.stable}: ${state.reason}` };
}

/** Canary and blue-green: the engine drives the platform, one tick a second. */
async function withEngine(
  session: ReleaseSession,
  store: ReleaseStore,
  first: ReleaseState,
  options: DriveOptions,
): Promise<ReleaseState> {
  const { spec } = session;
  const service = first.service;
  const runner = engine(session, store, first, session.platform, options);
  await follow(runner, store, options);
  if (isActive(runner.state)) return runner.state; // stopped: another host goes on from here
  // A rollback that left the failed version serving (stable not ready at full size) drains it
  // once stable is back: the runner's housekeeping, ticked until it is done.
  if (runner.state.status !== 'succeeded' && runner.live) {
    options.log(`keeping ${runner.state.version} serving until ${runner.state.stable} is ready again`);
    while (runner.live && !options.stopped?.()) {
      await sleep(options.tickMs ?? 1000);
      await runner.tick();
    }
  }
  if (runner.state.status === 'succeeded' && session.layout === 'stable' && first.strategy === 'canary') {
    // The canary becomes the stable track, then its own Deployment goes.
    const folded = await session.platform.foldCanary(service, runner.state.version, spec.replicas);
    await waitForRollouts(session.cluster, [folded], { timeoutMs: options.timeoutMs }, (_, status) =>
      options.log(status.message),
    );
    await session.platform.retireCanary(service);
    options.log(
      `${service}: ${runner.state.version} now runs in Deployment ${service}; ${service}-canary scaled to 0`,
    );
    // The stable Deployment was the retained version; folding it is the end of the retention.
    const done = { ...runner.state, retainDone: true };
    await store.save(done);
    return done;
  }
  if (session.layout === 'blue-green' && runner.live) await retainOldColour(session, store, runner, options);
  return runner.state;
}

/** The release engine over a cluster platform, every state saved in the store, its events logged. */
function engine(
  session: ReleaseSession,
  store: ReleaseStore,
  first: ReleaseState,
  platform: Platform,
  options: DriveOptions,
): ReleaseRunner {
  return new ReleaseRunner(first, {
    platform,
    specFor: () => session.spec,
    save: (next) => store.save(next),
    event: (_state, type, reason, message) => options.log(`${reason}: ${message}`, type === 'Warning'),
    now: Date.now,
    metricSource: () => session.platform.metricSource(),
    startLoadTest: loadTester(sendCheck),
    sendCheck,
  });
}

/** Ticks the engine until the release ends, taking the requests filed in the store. */
async function follow(runner: ReleaseRunner, store: ReleaseStore, options: DriveOptions): Promise<void> {
  const { id, service } = runner.state;
  const deadline = Date.now() + options.timeoutMs;
  while (isActive(runner.state) && !options.stopped?.()) {
    const taken = await store.takeRequest(service);
    if (taken) {
      options.log(`${taken} requested`);
      runner.request(taken);
    }
    await runner.tick();
    if (!isActive(runner.state)) break;
    if (Date.now() > deadline)
      throw new DriveTimeout(
        `release ${id} of ${service} still ${runner.state.status} after ${options.timeoutMs / 1000}s`,
      );
    await sleep(options.tickMs ?? 1000);
  }
}

/**
 * Blue-green keeps the old colour for scaleDownDelaySeconds after the switch, so switching back
 * is instant; then the runner's housekeeping scales it to 0. A host stopped earlier leaves it
 * running, and the next release takes that colour over.
 */
async function retainOldColour(
  session: ReleaseSession & { layout: 'blue-green' },
  store: ReleaseStore,
  runner: ReleaseRunner,
  options: DriveOptions,
): Promise<void> {
  const { service, stable, retainUntil } = runner.state;
  const { colour } = await session.platform.activeColour(service);
  const old = `${service}-${colour === 'blue' ? 'green' : 'blue'}`;
  const seconds = Math.max(0, Math.round(((retainUntil ?? Date.now()) - Date.now()) / 1000));
  options.log(`keeping ${stable} in ${old} for ${seconds}s (scaleDownDelaySeconds) for an instant rollback`);
  // Housekeeping that keeps failing (its warnings are logged) must not keep the host forever.
  const giveUp = (retainUntil ?? Date.now()) + RETAIN_GRACE_MS;
  while (runner.live && !options.stopped?.()) {
    if (Date.now() > giveUp) {
      options.log(`${old} (${stable}) could not be scaled to 0; scale it down by hand`, true);
      return;
    }
    // A rollback (or another release) from elsewhere is now in charge of both colours.
    const current = (await store.history(service)).at(-1);
    if (current?.id !== runner.state.id) {
      options.log(`revision ${current?.id ?? '?'} took over; ${old} is left to it`);
      return;
    }
    await runner.tick();
    if (!runner.live) break;
    await sleep(options.tickMs ?? 1000);
  }
  if (!runner.live) options.log(`${old} (${stable}) scaled to 0`);
}
