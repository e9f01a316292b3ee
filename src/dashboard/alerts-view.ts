/**
 * The SLO alerts of the local Prometheus (`gantry up --monitoring`): firing and pending ones,
 * each with its service, version, windows and runbook line. Hidden without monitoring.
 */
import { h, show } from './dom.ts';
import type { DaemonStatus } from './types.ts';

export function drawAlerts(
  box: HTMLElement,
  list: HTMLElement,
  monitoring: DaemonStatus['monitoring'],
): void {
  box.hidden = monitoring === undefined;
  if (!monitoring) return;
  if (monitoring.state !== 'running') {
    show(list, h('li', { class: 'muted' }, `monitoring ${monitoring.state}: ${monitoring.message ?? ''}`));
    return;
  }
  if (monitoring.alerts.length === 0) {
    show(list, h('li', { class: 'muted' }, 'no SLO alert firing'));
    return;
  }
  show(
    list,
    ...monitoring.alerts.map((alert) =>
      h(
        'li',
        { class: `alert ${alert.state}`, 'data-service': alert.service },
        h('strong', {}, `${alert.state} ${alert.name}`),
        ` ${alert.service} ${alert.version} · ${alert.severity} · ${alert.labels.long_window}/${alert.labels.short_window} at ${alert.labels.burn_rate}×`,
        h('div', {}, alert.summary),
        h('div', { class: 'muted' }, `runbook: ${alert.runbook}`),
      ),
    ),
  );
}
