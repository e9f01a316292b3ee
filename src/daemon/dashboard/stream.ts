/**
 * GET /v1/stream: the dashboard's live feed. On connect a client gets the last ten minutes of
 * metrics (`history`), the status document (`status`) and the last 50 events (`event`, oldest
 * first); then a `metrics` point every second, `status` whenever it changed, and each new `event`
 * as it is recorded.
 *
 * One shared one-second tick serves every client (a point is sampled and the status computed
 * once, whatever the number of tabs), and the tick runs without clients too so that history
 * is there when the first one connects. Every 15 s each client also gets a heartbeat comment.
 */
import type { EventRecord } from '../../local/store.ts';
import type { DaemonStatus } from '../status.ts';
import { MetricsHistory } from './history.ts';
import type { MetricsPoint } from './metrics-point.ts';
import type { SseConnection } from './sse.ts';

export const TICK_MS = 1000;
export const HEARTBEAT_MS = 15_000;
export const EVENTS_ON_CONNECT = 50;

export interface StreamSources {
  status(): DaemonStatus;
  sample(now: number): MetricsPoint;
  /** The newest events, newest first (as the store returns them). */
  recentEvents(limit: number): EventRecord[];
}

export class DashboardStream {
  private readonly history = new MetricsHistory();
  private readonly clients = new Set<SseConnection>();
  private timer: NodeJS.Timeout | undefined;
  private lastStatus = '';
  private ticks = 0;

  constructor(private readonly sources: StreamSources) {}

  start(): void {
    this.timer ??= setInterval(() => this.tick(Date.now()), TICK_MS);
  }

  /** Ends every client's stream (the HTTP server cannot close while they are open). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const client of this.clients) client.close();
  }

  attach(client: SseConnection): void {
    client.send('history', this.history.recent(Date.now()));
    const status = JSON.stringify(this.sources.status());
    client.sendJson('status', status);
    for (const event of this.sources.recentEvents(EVENTS_ON_CONNECT).reverse()) client.send('event', event);
    if (this.clients.size === 0) this.lastStatus = status;
    this.clients.add(client);
    client.onClose(() => this.clients.delete(client));
  }

  /** A newly recorded event, to every client at once. */
  publish(event: EventRecord): void {
    const json = JSON.stringify(event);
    for (const client of this.clients) client.sendJson('event', json);
  }

  private tick(now: number): void {
    const point = this.sources.sample(now);
    this.history.push(point);
    this.ticks++;
    if (this.clients.size === 0) return;
    const status = JSON.stringify(this.sources.status());
    const changed = status !== this.lastStatus;
    this.lastStatus = status;
    const heartbeat = this.ticks % (HEARTBEAT_MS / TICK_MS) === 0;
    const metrics = JSON.stringify(point);
    for (const client of this.clients) {
      if (changed) client.sendJson('status', status);
      client.sendJson('metrics', metrics);
      if (heartbeat) client.comment('heartbeat');
    }
  }
}
