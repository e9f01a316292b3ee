/**
 * What every release command on a cluster starts from: the spec of the environment, the
 * kubeconfig's connection and the release session it opens (release-session.ts), the release
 * manager over the service's annotation, and the lines they print.
 */

import { sendCheck } from '../../platform/http-check.ts';
import { connect } from '../../platform/kubernetes/cluster.ts';
import type { ClusterReleasePlatform } from '../../platform/kubernetes/platform.ts';
import { type ReleaseSession, releaseSession } from '../../platform/kubernetes/release-session.ts';
import { ClusterReleaseStore } from '../../platform/kubernetes/release-store.ts';
import type { ServiceState } from '../../platform/platform.ts';
import { ReleaseManager, ReleaseRefused } from '../../rollout/manager.ts';
import type { ReleaseState } from '../../rollout/state.ts';
import { isActive } from '../../rollout/state.ts';
import { CliError, EXIT } from '../errors.ts';
import { specOf } from '../spec.ts';
import { style } from '../style.ts';
import type { ClusterOptions } from '../target.ts';
import { describeRollout } from './view.ts';

export const TICK_MS = 1000;

/** A release session as the CLI opens it: from the spec file, with where it is for the messages. */
export type Session = ReleaseSession & { where: string };

/** `digests`: version → image digest, for a deploy by digest (`gantry deploy --digest`). */
export function open(
  service: string,
  options: ClusterOptions,
  digests: Readonly<Record<string, string>> = {},
): Session {
  if (options.env === undefined)
    throw new CliError(
      'a release on a cluster needs --env: which environment of the spec to release',
      EXIT.usage,
      'e.g. --env prod (the environments are in the spec)',
    );
  const loaded = specOf({ file: options.file, target: 'cluster', env: options.env }, 'nothing done');
  const spec = loaded.model.services[service];
  if (!spec)
    throw new CliError(
      `${options.file}: no service \`${service}\``,
      EXIT.usage,
      `services: ${Object.keys(loaded.model.services).join(', ')}`,
    );
  const namespace = options.namespace ?? loaded.model.namespace;
  const connection = connect({
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
  return {
    ...releaseSession(connection, namespace, spec, digests),
    where: `${connection.context} (${connection.server}), namespace ${namespace}`,
  };
}

/** The release manager over the service's annotation: it starts, requests and lists; a host drives. */
export function releasesOf(
  session: Session,
  /** Who drives what this process saves (it drives the release itself); none when it only files it. */
  driver?: string,
): { manager: ReleaseManager; store: ClusterReleaseStore } {
  const service = session.spec.name;
  const store = new ClusterReleaseStore(
    () => session.platform,
    async () => [service],
    driver,
  );
  const manager = new ReleaseManager({
    store,
    platform: () => session.platform,
    event: () => {},
    sendCheck,
    drives: false,
  });
  return { manager, store };
}

/** The manager's refusals as the CLI says them (what, and what to run next). */
export async function refusals<T>(work: Promise<T>, hint: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ReleaseRefused) throw new CliError(error.message, EXIT.failed, hint);
    throw error;
  }
}

/** The version serving now: the one with the most traffic. */
export function servingVersion(observed: ServiceState): string {
  return [...observed.versions].sort((a, b) => b.weight - a.weight)[0]?.version ?? 'none';
}

export const log = (line: string) =>
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

export function result(state: ReleaseState): number {
  if (state.status === 'succeeded') return EXIT.ok;
  process.stderr.write(
    `${style.red('✗', process.stderr)} ${state.service} ${state.version} ${state.status}: ${state.reason ?? state.message}\n`,
  );
  return EXIT.failed;
}

/** `--watch`: one timestamped line per change of the annotation until the release ends. */
export async function follow(platform: ClusterReleasePlatform, service: string, id: number): Promise<number> {
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
