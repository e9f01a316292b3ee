/**
 * `gantry deploy --env` and `gantry rollback --env` driving their release themselves: the driver
 * `gantry controller` uses too (src/platform/kubernetes/release-driver.ts), its progress printed
 * with the time, and the outcome as `gantry rollout status` shows it.
 */
import { DriveTimeout, driveRelease } from '../../platform/kubernetes/release-driver.ts';
import { trafficLine } from '../../platform/kubernetes/release-session.ts';
import type { ClusterReleaseStore } from '../../platform/kubernetes/release-store.ts';
import type { ReleaseState } from '../../rollout/state.ts';
import { stepLabels } from '../../rollout/steps.ts';
import { CliError, EXIT } from '../errors.ts';
import { style } from '../style.ts';
import { log, type Session, TICK_MS } from './cluster-session.ts';
import { describeRollout } from './view.ts';

export async function runRelease(
  session: Session,
  store: ClusterReleaseStore,
  first: ReleaseState,
  options: { timeout: string; env: string },
): Promise<ReleaseState> {
  const { platform, spec } = session;
  const service = first.service;
  if (first.strategy !== 'rolling')
    process.stdout.write(`${trafficLine(await platform.traffic(service), service, session.namespace)}\n`);
  let final: ReleaseState;
  try {
    final = await driveRelease(session, store, first, {
      log: (line, warning) =>
        log(warning ? `${style.yellow(line.split(':')[0]!)}${line.slice(line.indexOf(':'))}` : line),
      timeoutMs: Number(options.timeout) * 1000,
      tickMs: TICK_MS,
    });
  } catch (error) {
    if (error instanceof DriveTimeout)
      throw new CliError(
        `${error.message}; it stops moving until a gantry deploy or a gantry controller drives it`,
        EXIT.failed,
        `gantry abort ${service} --env ${options.env}`,
      );
    throw error;
  }
  if (first.strategy !== 'rolling' && first.strategy !== 'rollback') {
    const { versions } = await platform.observe(service);
    const steps = stepLabels(final.strategy, spec.release);
    process.stdout.write(`\n${describeRollout(service, { release: { ...final, steps }, versions })}\n`);
  }
  return final;
}
