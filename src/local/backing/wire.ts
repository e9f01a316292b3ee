/**
 * Just enough of the PostgreSQL and Redis wire protocols to know a server really accepts
 * connections (and to create the app's database), without a client library.
 */
import { connect, type Socket } from 'node:net';

export class PgError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

interface Message {
  type: string;
  body: Buffer;
}

function cstring(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
}

function parseError(body: Buffer): PgError {
  const fields: Record<string, string> = {};
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const code = String.fromCharCode(body[at]!);
    const end = body.indexOf(0, at + 1);
    fields[code] = body.subarray(at + 1, end).toString('utf8');
    at = end + 1;
  }
  return new PgError(fields.M ?? 'unknown error', fields.C ?? '');
}

export interface PgSession {
  /** Runs SQL with the simple query protocol; the rows' text values (null for NULL). */
  query(sql: string): Promise<(string | null)[][]>;
  close(): void;
}

/** Connects and authenticates (trust only); rejects with PgError when the server says no (e.g. 57P03 starting up). */
export function pgConnect(options: {
  host: string;
  port: number;
  user: string;
  database: string;
  timeoutMs?: number;
}): Promise<PgSession> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: options.host, port: options.port });
    let buffer = Buffer.alloc(0);
    const queue: Message[] = [];
    let waiter: ((m: Message | Error) => void) | undefined;
    let failure: Error | undefined;
    const timer = setTimeout(
      () => socket.destroy(new Error(`timed out talking to postgres on ${options.host}:${options.port}`)),
      options.timeoutMs ?? 5000,
    );
    const deliver = (m: Message | Error) => {
      if (waiter) {
        const w = waiter;
        waiter = undefined;
        w(m);
      } else if (m instanceof Error) failure ??= m;
      else queue.push(m);
    };
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 5) {
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) break;
        deliver({ type: String.fromCharCode(buffer[0]!), body: buffer.subarray(5, 1 + length) });
        buffer = buffer.subarray(1 + length);
      }
    });
    socket.on('error', (error) => deliver(error));
    socket.on('close', () => deliver(new Error('postgres closed the connection')));
    const next = (): Promise<Message> =>
      new Promise((res, rej) => {
        const m = queue.shift();
        if (m) return res(m);
        if (failure) return rej(failure);
        waiter = (x) => (x instanceof Error ? rej(x) : res(x));
      });

    const close = () => {
      clearTimeout(timer);
      if (!socket.destroyed) socket.end(Buffer.from([0x58, 0, 0, 0, 4])); // Terminate
      socket.destroy();
    };

    const session: PgSession = {
      async query(sql) {
        const body = cstring(sql);
        const header = Buffer.alloc(5);
        header.write('Q', 0);
        header.writeInt32BE(4 + body.length, 1);
        socket.write(Buffer.concat([header, body]));
        const rows: (string | null)[][] = [];
        let error: PgError | undefined;
        for (;;) {
          const m = await next();
          if (m.type === 'D') {
            const count = m.body.readInt16BE(0);
            const row: (string | null)[] = [];
            let at = 2;
            for (let i = 0; i < count; i++) {
              const len = m.body.readInt32BE(at);
              at += 4;
              row.push(len < 0 ? null : m.body.subarray(at, at + len).toString('utf8'));
              at += Math.max(len, 0);
            }
            rows.push(row);
          } else if (m.type === 'E') error = parseError(m.body);
          else if (m.type === 'Z') break;
        }
        if (error) throw error;
        return rows;
      },
      close,
    };

    socket.once('connect', async () => {
      const params = Buffer.concat([
        cstring('user'),
        cstring(options.user),
        cstring('database'),
        cstring(options.database),
        Buffer.from([0]),
      ]);
      const header = Buffer.alloc(8);
      header.writeInt32BE(8 + params.length, 0);
      header.writeInt32BE(196608, 4); // protocol 3.0
      socket.write(Buffer.concat([header, params]));
      try {
        for (;;) {
          const m = await next();
          if (m.type === 'E') throw parseError(m.body);
          if (m.type === 'R' && m.body.readInt32BE(0) !== 0) {
            throw new Error(
              'postgres asked for a password; the local server is set up for trust authentication',
            );
          }
          if (m.type === 'Z') break;
        }
        resolve(session);
      } catch (error) {
        close();
        reject(error);
      }
    });
    socket.once('error', (error) => {
      close();
      reject(error);
    });
  });
}

/** One Redis command over RESP; resolves with the first reply line (e.g. "+PONG", "-LOADING ..."). */
export function redisCommand(host: string, port: number, args: string[], timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let data = '';
    const timer = setTimeout(
      () => socket.destroy(new Error(`timed out talking to redis on ${host}:${port}`)),
      timeoutMs,
    );
    const done = (error: Error | undefined, line?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(line!);
    };
    socket.once('connect', () => {
      const parts = args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`);
      socket.write(`*${args.length}\r\n${parts.join('')}`);
    });
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      const end = data.indexOf('\r\n');
      if (end >= 0) done(undefined, data.slice(0, end));
    });
    socket.once('error', (error) => done(error));
    socket.once('close', () => done(new Error('redis closed the connection')));
  });
}
