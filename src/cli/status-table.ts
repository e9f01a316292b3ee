/** The status table `gantry status` and `gantry up` print. */
import { stripVTControlCharacters as stripAnsi } from 'node:util';
import { metricsLine } from '../autoscale/status.ts';
import type { DaemonStatus } from '../daemon/status.ts';
import type { MonitoringStatus } from '../local/monitoring/prometheus.ts';
import { style } from './style.ts';

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) =>
    Math.max(...rows.map((row) => stripAnsi(row[column] ?? '').length)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell + ' '.repeat(widths[column]! - stripAnsi(cell).length))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The columns of the services table, locally and on a cluster (which has no counts of its own: `-`). */
export const SERVICE_COLUMNS = ['SERVICE', 'URL', 'VERSION', 'READY', 'RESTARTS', 'REQ/S', 'ERRORS', 'P95'];

/** `ready/desired`, green when every desired replica is ready (and, on a cluster, some are desired). */
export function readyCell(ready: number, desired: number, noneDesiredIsReady = false): string {
  const text = `${ready}/${desired}`;
  return ready >= desired && (desired > 0 || noneDesiredIsReady) ? style.green(text) : style.yellow(text);
}

/** One autoscaled service as both tables show it: the HPA's counts, its metrics line and reason. */
export interface AutoscaledRow {
  name: string;
  currentReplicas: number;
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  metrics: string;
  reason: string;
}

/** The AUTOSCALED table under the services, or nothing when no service autoscales. */
export function autoscaledLines(rows: readonly AutoscaledRow[]): string[] {
  if (rows.length === 0) return [];
  const scaling = [['AUTOSCALED', 'CURRENT', 'DESIRED', 'MIN–MAX', 'METRICS (current/target)', 'REASON']];
  for (const a of rows)
    scaling.push([
      a.name,
      String(a.currentReplicas),
      String(a.desiredReplicas),
      `${a.minReplicas}–${a.maxReplicas}`,
      a.metrics,
      a.reason,
    ]);
  return ['', table(scaling)];
}

const percent = (value: number | null) =>
  value === null ? '-' : `${(value * 100).toFixed(value < 0.01 && value > 0 ? 2 : 1)}%`;
const ms = (value: number | null) => (value === null ? '-' : `${Math.round(value)}ms`);

export function formatStatus(status: DaemonStatus): string {
  const rows = [SERVICE_COLUMNS];
  for (const service of status.services) {
    const { ready, desired } = service.replicas;
    rows.push([
      service.name,
      service.url ?? '-',
      service.versions.length > 1
        ? service.versions.map((v) => `${v.version}(${v.weight}%)`).join(' ')
        : (service.version ?? '-'),
      readyCell(ready, desired, true),
      String(service.restarts),
      service.requestsPerSecond.toFixed(1),
      percent(service.errorRate),
      ms(service.latencyP95Ms),
    ]);
  }
  const lines = [table(rows)];
  lines.push(
    ...autoscaledLines(
      status.services.flatMap((service) =>
        service.autoscale
          ? [{ ...service.autoscale, name: service.name, metrics: metricsLine(service.autoscale) }]
          : [],
      ),
    ),
  );
  if (status.monitoring) lines.push('', ...monitoringLines(status.monitoring));
  const notes = status.backing.map((b) =>
    b.state === 'running'
      ? `${b.name} (${b.kind}): ${b.url}`
      : style.yellow(`${b.name} (${b.kind}): ${b.state} — ${b.message ?? ''}`),
  );
  if (notes.length > 0) lines.push('', ...notes);
  return lines.join('\n');
}

export function formatReplicas(status: DaemonStatus): string {
  const rows = [['REPLICA', 'VERSION', 'PID', 'PORT', 'STATE', 'READY', 'RESTARTS']];
  for (const service of status.services)
    for (const r of service.replicas.items)
      rows.push([
        r.id,
        r.version,
        String(r.pid ?? '-'),
        String(r.port),
        r.state,
        r.ready ? 'yes' : 'no',
        String(r.restarts),
      ]);
  return table(rows);
}

/** The local Prometheus and its SLO alerts (`gantry up --monitoring`), each with its runbook line. */
function monitoringLines(monitoring: MonitoringStatus): string[] {
  if (monitoring.state !== 'running')
    return [style.yellow(`monitoring: ${monitoring.state} — ${monitoring.message ?? ''}`)];
  const firing = monitoring.alerts.filter((a) => a.state === 'firing').length;
  const head = `monitoring: prometheus ${monitoring.url} — ${firing === 0 ? 'no SLO alert firing' : `${firing} SLO alert${firing === 1 ? '' : 's'} firing`}`;
  if (monitoring.alerts.length === 0) return [head];
  const rows = [['ALERT', 'STATE', 'SERVICE', 'VERSION', 'SEVERITY', 'WINDOWS', 'BURN']];
  for (const a of monitoring.alerts)
    rows.push([
      a.name,
      a.state === 'firing' ? style.red('firing') : style.yellow('pending'),
      a.service,
      a.version,
      a.severity,
      `${a.labels.long_window}/${a.labels.short_window}`,
      `${a.labels.burn_rate}×`,
    ]);
  const runbooks = [...new Set(monitoring.alerts.map((a) => `  ${a.summary}\n    runbook: ${a.runbook}`))];
  return [head, table(rows), ...runbooks];
}
