/**
 * What the daemon and its proxy say to each other over the proxy's unix socket (newline-delimited
 * JSON, the socket private to this user), and what the proxy's primary and its workers say over
 * their IPC channels.
 *
 * The daemon programs the proxy with its whole table each time (listeners, each with its ready
 * backends and version weights; the proxy applies the difference), reads counted requests as the
 * proxy pushes them, and asks for the Prometheus exposition. The table outlives the daemon: a new
 * daemon says hello, gets the table and every window back, and adopts the proxy as it is.
 */
import type { Socket } from 'node:net';
import type { Backend, Taken } from '../lb/load-balancer.ts';
import type { VersionSeconds } from '../lb/version-windows.ts';

/** Bumped when a message changes incompatibly; a daemon replaces a proxy speaking another version. */
export const PROTOCOL = 1;

export interface ListenerSpec {
  /** The service's name for its address; `service@version` for a preview of one version. */
  key: string;
  service: string;
  /** The port asked for; 0: any free one. When taken, a free one is used and the answer says so. */
  port: number;
  /** Ready backends: the only ones that get requests (a refused connection also skips one for a second). */
  backends: Backend[];
  /** Percent by version; null: by backend count. */
  weights: Record<string, number> | null;
  /** Main listeners export Prometheus series; previews do not. */
  prometheus: boolean;
}

export interface Table {
  listeners: ListenerSpec[];
}

/** What a listener counted since the last report (LoadBalancer.take). */
export type ListenerCounts = Taken;

/** Everything a listener counted so far, for a daemon that (re)connects. */
export interface ListenerSnapshot {
  windows: VersionSeconds[];
  /** Requests finished per backend since it joined. */
  served: Record<string, number>;
}

export interface ProxyInfo {
  pid: number;
  /** /proc start time of the primary, to recognise it after a pid is reused. */
  startTime: number;
  protocol: number;
  workers: number[];
}

export type Request =
  | { id: number; op: 'hello' }
  | { id: number; op: 'apply'; table: Table }
  | { id: number; op: 'prometheus' }
  | { id: number; op: 'stop' };

export interface HelloResult {
  info: ProxyInfo;
  table: Table;
  /** Port each listener has. */
  ports: Record<string, number>;
  snapshot: Record<string, ListenerSnapshot>;
}

export interface ApplyResult {
  ports: Record<string, number>;
  /** Listeners whose port was taken and got another (key → the message). */
  moved: Record<string, string>;
}

export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** Pushed to every connected daemon: counts a few times a second while requests flow; info when a worker changes. */
export type Push =
  | { push: 'counts'; listeners: Record<string, ListenerCounts> }
  | { push: 'info'; info: ProxyInfo };

// ── primary ↔ worker (IPC) ─────────────────────────────────────────────────────────────────

export type ToWorker =
  /** Sent with the listening socket's handle. */
  | { type: 'listen'; key: string; service: string }
  | { type: 'close'; key: string }
  | { type: 'table'; listeners: Pick<ListenerSpec, 'key' | 'backends' | 'weights'>[] }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'counts'; listeners: Record<string, ListenerCounts> }
  | { type: 'listen-failed'; key: string; message: string };

/** How often workers report what they counted. */
export const REPORT_MS = 250;

/** Calls `onLine` with each newline-terminated line the socket receives (the framing of the proxy's socket). */
export function readLines(socket: Socket, onLine: (line: string) => void): void {
  socket.setEncoding('utf8');
  let buffered = '';
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      onLine(line);
      newline = buffered.indexOf('\n');
    }
  });
}
