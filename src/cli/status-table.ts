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

const percent = (value: number | null) =>
  value === null ? '-' : `${(value * 100).toFixed(value < 0.01 && value > 0 ? 2 : 1)}%`;
const ms = (value: number | null) => (value === null ? '-' : `${Math.round(value)}ms`);

export function formatStatus(status: DaemonStatus): string {
  const rows = [['SERVICE', 'URL', 'VERSION', 'READY', 'RESTARTS', 'REQ/S', 'ERRORS', 'P95']];
  for (const service of status.services) {
    const { ready, desired } = service.replicas;
    const readyText = `${ready}/${desired}`;
    rows.push([
      service.name,
      service.url ?? '-',
      service.versions.length > 1
        ? service.versions.map((v) => `${v.version}(${v.weight}%)`).join(' ')
        : (service.version ?? '-'),
      ready >= desired ? style.green(readyText) : style.yellow(readyText),
      String(service.restarts),
      service.requestsPerSecond.toFixed(1),
      percent(service.errorRate),
      ms(service.latencyP95Ms),
    ]);
  }
  const lines = [table(rows)];
  const autoscaled = status.services.filter((service) => service.autoscale);
  if (autoscaled.length > 0) {
    const scaling = [['AUTOSCALED', 'CURRENT', 'DESIRED', 'MIN–MAX', 'METRICS (current/target)', 'REASON']];
    for (const service of autoscaled) {
      const a = service.autoscale!;
      scaling.push([
        service.name,
        String(a.currentReplicas),
        String(a.desiredReplicas),
        `${a.minReplicas}–${a.maxReplicas}`,
        metricsLine(a),
        a.reason,
      ]);
    }
    lines.push('', table(scaling));
  }
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
