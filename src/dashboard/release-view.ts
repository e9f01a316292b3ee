/**
 * A service's latest release: its steps as a progress line with the current one
 * highlighted, the traffic split, every analysis measurement with its verdict and the
 * comparison against the thresholds (the daemon's own one-line summary, e.g.
 * "success rate 97.10% < 99.00%"), and how it ended and why. Promote and abort while it runs.
 */
import { perform } from './actions.ts';
import { h } from './dom.ts';
import { formatClock, formatMs, formatPercent } from './format.ts';
import { outcome, stepViews } from './progress.ts';
import { button, servicePath } from './services-view.ts';
import type { Measurement, ReleaseView, Rollout } from './types.ts';

/** An ended release stays on the page this long, so its result can be read. */
const SHOW_ENDED_MS = 10 * 60_000;

export function worthShowing(release: ReleaseView | null, now: number): release is ReleaseView {
  if (!release) return false;
  // The first revision (what `gantry up` started) is not a release anyone watches.
  if (release.version === release.stable) return false;
  const active = release.status === 'progressing' || release.status === 'paused';
  return active || now - (release.endedAt ?? now) < SHOW_ENDED_MS;
}

export function releasePanel(service: string, rollout: Rollout, now: number): HTMLElement | null {
  const release = rollout.release;
  if (!worthShowing(release, now)) return null;
  const active = release.status === 'progressing' || release.status === 'paused';
  return h(
    'div',
    { class: `release ${release.status}`, 'data-testid': 'release', 'data-status': release.status },
    h(
      'h3',
      {},
      `Release #${release.id}: ${release.stable} → ${release.version} `,
      h(
        'span',
        { class: 'muted', 'data-testid': 'judged' },
        [release.strategy, release.status, release.analysis].filter(Boolean).join(' · '),
      ),
    ),
    h(
      'ol',
      { class: 'steps' },
      ...stepViews(release).map((step) =>
        h(
          'li',
          { class: step.state, 'aria-current': step.state === 'current' ? 'step' : undefined },
          step.label,
        ),
      ),
    ),
    h(
      'p',
      { class: 'split', 'data-testid': 'split' },
      'traffic: ',
      ...rollout.versions.flatMap((v, i) => [
        i > 0 ? ' · ' : '',
        h('strong', { 'data-version': v.version }, `${v.version} ${v.weight} %`),
      ]),
    ),
    h('p', { class: 'outcome', 'data-testid': 'outcome' }, outcome(release)),
    measurementsTable(release.measurements),
    active &&
      h(
        'div',
        { class: 'actions' },
        button('Promote', () =>
          perform({
            name: `promote ${service}`,
            question: `Promote ${release.version} of ${service} past the current step (${release.message})?`,
            path: servicePath(service, 'promote'),
          }),
        ),
        button(
          'Abort',
          () =>
            perform({
              name: `abort ${service}`,
              question: `Abort the release of ${release.version}? All traffic returns to ${release.stable}.`,
              path: servicePath(service, 'abort'),
            }),
          { class: 'danger' },
        ),
      ),
  );
}

function measurementsTable(measurements: readonly Measurement[]): HTMLElement {
  if (measurements.length === 0) return h('p', { class: 'muted' }, 'no analysis measurement yet');
  return h(
    'table',
    { class: 'measurements', 'data-testid': 'measurements' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['time', 'version', 'verdict', 'requests', 'success', 'p95', 'against the thresholds'].map((c) =>
          h('th', {}, c),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...[...measurements]
        .reverse()
        .map((m) =>
          h(
            'tr',
            { class: m.verdict },
            h('td', {}, formatClock(m.at)),
            h('td', {}, m.version),
            h('td', {}, h('span', { class: `verdict ${m.verdict}` }, m.verdict)),
            h('td', {}, m.requests),
            h('td', {}, formatPercent(m.successRate)),
            h('td', {}, formatMs(m.latencyP95Ms)),
            h('td', { class: 'summary' }, m.summary),
          ),
        ),
    ),
  );
}
