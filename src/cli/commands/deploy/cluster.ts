/**
 * `gantry deploy --env NAME`: the release runs on the environment's Kubernetes cluster
 * through a cluster Platform, with the same engine and manager as locally (src/rollout). Its state
 * lives in the `gantry.dev/release` annotation — of the stable Deployment, or for blue-green of
 * the Service (the cluster ReleaseStore) — where `gantry rollout status`, `promote` and `abort`
 * from any machine read it and file their requests. `gantry deploy` drives the release itself
 * (release/cluster-run.ts, over the driver `gantry controller` shares). The session is
 * release/cluster-session.ts; rollout status, rollback and history are in their own folders.
 */
import { hostname } from 'node:os';
import { type LeaseSpec, leaseExpiry } from '../../../controller/lease.ts';
import { LEASE_NAME } from '../../../controller/manifests.ts';
import { isActive, type Strategy } from '../../../rollout/state.ts';
import { CliError, EXIT } from '../../errors.ts';
import { runRelease } from '../../release/cluster-run.ts';
import {
  follow,
  open,
  refusals,
  releasesOf,
  result,
  type Session,
  servingVersion,
} from '../../release/cluster-session.ts';
import type { ClusterOptions } from '../../target.ts';

export async function deployOnCluster(
  service: string,
  options: ClusterOptions & {
    version: string;
    strategy?: string;
    timeout: string;
    run?: string;
    image?: string;
    digest?: string;
    setEnv: string[];
    wait?: boolean;
    controllerNamespace: string;
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
  if (options.digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(options.digest))
    throw new CliError(
      `--digest ${options.digest || '""'}: expected sha256: and 64 hex digits`,
      EXIT.usage,
      'the digest the registry gave the pushed image, e.g. from docker image inspect --format {{.RepoDigests}}',
    );
  const session = open(service, options, options.digest ? { [options.version]: options.digest } : {});
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
  const controller = await liveController(session, options.controllerNamespace);
  const driver = controller.holder ? undefined : `gantry deploy on ${hostname()} (pid ${process.pid})`;
  const { manager, store } = releasesOf(session, driver);
  const state = await refusals(
    manager.deploy(service, {
      version: options.version,
      // The cluster runs the spec of this environment at the new image tag (the pod spec `apply` wrote).
      revise: () => spec,
      strategy: strategy as Exclude<Strategy, 'rollback'>,
      replicas: spec.replicas,
    }),
    `gantry rollout status ${service} --env ${options.env}`,
  );
  process.stdout.write(
    `revision ${state.id}: ${strategy} release of ${service} ${stable} → ${options.version} on ${session.where}\n`,
  );
  if (controller.holder) {
    // Filed: the controller drives it from here, whether this process waits or not.
    process.stdout.write(
      `  the gantry controller (${controller.holder}, Lease ${controller.lease}) drives it; follow it with gantry rollout status ${service} --env ${options.env} --watch\n`,
    );
    return options.wait ? follow(platform, service, state.id) : EXIT.ok;
  }
  process.stdout.write(`  ${controller.why}: this gantry deploy drives the release itself until it ends\n`);
  return result(
    await runRelease(session, store, state, { timeout: options.timeout, env: options.env ?? '' }),
  );
}

/** A controller holding its Lease now, or why this process drives the release itself. */
async function liveController(
  session: Session,
  namespace: string,
): Promise<{ holder?: string; lease: string; why: string }> {
  const lease = `${namespace}/${LEASE_NAME}`;
  try {
    const object = (await session.cluster.read({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: LEASE_NAME, namespace },
    })) as { spec?: LeaseSpec } | undefined;
    const holder = object?.spec?.holderIdentity;
    if (holder && Date.now() < leaseExpiry(object.spec)) return { holder, lease, why: '' };
    return {
      lease,
      why: object
        ? `no gantry controller holds the Lease ${lease} now`
        : `no gantry controller is installed (no Lease ${lease})`,
    };
  } catch (error) {
    return { lease, why: `cannot read the Lease ${lease} (${(error as Error).message.split('\n')[0]})` };
  }
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
