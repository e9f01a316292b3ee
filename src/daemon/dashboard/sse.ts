/**
 * One Server-Sent Events response: writes `event:`/`data:` frames and comments, and ends itself
 * when the client goes away or reads too slowly (a stalled tab must not make the daemon buffer
 * without bound).
 */
import type { ServerResponse } from 'node:http';

/** Bytes a client may fall behind before it is dropped (it reconnects and gets a fresh history). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export class SseConnection {
  private closed = false;
  private readonly closeHandlers: (() => void)[] = [];

  constructor(private readonly res: ServerResponse) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // How long an EventSource waits before reconnecting after the daemon restarts.
    res.write('retry: 2000\n\n');
    res.on('close', () => this.finish());
  }

  get open(): boolean {
    return !this.closed;
  }

  onClose(handler: () => void): void {
    if (this.closed) handler();
    else this.closeHandlers.push(handler);
  }

  send(event: string, data: unknown): void {
    this.sendJson(event, JSON.stringify(data));
  }

  /** Sends data already serialised (once for every client). JSON never holds a raw newline, so it is one `data:` line. */
  sendJson(event: string, json: string): void {
    this.write(`event: ${event}\ndata: ${json}\n\n`);
  }

  /** A comment line: ignored by EventSource, keeps proxies and idle timers from closing the stream. */
  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  close(): void {
    if (!this.closed) this.res.end();
    this.finish();
  }

  private write(frame: string): void {
    if (this.closed) return;
    this.res.write(frame);
    if (this.res.writableLength > MAX_BUFFERED_BYTES) this.close();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    for (const handler of this.closeHandlers.splice(0)) handler();
  }
}
