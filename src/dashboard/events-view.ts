/**
 * The daemon's events (replica started, probe failed, release step, rescale…), newest
 * first, filtered by service. The stream replays the last 50 on every (re)connect; events
 * already held are recognised by their id and not shown twice.
 */
import { h, show } from './dom.ts';
import { formatClock } from './format.ts';
import type { Event } from './types.ts';

const KEEP = 300;

export class EventLog {
  private readonly events = new Map<number, Event>();
  private filter = '';

  constructor(
    private readonly list: HTMLElement,
    private readonly select: HTMLSelectElement,
  ) {
    select.addEventListener('change', () => {
      this.filter = select.value;
      this.render();
    });
  }

  add(event: Event): void {
    this.events.set(event.id, event);
    if (this.events.size > KEEP) this.events.delete(Math.min(...this.events.keys()));
    this.render();
  }

  all(): Event[] {
    return [...this.events.values()];
  }

  /** Keeps the filter's choices in step with the services the daemon runs. */
  services(names: string[]): void {
    const current = [...this.select.options].map((o) => o.value).slice(1);
    if (current.join() === names.join()) return;
    show(
      this.select,
      h('option', { value: '' }, 'all services'),
      ...names.map((name) => h('option', { value: name, selected: name === this.filter }, name)),
    );
  }

  private render(): void {
    const shown = [...this.events.values()]
      .filter((e) => this.filter === '' || e.service === this.filter)
      .sort((a, b) => b.id - a.id)
      .slice(0, 100);
    show(
      this.list,
      ...shown.map((e) =>
        h(
          'li',
          { class: e.type === 'Warning' ? 'warning' : undefined, 'data-service': e.service },
          h('time', { datetime: new Date(e.at).toISOString() }, formatClock(e.at)),
          h('span', { class: 'source' }, e.replica ?? e.service),
          h('strong', {}, e.reason),
          h('span', { class: 'message' }, e.message),
        ),
      ),
    );
  }
}
