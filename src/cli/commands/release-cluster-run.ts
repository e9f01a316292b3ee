/**
 * Driving a release on a cluster to its end — a deploy or a rollback — while every step goes
 * into the release annotation: rolling (and a rollback) on the stable Deployment is its own
 * RollingUpdate; canary and blue-green run the release engine one tick a second, taking the
 * requests other machines leave in the annotation; blue-green then keeps the old colour for
 * scaleDownDelaySeconds.
 */
import type { ClusterRelease, ReleaseRequest } from '../../platform/kubernetes/release-annotation.ts';
import { historyAfter } from '../../platform/kubernetes/release-history.ts';
import { waitForRollouts } from '../../platform/kubernetes/rollout-wait.ts';
import type { Platform } from '../../platform/platform.ts';
import { startLoadTest } from '../../rollout/load-test.ts';
import { ReleaseRunner } from '../../rollout/runner.ts';
import { analysedLabel, isActive, type ReleaseState } from '../../rollout/state.ts';
import { analysisEnabled } from '../../rollout/steps.ts';
import { CliError, EXIT } from '../errors.ts';
import { style } from '../style.ts';
import { describeRollout } from './release.ts';
import { log, type Session, TICK_MS, trafficLine } from './release-cluster-session.ts';

/** How long past scaleDownDelaySeconds `deploy` keeps trying to scale the old colour down. */
const RETAIN_GRACE_MS = 60_000;

/**
 * Drives a release (a deploy, or a rollback) to its end and records every step in the
 * annotation; the previous release joins the bounded history the annotation carries.
 */
export async function runRelease(
  session: Session,
  first: ReleaseState,
  previous: ClusterRelease | undefined,
  options: { timeout: string; env: string },
): Promise<ReleaseState> {
  const { platform } = session;
  const service = first.service;
  const traffic = await platform.traffic(service);
  const history = historyAfter(previous);
  if (first.strategy !== 'rolling')
    process.stdout.write(`${trafficLine(traffic, service, session.namespace)}\n`);
  /** Writes the state; a request another process left since this one last looked stays for the next tick. */
  const save = async (next: ReleaseState, taken?: ReleaseRequest) => {
    const weights = Object.fromEntries(
      (await platform.observe(service)).versions.map((v) => [v.version, v.weight]),
    );
    // Against the release as stored at the write (not as read before observe): see writeRelease.
    await platform.saveRelease(service, (current) => {
      const pending =
        current?.request !== undefined && current.request !== taken ? current.request : undefined;
      return { state: next, weights, traffic, ...(pending ? { request: pending } : {}), history };
    });
  };
  await save(first, previous?.request); // a request left on an ended release is not for this one
  const timeoutMs = Number(options.timeout) * 1000;
  if (session.layout === 'stable' && (first.strategy === 'rolling' || first.strategy === 'rollback')) {
    let state = await rollOut(session, first, timeoutMs);
    if (state.status === 'succeeded' && first.strategy === 'rolling')
      state = analysisEnabled(session.spec.release)
        ? await bakeRollOut(session, state, save, options)
        : { ...state, analysed: 'off', message: `${state.message} — ${analysedLabel({ analysed: 'off' })}` };
    await save(state);
    return state;
  }
  try {
    return await drive(session, first, save, options);
  } finally {
    platform.close();
  }
}

/** Rolling (and a rollback) on the stable Deployment is its own RollingUpdate: set the image, wait. */
async function rollOut(
  session: Session & { layout: 'stable' },
  state: ReleaseState,
  timeoutMs: number,
): Promise<ReleaseState> {
  const { platform, cluster } = session;
  const { service, version, stable } = state;
  const deployment = await platform.setVersion(service, version);
  try {
    await waitForRollouts(cluster, [deployment], { timeoutMs }, (_, status) => log(status.message));
    const message = state.strategy === 'rollback' ? `back on ${version}` : `${service} runs ${version}`;
    return { ...state, status: 'succeeded', message, endedAt: Date.now() };
  } catch (error) {
    // The Deployment controller never undoes a failed rollout by itself; the local platform would.
    const reason = (error as Error).message;
    await platform.setVersion(service, stable);
    log(`rolled back: ${service} set to ${stable} again`);
    return {
      ...state,
      status: 'rolled-back',
      message: `back on ${stable}: ${reason}`,
      reason,
      endedAt: Date.now(),
    };
  }
}

/** The release engine, one tick a second, taking the requests left in the annotation. */
async function drive(
  session: Session,
  first: ReleaseState,
  save: (next: ReleaseState, taken?: ReleaseRequest) => Promise<void>,
  options: { timeout: string; env: string },
): Promise<ReleaseState> {
  const { platform, spec } = session;
  const service = first.service;
  const runner = engine(session, first, platform);
  await follow(runner, session, save, options);
  // A rollback that left the failed version serving (stable not ready at full size) drains it
  // once stable is back: the runner's housekeeping, ticked here until it is done.
  if (runner.state.status !== 'succeeded' && runner.live) {
    log(`keeping ${runner.state.version} serving until ${runner.state.stable} is ready again`);
    while (runner.live) {
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      await runner.tick();
    }
    await save(runner.state);
  }
  if (runner.state.status === 'succeeded' && session.layout === 'stable' && first.strategy === 'canary') {
    // The canary becomes the stable track, then its own Deployment goes.
    const folded = await session.platform.foldCanary(service, runner.state.version, spec.replicas);
    await waitForRollouts(
      session.cluster,
      [folded],
      { timeoutMs: Number(options.timeout) * 1000 },
      (_, status) => log(status.message),
    );
    await session.platform.retireCanary(service);
    log(
      `${service}: ${runner.state.version} now runs in Deployment ${service}; ${service}-canary scaled to 0`,
    );
  }
  if (session.layout === 'blue-green' && runner.live) await retainOldColour(session, runner, save);
  process.stdout.write(
    `\n${describeRollout(service, { release: runner.state, versions: (await platform.observe(service)).versions })}\n`,
  );
  return runner.state;
}

/** The release engine over a cluster platform, its events printed as they come. */
function engine(session: Session, first: ReleaseState, platform: Platform): ReleaseRunner {
  return new ReleaseRunner(first, {
    platform,
    specFor: () => session.spec,
    save: () => {},
    event: (_state, type, reason, message) =>
      log(`${type === 'Warning' ? style.yellow(reason) : reason}: ${message}`),
    now: Date.now,
    metricSource: () => session.platform.metricSource(),
    startLoadTest,
  });
}

/** Ticks the engine once a second until the release ends, taking the requests left in the annotation. */
async function follow(
  runner: ReleaseRunner,
  session: Session,
  save: (next: ReleaseState, taken?: ReleaseRequest) => Promise<void>,
  options: { timeout: string; env: string },
): Promise<void> {
  const { id, service } = runner.state;
  const deadline = Date.now() + Number(options.timeout) * 1000;
  while (isActive(runner.state)) {
    const taken = (await session.platform.readRelease(service))?.request;
    if (taken) {
      log(`${taken} requested`);
      runner.request(taken);
    }
    await runner.tick();
    await save(runner.state, taken);
    if (!isActive(runner.state)) break;
    if (Date.now() > deadline)
      throw new CliError(
        `release ${id} of ${service} still ${runner.state.status} after ${options.timeout}s; it stops moving until a gantry deploy drives it`,
        EXIT.failed,
        `gantry abort ${service} --env ${options.env}`,
      );
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
}

/**
 * The bake after the Deployment's own rolling update: the release engine measures the new version
 * at 100 % with the same gates, pauses and requests as everywhere; a failure sets the previous
 * image back, and the ReplicaSet the Deployment kept for it scales up again. The engine only
 * measures here (its scale and route are no-ops): the Deployment owns the replicas.
 */
async function bakeRollOut(
  session: Session & { layout: 'stable' },
  rolledOut: ReleaseState,
  save: (next: ReleaseState, taken?: ReleaseRequest) => Promise<void>,
  options: { timeout: string; env: string },
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
  const runner = engine(session, { ...rest, status: 'progressing', step: 1 }, measuring);
  try {
    await follow(runner, session, save, options);
  } finally {
    platform.close();
  }
  const state = runner.state;
  if (state.status === 'succeeded') return state;
  const deployment = await platform.setVersion(state.service, state.stable);
  log(`rolled back: ${state.service} set to ${state.stable} again`);
  await waitForRollouts(
    session.cluster,
    [deployment],
    { timeoutMs: Number(options.timeout) * 1000 },
    (_, status) => log(status.message),
  );
  return { ...state, message: `back on ${state.stable}: ${state.reason}` };
}

/**
 * Blue-green keeps the old colour for scaleDownDelaySeconds after the switch, so switching back
 * is instant; then the runner's housekeeping scales it to 0. Stopping `gantry deploy` earlier
 * leaves it running, and the next release takes that colour over.
 */
async function retainOldColour(
  session: Session & { layout: 'blue-green' },
  runner: ReleaseRunner,
  save: (next: ReleaseState) => Promise<void>,
): Promise<void> {
  const { service, stable, retainUntil } = runner.state;
  const { colour } = await session.platform.activeColour(service);
  const old = `${service}-${colour === 'blue' ? 'green' : 'blue'}`;
  const seconds = Math.max(0, Math.round(((retainUntil ?? Date.now()) - Date.now()) / 1000));
  log(`keeping ${stable} in ${old} for ${seconds}s (scaleDownDelaySeconds) for an instant rollback`);
  // Housekeeping that keeps failing (its warnings are printed) must not keep `deploy` forever.
  const giveUp = (retainUntil ?? Date.now()) + RETAIN_GRACE_MS;
  while (runner.live) {
    if (Date.now() > giveUp) {
      log(`${style.yellow('warning')}: ${old} (${stable}) could not be scaled to 0; scale it down by hand`);
      return;
    }
    // A rollback (or another release) from elsewhere is now in charge of both colours.
    const current = (await session.platform.readRelease(service))?.state;
    if (current?.id !== runner.state.id) {
      log(`revision ${current?.id ?? '?'} took over; ${old} is left to it`);
      return;
    }
    await runner.tick();
    if (!runner.live) break;
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  await save(runner.state);
  log(`${old} (${stable}) scaled to 0`);
}
