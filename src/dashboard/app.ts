/**
 * The dashboard: one panel per service (figures, versions, replicas, release, charts), the
 * events and a log tail, all fed by the daemon's stream. Bundled by the daemon with esbuild
 * on first request (no build step, nothing from a CDN: it works offline).
 */
import { drawAlerts } from './alerts-view.ts';
import { autoscaleMarks, ServiceCharts } from './charts.ts';
import { byId, h, show } from './dom.ts';
import { EventLog } from './events-view.ts';
import { LogTail } from './logs-view.ts';
import { releasePanel } from './release-view.ts';
import { Rollouts } from './rollouts.ts';
import { FIGURES, keepWindow, seriesFor } from './series.ts';
import { replicaList, serviceActions, summary, versionsTable } from './services-view.ts';
import { connectStream } from './stream.ts';
import type { DaemonStatus, MetricsPoint, ServiceStatus } from './types.ts';

const WINDOW_MS = 10 * 60_000;

interface Panel {
  root: HTMLElement;
  figures: HTMLElement;
  versions: HTMLElement;
  replicas: HTMLElement;
  actions: HTMLElement;
  release: HTMLElement;
  charts: ServiceCharts;
}

const panels = new Map<string, Panel>();
let status: DaemonStatus | undefined;
let points: MetricsPoint[] = [];

const events = new EventLog(byId('events'), byId<HTMLSelectElement>('event-filter'));
const logs = new LogTail(byId('log-title'), byId('log'));
const rollouts = new Rollouts((service) => drawRelease(service));

function panelFor(service: ServiceStatus): Panel {
  let panel = panels.get(service.name);
  if (panel) return panel;
  const part = (tag: 'div' | 'section', className: string) => h(tag, { class: className });
  const charts = part('div', 'charts');
  panel = {
    root: h('section', { class: 'service', 'data-service': service.name }),
    figures: part('div', 'figures-wrap'),
    versions: part('div', 'versions-wrap'),
    replicas: part('div', 'replicas-wrap'),
    actions: part('div', 'actions-wrap'),
    release: part('div', 'release-wrap'),
    charts: new ServiceCharts(charts, service.url === null ? ['ready'] : FIGURES),
  };
  panel.root.append(
    h('h2', {}, service.name, ' ', h('span', { class: 'url' })),
    panel.figures,
    panel.release,
    panel.versions,
    panel.replicas,
    panel.actions,
    h('details', { class: 'charts-box', open: true }, h('summary', {}, 'last 10 minutes'), charts),
  );
  byId('services').append(panel.root);
  panels.set(service.name, panel);
  return panel;
}

function drawStatus(next: DaemonStatus): void {
  status = next;
  byId('app').textContent = `${next.app}${next.environment ? ` (${next.environment})` : ''}`;
  const names = next.services.map((s) => s.name);
  for (const [name, panel] of panels)
    if (!names.includes(name)) {
      panel.root.remove();
      panels.delete(name);
    }
  const latest = points.at(-1);
  for (const service of next.services) {
    const panel = panelFor(service);
    const url = panel.root.querySelector('.url')!;
    url.textContent = service.url ?? '';
    show(panel.figures, summary(service));
    show(panel.versions, versionsTable(service, latest?.services[service.name]));
    show(
      panel.replicas,
      replicaList(service, (replica) => logs.follow(service.name, replica)),
    );
    // Leave the scale field alone while someone is typing in it.
    if (!panel.actions.contains(document.activeElement)) show(panel.actions, serviceActions(service));
  }
  events.services(names);
  rollouts.onStatus(next);
  drawAlerts(byId('alerts-box'), byId('alerts'), next.monitoring);
}

function drawRelease(service: string): void {
  const panel = panels.get(service);
  const rollout = rollouts.get(service);
  if (!panel || !rollout) return;
  show(panel.release, releasePanel(service, rollout, Date.now()));
}

function drawCharts(): void {
  if (!status) return;
  const all = events.all();
  for (const service of status.services)
    panels
      .get(service.name)
      ?.charts.update(seriesFor(points, service.name), autoscaleMarks(all, service.name));
}

connectStream('/v1/stream', {
  history(history) {
    points = keepWindow(history, Date.now(), WINDOW_MS);
    drawCharts();
  },
  status(next) {
    drawStatus(next);
    drawCharts();
  },
  event(event) {
    events.add(event);
    if (/^(Release|Step|Smoke|RolledBack|Aborted|Analysis)/.test(event.reason))
      rollouts.refresh(event.service);
  },
  metrics(point) {
    points.push(point);
    points = keepWindow(points, point.t, WINDOW_MS);
    if (status) {
      const latest = point.services;
      for (const service of status.services) {
        const panel = panels.get(service.name);
        if (panel) show(panel.versions, versionsTable(service, latest[service.name]));
      }
    }
    drawCharts();
  },
  connection(state) {
    const badge = byId('connection');
    badge.textContent = state === 'live' ? 'live' : 'reconnecting…';
    badge.dataset.state = state;
  },
});
