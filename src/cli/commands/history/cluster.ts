/**
 * `gantry history --env`: the revisions in the release annotation (the current release and the
 * last ones that ended, release-history.ts), so any machine sees the same list, as locally.
 */
import { revisions } from '../../../platform/kubernetes/release-history.ts';
import { EXIT } from '../../errors.ts';
import { open } from '../../release/cluster-session.ts';
import { formatHistory } from '../../release/view.ts';
import type { ClusterOptions } from '../../target.ts';

export async function historyOnCluster(
  service: string,
  options: ClusterOptions & { output: string },
): Promise<number> {
  const { platform } = open(service, options);
  const history = revisions(await platform.readRelease(service));
  process.stdout.write(
    options.output === 'json' ? `${JSON.stringify(history, null, 2)}\n` : formatHistory(history),
  );
  return EXIT.ok;
}
