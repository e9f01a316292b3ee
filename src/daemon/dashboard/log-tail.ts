/**
 * GET /v1/services/:service/replicas/:replica/logs: a replica's log as Server-Sent Events
 * (`event: line`, data `{ "text": … }`): the last 100 lines, then each line appended. Lines are
 * sent whole (a partial line waits for its newline). The file is checked every 500 ms, as
 * `gantry logs -f` does; when it shrinks it was rotated (copy-truncate) and is read from the top.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { SseConnection } from './sse.ts';

export const TAIL_LINES = 100;
const POLL_MS = 500;
/** How far back from the end to look for the last lines (a line longer than this is cut). */
const TAIL_BYTES = 256 * 1024;

/** `api-2` or `2` → `api-2`; anything else (a path, another service's replica) → undefined. */
export function replicaId(service: string, replica: string): string | undefined {
  if (/^\d+$/.test(replica)) return `${service}-${replica}`;
  return replica.startsWith(`${service}-`) && /^\d+$/.test(replica.slice(service.length + 1))
    ? replica
    : undefined;
}

/**
 * The complete lines in `chunk` (after `pending`, the unfinished line so far) and the new
 * unfinished line. Split on the newline byte, which never occurs inside a UTF-8 character, so a
 * character cut between two reads is decoded whole.
 */
export function takeLines(pending: Buffer, chunk: Buffer): { lines: string[]; pending: Buffer } {
  const data = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  const end = data.lastIndexOf(0x0a);
  if (end < 0) return { lines: [], pending: data };
  const lines = data
    .subarray(0, end)
    .toString('utf8')
    .split('\n')
    .map((line) => line.replace(/\r$/, ''));
  return { lines, pending: data.subarray(end + 1) };
}

/** Sends the log's last lines to the client, then what is appended, until the client goes away. */
export function followLog(file: string, client: SseConnection): void {
  const start = Math.max(0, size(file) - TAIL_BYTES);
  let offset = start;
  let pending: Buffer<ArrayBufferLike> = Buffer.alloc(0);
  const pump = (): string[] => {
    const now = size(file);
    if (now < offset) {
      offset = 0;
      pending = Buffer.alloc(0);
    }
    if (now === offset) return [];
    const chunk = read(file, offset, now);
    offset += chunk.length;
    const taken = takeLines(pending, chunk);
    pending = taken.pending;
    return taken.lines;
  };
  // Starting mid-file, the first piece is the end of an earlier line: drop it.
  const initial = pump().slice(start > 0 ? 1 : 0);
  for (const text of initial.slice(-TAIL_LINES)) client.send('line', { text });
  const timer = setInterval(() => {
    for (const text of pump()) client.send('line', { text });
  }, POLL_MS);
  client.onClose(() => clearInterval(timer));
}

/** The file's size; 0 while it is missing (between a rotation's steps, or not yet written). */
function size(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function read(file: string, from: number, to: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(to - from);
    const bytes = readSync(fd, buffer, 0, buffer.length, from);
    return buffer.subarray(0, bytes);
  } finally {
    closeSync(fd);
  }
}
