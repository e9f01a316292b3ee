import type { ClusterRelease } from '../../platform/kubernetes/release-annotation.ts';
import type { ReleaseRequest } from '../../rollout/manager.ts';
import { isActive } from '../../rollout/state.ts';
import { CliError, EXIT } from '../errors.ts';
import { style } from '../style.ts';
import type { ClusterOptions } from '../target.ts';
import { open } from './cluster-session.ts';

/** promote / abort: leave the request in the annotation; the process driving the release takes it. */
export async function requestOnCluster(
  service: string,
  request: ReleaseRequest,
  options: ClusterOptions,
  /** promote, abort, or rollback (an abort while a release is in progress; commands/rollback/cluster.ts). */
  command: string = request,
): Promise<number> {
  const { platform } = open(service, options);
  const seen: { release?: ClusterRelease } = {};
  // Added to the release as stored at the write, never over a state the deploy wrote meanwhile.
  await platform.saveRelease(service, (current) => {
    seen.release = current;
    if (!current || !isActive(current.state))
      throw new CliError(
        current
          ? `release ${current.state.id} of ${service} is ${current.state.status}, not in progress`
          : `${service} has no release on the cluster`,
        EXIT.failed,
        `see gantry rollout status ${service} --env ${options.env}`,
      );
    return { ...current, request };
  });
  const release = seen.release!; // the update above threw without one
  process.stdout.write(
    `${style.green('✓')} ${service}: ${request} requested (revision ${release.state.id}: ${release.state.version})${command === request ? '' : ` — a ${command} of a release in progress is its ${request}`}; whatever drives it (a gantry deploy or the gantry controller) takes it at its next step\n`,
  );
  return EXIT.ok;
}
