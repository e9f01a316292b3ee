import { trafficLine } from '../../../platform/kubernetes/release-session.ts';
import { analysedLabel, isActive } from '../../../rollout/state.ts';
import { stepLabels } from '../../../rollout/steps.ts';
import { EXIT } from '../../errors.ts';
import { follow, open } from '../../release/cluster-session.ts';
import { describeRollout } from '../../release/view.ts';
import type { ClusterOptions } from '../../target.ts';

export async function statusOnCluster(
  service: string,
  options: ClusterOptions & { output: string; watch?: boolean },
): Promise<number> {
  const { platform, namespace, spec } = open(service, options);
  const release = await platform.readRelease(service);
  if (options.watch && options.output !== 'json' && release && isActive(release.state))
    return follow(platform, service, release.state.id);
  const { versions } = await platform.observe(service);
  const traffic = await platform.traffic(service);
  const steps = release ? stepLabels(release.state.strategy, spec.release) : [];
  if (options.output === 'json') {
    process.stdout.write(
      `${JSON.stringify({ release: release ? { ...release.state, steps, analysis: analysedLabel(release.state) } : null, versions, traffic, request: release?.request ?? null }, null, 2)}\n`,
    );
    return EXIT.ok;
  }
  process.stdout.write(
    `${describeRollout(service, { release: release ? { ...release.state, steps } : null, versions })}\n`,
  );
  if (release) process.stdout.write(`  ${trafficLine(traffic, service, namespace)}\n`);
  if (release?.request)
    process.stdout.write(`  pending: ${release.request} (taken by the gantry deploy driving it)\n`);
  return EXIT.ok;
}
