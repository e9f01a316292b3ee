/**
 * `gantry rollback --env`: the revisions come from the release annotation (the current release
 * and the last ones that ended, release-history.ts), so any machine sees the same list. A rollback is a release of its own (strategy `rollback`, a new
 * revision): on a stable Deployment it rolls the previous image out; on blue-green it switches the
 * Service back — instantly while the old colour is still kept, else after bringing it up again.
 * A rollback while a release is in progress is that release's abort.
 */
import { hostname } from 'node:os';
import { revisions } from '../../../platform/kubernetes/release-history.ts';
import { rollbackTarget } from '../../../rollout/history.ts';
import { isActive } from '../../../rollout/state.ts';
import { CliError, EXIT } from '../../errors.ts';
import { requestOnCluster } from '../../release/cluster-request.ts';
import { runRelease } from '../../release/cluster-run.ts';
import { open, refusals, releasesOf, result, servingVersion } from '../../release/cluster-session.ts';
import type { ClusterOptions } from '../../target.ts';

export async function rollbackOnCluster(
  service: string,
  options: ClusterOptions & { toRevision?: string; timeout?: string },
): Promise<number> {
  const session = open(service, options);
  const { platform } = session;
  const release = await platform.readRelease(service);
  if (release && isActive(release.state)) return requestOnCluster(service, 'abort', options, 'rollback');
  const toRevision = options.toRevision === undefined ? undefined : Number(options.toRevision);
  if (toRevision !== undefined && !Number.isInteger(toRevision))
    throw new CliError(
      `--to-revision expects a revision number, got "${options.toRevision}"`,
      EXIT.usage,
      `gantry history ${service} --env ${options.env} lists them`,
    );
  const target = rollbackTarget(revisions(release), toRevision);
  if (!target.ok)
    throw new CliError(
      `cannot roll back ${service} on ${session.where}: ${target.problem}`,
      EXIT.failed,
      release
        ? `gantry history ${service} --env ${options.env} lists the revisions; release a version with gantry deploy ${service} --version V --env ${options.env}`
        : `release a version first: gantry deploy ${service} --version V --env ${options.env}`,
    );
  const running = servingVersion(await platform.observe(service));
  const { manager, store } = releasesOf(session, `gantry rollback on ${hostname()} (pid ${process.pid})`);
  const state = await refusals(
    manager.rollbackTo(service, toRevision, session.spec.replicas),
    `gantry history ${service} --env ${options.env} lists the revisions`,
  );
  process.stdout.write(
    `revision ${state.id}: rollback of ${service} ${running} → ${target.version} (revision ${target.revision}) on ${session.where}\n`,
  );
  const final = await runRelease(session, store, state, {
    timeout: options.timeout ?? '900',
    env: options.env ?? '',
  });
  return result(final);
}
