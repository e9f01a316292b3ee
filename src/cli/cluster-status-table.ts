/**
 * The table `gantry status --env prod` prints: the local status table's columns (REQ/S, ERRORS
 * and P95 read `-`: the cluster has no load balancer of ours to count them), the same AUTOSCALED
 * table from the HPA, then the recent Warning events.
 */
import type { ClusterStatus } from '../platform/kubernetes/cluster-status.ts';
import { autoscaledLines, readyCell, SERVICE_COLUMNS, table } from './status-table.ts';
import { style } from './style.ts';

/** `--replicas`: every pod of every service, the columns of the local replica table that a pod has. */
export function formatClusterPods(status: ClusterStatus): string {
  const rows = [['POD', 'VERSION', 'NODE', 'STATE', 'READY', 'RESTARTS']];
  for (const service of status.services)
    for (const pod of service.pods)
      rows.push([
        pod.name,
        pod.version,
        pod.node ?? '-',
        pod.state,
        pod.ready ? 'yes' : 'no',
        String(pod.restarts),
      ]);
  return rows.length > 1 ? table(rows) : 'no pods';
}

export function formatClusterStatus(status: ClusterStatus): string {
  const lines = [
    `${status.app} (${status.environment}) in namespace ${status.namespace} on ${status.context}`,
    '',
  ];
  const rows = [SERVICE_COLUMNS];
  for (const service of status.services) {
    const { ready, desired } = service.replicas;
    rows.push([
      service.name,
      '-',
      service.versions.length > 1
        ? service.versions.map((v) => `${v.version}(${v.ready}/${v.desired})`).join(' ')
        : (service.version ?? style.yellow('not deployed')),
      readyCell(ready, desired),
      String(service.restarts),
      '-',
      '-',
      '-',
    ]);
  }
  lines.push(table(rows));
  lines.push(
    ...autoscaledLines(
      status.services.flatMap((service) =>
        service.autoscale ? [{ ...service.autoscale, name: service.name }] : [],
      ),
    ),
  );
  if (status.warnings.length > 0) {
    lines.push('', style.yellow('recent warnings:'));
    for (const w of status.warnings)
      lines.push(`  ${w.object} ${w.reason}${w.count > 1 ? ` (×${w.count})` : ''}: ${w.message}`);
  }
  return lines.join('\n');
}
