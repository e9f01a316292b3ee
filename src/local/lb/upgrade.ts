/**
 * Upgrade (WebSocket) pass-through: once node:http hands us the client's socket, open a fresh TCP
 * connection to a replica, replay the handshake, and pipe bytes both ways until either side closes.
 * The replica's 101 answer and all frames pass through untouched; pooled connections are not used,
 * since an upgraded connection is never returned to HTTP.
 */
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { upgradeHead } from './headers.ts';
import type { ProxyContext } from './upstream.ts';

export function passUpgrade(
  ctx: ProxyContext,
  req: IncomingMessage,
  client: Duplex,
  head: Buffer,
  open: Set<Duplex>,
): void {
  client.on('error', () => client.destroy());
  const slot = ctx.balancer.pick(performance.now());
  if (slot === undefined) {
    reject(client, 503, `no ready replicas for service ${ctx.service}`);
    return;
  }
  const { host, port, id } = slot.backend;
  const upstream = net.connect({ host, port });
  // A long-lived connection is outstanding work on that replica for as long as it is open.
  slot.outstanding++;
  open.add(client);
  let connected = false;
  upstream.once('connect', () => {
    connected = true;
    upstream.setNoDelay(true);
    upstream.write(
      upgradeHead(req.method ?? 'GET', req.url ?? '/', req.rawHeaders, req.socket.remoteAddress),
    );
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    if (!connected) reject(client, 502, `replica ${id} failed: ${err.code ?? err.message}`);
    else client.destroy();
  });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    slot.outstanding--;
    open.delete(client);
    upstream.destroy();
    // Before the replica connected, the client may still be receiving our error answer.
    if (connected) client.destroy();
  };
  upstream.once('close', close);
  client.once('close', close);
}

function reject(client: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  const reason = status === 503 ? 'Service Unavailable' : 'Bad Gateway';
  client.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
