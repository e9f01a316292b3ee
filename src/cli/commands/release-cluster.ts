/**
 * Release commands with `--env NAME`: the release runs on the environment's Kubernetes cluster
 * through a cluster Platform, with the same strategies as locally. There is no daemon on the
 * cluster, so `gantry deploy` itself drives the release until it ends; its state lives in the
 * `gantry.dev/release` annotation — of the stable Deployment, or for blue-green of the Service —
 * where `gantry rollout status`, `promote` and `abort` from any machine read it and leave their
 * requests. Rollback and history of finished releases are in rollback-cluster.ts.
 */
import { KubeError } from '../../platform/kubernetes/api-failure.ts';
import { BlueGreenClusterPlatform } from '../../platform/kubernetes/blue-green-platform.ts';
import { ClusterDay2 } from '../../platform/kubernetes/cluster-day2.ts';
import { type ClusterReleasePlatform, KubernetesPlatform } from '../../platform/kubernetes/platform.ts';
import { podPreview } from '../../platform/kubernetes/pod-preview.ts';
import type { ClusterRelease, ReleaseRequest } from '../../platform/kubernetes/release-annotation.ts';
import { connectForRelease } from '../../platform/kubernetes/release-api.ts';
import { historyAfter } from '../../platform/kubernetes/release-history.ts';
import { waitForRollouts } from '../../platform/kubernetes/rollout-wait.ts';
import type { ServiceState } from '../../platform/platform.ts';
import { ReleaseRunner } from '../../rollout/runner.ts';
import { isActive, type ReleaseState, type Strategy, startingRelease } from '../../rollout/state.ts';
import { loadSpec } from '../../spec/load.ts';
import { effectiveAnalysis, type ServiceModel } from '../../spec/model.ts';
import type { ClusterOptions } from '../cluster-target.ts';
import { CliError, EXIT } from '../errors.ts';
import { countLabel, formatProblems } from '../report.ts';
import { readSpecText } from '../spec-file.ts';
import { style } from '../style.ts';
import { describeRollout } from './release.ts';

const TICK_MS = 1000;
/** How long past scaleDownDelaySeconds `deploy` keeps trying to scale the old colour down. */
const RETAIN_GRACE_MS = 60_000;

/**
 * The objects a release drives follow the spec's strategy as `gantry apply` rendered it: a
 * blue-green service has `<svc>-blue`/`<svc>-green` and a Service selecting one; the others
 * have the stable Deployment `<svc>` (and `<svc>-canary`).
 */
export type Session =
  | (Common & { layout: 'blue-green'; platform: BlueGreenClusterPlatform })
  | (Common & { layout: 'stable'; platform: KubernetesPlatform });

interface Common {
  spec: ServiceModel;
  namespace: string;
  where: string;
  cluster: ReturnType<typeof connectForRelease>['cluster'];
}

export function open(service: string, options: ClusterOptions): Session {
  if (options.env === undefined)
    throw new CliError(
      'a release on a cluster needs --env: which environment of the spec to release',
      EXIT.usage,
      'e.g. --env prod (the environments are in the spec)',
    );
  const text = readSpecText(options.file);
  const loaded = loadSpec(text, { file: options.file, target: 'cluster', env: options.env });
  if (!loaded.model) {
    process.stderr.write(`${formatProblems(loaded.problems, text)}\n`);
    throw new CliError(`${options.file}: ${countLabel(loaded.problems)}`, EXIT.failed);
  }
  const spec = loaded.model.services[service];
  if (!spec)
    throw new CliError(
      `${options.file}: no service \`${service}\``,
      EXIT.usage,
      `services: ${Object.keys(loaded.model.services).join(', ')}`,
    );
  const namespace = options.namespace ?? loaded.model.namespace;
  const connection = connectForRelease({
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
  const analysis = effectiveAnalysis(spec.release.analysis);
  const common = {
    spec,
    namespace,
    where: `${connection.context} (${connection.server}), namespace ${namespace}`,
    cluster: connection.cluster,
  };
  // Smoke checks reach the new version's pods through a port-forward, as `gantry port-forward` does.
  const preview =
    spec.port === undefined
      ? undefined
      : podPreview(new ClusterDay2(connection.config), namespace, spec.port);
  if (spec.release.strategy === 'blue-green') {
    return {
      ...common,
      layout: 'blue-green',
      platform: new BlueGreenClusterPlatform(connection.api, namespace, analysis, preview),
    };
  }
  return {
    ...common,
    layout: 'stable',
    platform: new KubernetesPlatform(connection.api, namespace, analysis, preview),
  };
}

export function trafficLine(mode: ClusterRelease['traffic'], service: string, namespace: string): string {
  if (mode === 'service-selector')
    return `traffic: all at once, by the selector of the Service ${namespace}/${service} (${service}-blue or ${service}-green)`;
  return mode === 'gateway'
    ? `traffic: exact weights through the Gateway API HTTPRoute ${namespace}/${service}`
    : `traffic: by replica ratio (no Gateway API HTTPRoute ${namespace}/${service}): a version's share is its share of ready pods`;
}

/** The version serving now: the one with the most traffic. */
export function servingVersion(observed: ServiceState): string {
  return [...observed.versions].sort((a, b) => b.weight - a.weight)[0]?.version ?? 'none';
}

export const log = (line: string) =>
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

export async function deployOnCluster(
  service: string,
  options: ClusterOptions & {
    version: string;
    strategy?: string;
    timeout: string;
    run?: string;
    image?: string;
    setEnv: string[];
  },
): Promise<number> {
  // The cluster runs the stable Deployment's pod spec at the new image tag, nothing else changes.
  const local = [
    options.run && '--run',
    options.image && '--image',
    options.setEnv.length > 0 && '--set-env',
  ];
  const unsupported = local.filter(Boolean);
  if (unsupported.length > 0)
    throw new CliError(
      `${unsupported.join(', ')} cannot be used with --env: a release on the cluster changes only the image tag`,
      EXIT.usage,
      'change image repository, command or environment in the spec and run gantry apply --env first',
    );
  const session = open(service, options);
  const { platform, spec } = session;
  const strategy = (options.strategy ?? spec.release.strategy) as Strategy;
  checkLayout(session, service, strategy);
  const previous = await platform.readRelease(service);
  if (previous && isActive(previous.state))
    throw new CliError(
      `release ${previous.state.id} of ${service} (${previous.state.version}) is still ${previous.state.status} on the cluster`,
      EXIT.failed,
      `follow it with gantry rollout status ${service} --env ${options.env}, or end it with gantry abort ${service} --env ${options.env}`,
    );
  const stable = servingVersion(await platform.observe(service));
  if (stable === options.version)
    throw new CliError(
      `${service} already runs ${options.version} on ${session.where}`,
      EXIT.failed,
      `gantry history ${service} --env ${options.env} lists its releases`,
    );
  const state = startingRelease(
    {
      id: (previous?.state.id ?? 0) + 1,
      service,
      version: options.version,
      stable,
      strategy,
      replicas: spec.replicas,
    },
    Date.now(),
  );
  process.stdout.write(
    `revision ${state.id}: ${strategy} release of ${service} ${stable} → ${options.version} on ${session.where}\n`,
  );
  const final = await runRelease(session, state, previous, {
    timeout: options.timeout,
    env: options.env ?? '',
  });
  return result(final);
}

/** A blue-green service has no stable Deployment, the others no colours: the strategy must fit what was applied. */
function checkLayout(session: Session, service: string, strategy: Strategy): void {
  if (session.layout === 'blue-green' && strategy !== 'blue-green')
    throw new CliError(
      `${service} is applied as blue-green (${service}-blue, ${service}-green): a ${strategy} release on the cluster needs its stable Deployment ${service}`,
      EXIT.usage,
      `leave out --strategy, or set release.strategy: ${strategy} and run gantry apply --env first`,
    );
  if (session.layout === 'stable' && strategy === 'blue-green')
    throw new CliError(
      `${service} is applied as ${session.spec.release.strategy}: a blue-green release on the cluster needs ${service}-blue and ${service}-green and a Service selecting one`,
      EXIT.usage,
      'set release.strategy: blue-green for this service and run gantry apply --env first',
    );
}

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
    const current = await platform.readRelease(service);
    const pending = current?.request !== undefined && current.request !== taken ? current.request : undefined;
    const weights = Object.fromEntries(
      (await platform.observe(service)).versions.map((v) => [v.version, v.weight]),
    );
    await platform.saveRelease(service, {
      state: next,
      weights,
      traffic,
      ...(pending ? { request: pending } : {}),
      history,
    });
  };
  await save(first, previous?.request); // a request left on an ended release is not for this one
  const timeoutMs = Number(options.timeout) * 1000;
  if (session.layout === 'stable' && (first.strategy === 'rolling' || first.strategy === 'rollback')) {
    const state = await rollOut(session, first, timeoutMs);
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
  const runner = new ReleaseRunner(first, {
    platform,
    specFor: () => spec,
    save: () => {},
    event: (_state, type, reason, message) =>
      log(`${type === 'Warning' ? style.yellow(reason) : reason}: ${message}`),
    now: Date.now,
    metricSource: () => platform.metricSource(),
  });
  const deadline = Date.now() + Number(options.timeout) * 1000;
  while (isActive(runner.state)) {
    const taken = (await platform.readRelease(service))?.request;
    if (taken) {
      log(`${taken} requested`);
      runner.request(taken);
    }
    await runner.tick();
    await save(runner.state, taken);
    if (!isActive(runner.state)) break;
    if (Date.now() > deadline)
      throw new CliError(
        `release ${first.id} of ${service} still ${runner.state.status} after ${options.timeout}s; it stops moving until a gantry deploy drives it`,
        EXIT.failed,
        `gantry abort ${service} --env ${options.env}`,
      );
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
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

export function result(state: ReleaseState): number {
  if (state.status === 'succeeded') return EXIT.ok;
  process.stderr.write(
    `${style.red('✗', process.stderr)} ${state.service} ${state.version} ${state.status}: ${state.reason ?? state.message}\n`,
  );
  return EXIT.failed;
}

export async function statusOnCluster(
  service: string,
  options: ClusterOptions & { output: string; watch?: boolean },
): Promise<number> {
  const { platform, namespace } = open(service, options);
  const release = await platform.readRelease(service);
  if (options.watch && options.output !== 'json' && release && isActive(release.state))
    return follow(platform, service, release.state.id);
  const { versions } = await platform.observe(service);
  if (options.output === 'json') {
    process.stdout.write(
      `${JSON.stringify({ release: release?.state ?? null, versions, traffic: release?.traffic ?? null, request: release?.request ?? null }, null, 2)}\n`,
    );
    return EXIT.ok;
  }
  process.stdout.write(`${describeRollout(service, { release: release?.state ?? null, versions })}\n`);
  if (release) process.stdout.write(`  ${trafficLine(release.traffic, service, namespace)}\n`);
  if (release?.request)
    process.stdout.write(`  pending: ${release.request} (taken by the gantry deploy driving it)\n`);
  return EXIT.ok;
}

/** `--watch`: one timestamped line per change of the annotation until the release ends. */
async function follow(platform: ClusterReleasePlatform, service: string, id: number): Promise<number> {
  let previous = '';
  for (;;) {
    const state = (await platform.readRelease(service))?.state;
    if (!state || state.id !== id)
      throw new CliError(`release ${id} of ${service} was replaced by another`, EXIT.failed);
    const headline = `${state.status}: ${state.message}`;
    if (headline !== previous) log(headline);
    previous = headline;
    if (!isActive(state)) {
      const { versions } = await platform.observe(service);
      process.stdout.write(`\n${describeRollout(service, { release: state, versions })}\n`);
      return result(state);
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
}

/** promote / abort: leave the request in the annotation; the process driving the release takes it. */
export async function requestOnCluster(
  service: string,
  request: ReleaseRequest,
  options: ClusterOptions,
  /** promote, abort, or rollback (an abort while a release is in progress; rollback-cluster.ts). */
  command: string = request,
): Promise<number> {
  const { platform } = open(service, options);
  const release = await platform.readRelease(service);
  if (!release || !isActive(release.state))
    throw new CliError(
      release
        ? `release ${release.state.id} of ${service} is ${release.state.status}, not in progress`
        : `${service} has no release on the cluster`,
      EXIT.failed,
      `see gantry rollout status ${service} --env ${options.env}`,
    );
  await platform.saveRelease(service, { ...release, request });
  process.stdout.write(
    `${style.green('✓')} ${service}: ${request} requested (revision ${release.state.id}: ${release.state.version})${command === request ? '' : ` — a ${command} of a release in progress is its ${request}`}; the gantry deploy driving it takes it at its next step\n`,
  );
  return EXIT.ok;
}

/** Kubernetes domain errors become the CLI's message and hint; anything else stays a bug. */
export async function kubeErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof KubeError) throw new CliError(error.message, EXIT.failed, error.hint);
    throw error;
  }
}
