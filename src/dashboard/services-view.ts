/**
 * One service as the page shows it: its totals, a row per version (traffic weight,
 * ready/desired, restarts, and that version's last second of traffic from the stream),
 * its replicas (pick one to tail its log) and the scale and rollback actions.
 */
import { perform } from './actions.ts';
import { h } from './dom.ts';
import { formatMs, formatPercent, formatRps } from './format.ts';
import type { ServiceStatus, VersionPoint } from './types.ts';

const servicePath = (service: string, action: string) =>
  `/v1/services/${encodeURIComponent(service)}/${action}`;

export function summary(service: ServiceStatus): HTMLElement {
  const { ready, desired } = service.replicas;
  return h(
    'dl',
    { class: 'figures' },
    figure('ready', `${ready}/${desired}`, ready < desired ? 'warn' : undefined, 'ready'),
    figure('req/s', formatRps(service.requestsPerSecond)),
    figure('errors', formatPercent(service.errorRate), (service.errorRate ?? 0) > 0.01 ? 'bad' : undefined),
    figure('p95', formatMs(service.latencyP95Ms)),
    figure('restarts', String(service.restarts), service.restarts > 0 ? 'warn' : undefined),
    service.autoscale &&
      figure(
        'autoscale',
        `${service.autoscale.currentReplicas} → ${service.autoscale.desiredReplicas} (${service.autoscale.minReplicas}–${service.autoscale.maxReplicas}) ${service.autoscale.reason}`,
      ),
  );
}

function figure(name: string, value: string, tone?: string, testId?: string): HTMLElement {
  return h(
    'div',
    { class: `figure ${tone ?? ''}` },
    h('dt', {}, name),
    h('dd', { 'data-testid': testId }, value),
  );
}

/** `latest`: this service's versions in the newest metrics point, if one has come. */
export function versionsTable(
  service: ServiceStatus,
  latest: Record<string, VersionPoint> | undefined,
): HTMLElement {
  const restartsOf = (version: string) =>
    service.replicas.items.filter((r) => r.version === version).reduce((n, r) => n + r.restarts, 0);
  return h(
    'table',
    { class: 'versions' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['version', 'traffic', 'ready', 'restarts', 'req/s', 'errors', 'p95'].map((c) => h('th', {}, c)),
      ),
    ),
    h(
      'tbody',
      {},
      ...service.versions.map((v) => {
        const point = latest?.[v.version];
        return h(
          'tr',
          { 'data-version': v.version },
          h('td', {}, v.version),
          h(
            'td',
            { class: 'weight' },
            h('span', { class: 'bar', style: `--weight:${v.weight}%` }),
            h('span', { 'data-testid': 'weight' }, `${v.weight} %`),
          ),
          h('td', {}, `${v.ready}/${v.desired}`),
          h('td', {}, restartsOf(v.version)),
          h('td', {}, formatRps(point?.rps)),
          h('td', {}, formatPercent(point?.errorRate)),
          h('td', {}, formatMs(point?.p95Ms)),
        );
      }),
    ),
  );
}

export function replicaList(service: ServiceStatus, pick: (replica: string) => void): HTMLElement {
  return h(
    'ul',
    { class: 'replicas' },
    ...service.replicas.items.map((r) =>
      h(
        'li',
        {},
        button(
          `${r.id} · ${r.version} · ${r.ready ? 'ready' : r.state}${r.restarts ? ` · ↻${r.restarts}` : ''}`,
          () => pick(r.id),
          { class: r.ready ? 'replica ready' : 'replica', title: 'tail this replica’s log' },
        ),
      ),
    ),
  );
}

export function serviceActions(service: ServiceStatus): HTMLElement {
  const input = h('input', {
    type: 'number',
    min: 0,
    max: 100,
    value: service.replicas.desired,
    'aria-label': `replicas of ${service.name}`,
  });
  return h(
    'div',
    { class: 'actions' },
    h('label', {}, 'replicas ', input),
    button('Scale', () => {
      const replicas = Number(input.value);
      void perform({
        name: `scale ${service.name}`,
        question: `Scale ${service.name} to ${replicas} replicas?${service.autoscale ? ' Its autoscaler will override this at its next sync.' : ''}`,
        path: servicePath(service.name, 'scale'),
        body: { replicas },
      });
    }),
    button('Rollback', () =>
      perform({
        name: `rollback ${service.name}`,
        question: `Roll ${service.name} back to its previous revision? Traffic switches without steps or analysis.`,
        path: servicePath(service.name, 'rollback'),
      }),
    ),
  );
}

export function button(
  label: string,
  onClick: () => unknown,
  attributes: Record<string, string> = {},
): HTMLButtonElement {
  const element = h('button', { type: 'button', ...attributes }, label);
  element.addEventListener('click', () => void onClick());
  return element;
}

export { servicePath };
