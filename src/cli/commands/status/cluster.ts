/** `gantry status --env prod`: the cluster's view of every service (cluster-status.ts decides). */
import { clusterStatus, type EventObject } from '../../../platform/kubernetes/cluster-status.ts';
import { pruneSelector } from '../../../platform/kubernetes/prune.ts';
import { kubeErrorsAsync, openCluster } from '../../cluster-open.ts';
import { formatClusterPods, formatClusterStatus } from '../../cluster-status-table.ts';
import { EXIT } from '../../errors.ts';
import type { ClusterOptions } from '../../target.ts';

export async function clusterStatusRun(
  options: ClusterOptions & { output: string; replicas?: boolean },
): Promise<number> {
  const { model, environment, namespace, connection, day2 } = openCluster(options, 'status');
  const ours = { labelSelector: pruneSelector(model.app) };
  const observed = await kubeErrorsAsync(async () => {
    const [deployments, pods, hpas, events] = await Promise.all([
      day2.list({ apiVersion: 'apps/v1', kind: 'Deployment' }, namespace, ours),
      day2.list({ apiVersion: 'v1', kind: 'Pod' }, namespace, ours),
      day2.list({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' }, namespace, ours),
      day2.list({ apiVersion: 'v1', kind: 'Event' }, namespace, { fieldSelector: 'type=Warning' }),
    ]);
    return { deployments, pods, hpas, events: events as unknown as EventObject[] };
  });
  const status = clusterStatus(
    { app: model.app, environment, context: connection.context, namespace },
    Object.keys(model.services),
    observed,
    Date.now(),
  );
  if (options.output === 'json') process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
  else
    process.stdout.write(
      `${formatClusterStatus(status)}\n${options.replicas ? `\n${formatClusterPods(status)}\n` : ''}`,
    );
  return EXIT.ok;
}
