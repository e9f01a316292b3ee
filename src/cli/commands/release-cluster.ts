/**
 * Release commands with `--env NAME`: the release runs on the environment's Kubernetes cluster
 * through the Kubernetes Platform, with the same strategies as locally. There is no daemon on
 * the cluster, so `gantry deploy` itself drives the release until it ends; its state lives in
 * the `gantry.dev/release` annotation of the stable Deployment, where `gantry rollout status`,
 * `promote` and `abort` from any machine read it and leave their requests.
 */
import { KubeError } from '../../platform/kubernetes/api-failure.ts';
import { KubernetesPlatform } from '../../platform/kubernetes/platform.ts';
import type { ClusterRelease, ReleaseRequest } from '../../platform/kubernetes/release-annotation.ts';
import { connectForRelease } from '../../platform/kubernetes/release-api.ts';
import { waitForRollouts } from '../../platform/kubernetes/rollout-wait.ts';
import { ReleaseRunner } from '../../rollout/runner.ts';
import { isActive, type ReleaseState, type Strategy, startingRelease } from '../../rollout/state.ts';
import { loadSpec } from '../../spec/load.ts';
import { effectiveAnalysis, type ServiceModel } from '../../spec/model.ts';
import { CliError, EXIT } from '../errors.ts';
import { countLabel, formatProblems } from '../report.ts';
import { readSpecText } from '../spec-file.ts';
import { style } from '../style.ts';
import { describeRollout } from './release.ts';

export interface ClusterOptions {
  file: string;
  env?: string;
  context?: string;
  kubeconfig?: string;
  namespace?: string;
}

const TICK_MS = 1000;

interface Session {
  platform: KubernetesPlatform;
  spec: ServiceModel;
  namespace: string;
  where: string;
  cluster: ReturnType<typeof connectForRelease>['cluster'];
}

function open(service: string, options: ClusterOptions): Session {
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
  return {
    platform: new KubernetesPlatform(connection.api, namespace, effectiveAnalysis(spec.release.analysis)),
    spec,
    namespace,
    where: `${connection.context} (${connection.server}), namespace ${namespace}`,
    cluster: connection.cluster,
  };
}

function trafficLine(mode: ClusterRelease['traffic'], service: string, namespace: string): string {
  return mode === 'gateway'
    ? `traffic: exact weights through the Gateway API HTTPRoute ${namespace}/${service}`
    : `traffic: by replica ratio (no Gateway API HTTPRoute ${namespace}/${service}): a version's share is its share of ready pods`;
}

const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

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
  if (strategy === 'blue-green')
    throw new CliError(
      'blue-green releases on the cluster are not supported yet',
      EXIT.usage,
      'use --strategy canary or rolling, or release blue-green with `gantry apply --env … ` and the active colour',
    );
  const previous = await platform.readRelease(service);
  if (previous && isActive(previous.state))
    throw new CliError(
      `release ${previous.state.id} of ${service} (${previous.state.version}) is still ${previous.state.status} on the cluster`,
      EXIT.failed,
      `follow it with gantry rollout status ${service} --env ${options.env}, or end it with gantry abort ${service} --env ${options.env}`,
    );
  const observed = await platform.observe(service);
  const stable = observed.versions[0]?.version ?? 'none';
  const traffic = await platform.traffic(service);
  const now = Date.now();
  const id = (previous?.state.id ?? 0) + 1;
  let state = startingRelease(
    { id, service, version: options.version, stable, strategy, replicas: spec.replicas },
    now,
  );
  process.stdout.write(
    `revision ${state.id}: ${strategy} release of ${service} ${stable} → ${options.version} on ${session.where}\n`,
  );
  if (strategy !== 'rolling') process.stdout.write(`${trafficLine(traffic, service, session.namespace)}\n`);
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
    });
  };
  await save(state, previous?.request); // a request left on an ended release is not for this one
  const timeoutMs = Number(options.timeout) * 1000;

  if (strategy === 'rolling') {
    const deployment = await platform.setVersion(service, options.version);
    try {
      await waitForRollouts(session.cluster, [deployment], { timeoutMs }, (_, status) => log(status.message));
      state = {
        ...state,
        status: 'succeeded',
        message: `${service} runs ${options.version}`,
        endedAt: Date.now(),
      };
    } catch (error) {
      // The Deployment controller never undoes a failed rollout by itself; the local platform would.
      const reason = (error as Error).message;
      await platform.setVersion(service, stable);
      log(`rolled back: ${service} set to ${stable} again`);
      state = {
        ...state,
        status: 'rolled-back',
        message: `back on ${stable}: ${reason}`,
        reason,
        endedAt: Date.now(),
      };
    }
    await save(state);
    return result(state);
  }

  const runner = new ReleaseRunner(state, {
    platform,
    specFor: () => spec,
    save: () => {},
    event: (_state, type, reason, message) =>
      log(`${type === 'Warning' ? style.yellow(reason) : reason}: ${message}`),
    now: Date.now,
    metricSource: () => platform.metricSource(),
  });
  const deadline = Date.now() + timeoutMs;
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
        `release ${state.id} of ${service} still ${runner.state.status} after ${options.timeout}s; it stops moving until a gantry deploy drives it`,
        EXIT.failed,
        `gantry abort ${service} --env ${options.env}`,
      );
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  if (runner.state.status === 'succeeded') {
    // The canary becomes the stable track, then its own Deployment goes.
    const folded = await platform.foldCanary(service, runner.state.version, spec.replicas);
    await waitForRollouts(session.cluster, [folded], { timeoutMs }, (_, status) => log(status.message));
    await platform.retireCanary(service);
    log(
      `${service}: ${runner.state.version} now runs in Deployment ${service}; ${service}-canary scaled to 0`,
    );
  }
  process.stdout.write(
    `\n${describeRollout(service, { release: runner.state, versions: (await platform.observe(service)).versions })}\n`,
  );
  return result(runner.state);
}

function result(state: ReleaseState): number {
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
async function follow(platform: KubernetesPlatform, service: string, id: number): Promise<number> {
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
  /** promote, abort, or rollback (an abort while a release is in progress). */
  command: string = request,
): Promise<number> {
  const { platform } = open(service, options);
  const release = await platform.readRelease(service);
  if (command === 'rollback' && release && !isActive(release.state))
    throw new CliError(
      `rollback of a finished release on the cluster is not supported yet (revision ${release.state.id}: ${release.state.stable} → ${release.state.version})`,
      EXIT.failed,
      `release the previous version again: gantry deploy ${service} --version ${release.state.stable} --env ${options.env}`,
    );
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
    `${style.green('✓')} ${service}: ${request} requested (revision ${release.state.id}: ${release.state.version}); the gantry deploy driving it takes it at its next step\n`,
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
