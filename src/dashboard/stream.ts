/**
 * The page's one live connection: `GET /v1/stream` (Server-Sent Events). The daemon pushes
 * history once, then status on change, each new store event, and a metrics point a second;
 * the page never polls. EventSource reconnects by itself after a daemon restart, and the
 * daemon replays history, status and recent events on every connect, so a reconnect needs
 * no bookkeeping here beyond dropping events already shown.
 */
import type { DaemonStatus, Event, MetricsPoint } from './types.ts';

export interface StreamHandlers {
  history(points: MetricsPoint[]): void;
  status(status: DaemonStatus): void;
  event(event: Event): void;
  metrics(point: MetricsPoint): void;
  connection(state: 'live' | 'reconnecting'): void;
}

export function connectStream(url: string, handlers: StreamHandlers): EventSource {
  const source = new EventSource(url);
  const on = <T>(name: string, handle: (data: T) => void) =>
    source.addEventListener(name, (message) =>
      handle(JSON.parse((message as MessageEvent<string>).data) as T),
    );
  on<MetricsPoint[]>('history', handlers.history);
  on<DaemonStatus>('status', handlers.status);
  on<Event>('event', handlers.event);
  on<MetricsPoint>('metrics', handlers.metrics);
  source.addEventListener('open', () => handlers.connection('live'));
  source.addEventListener('error', () => handlers.connection('reconnecting'));
  return source;
}
