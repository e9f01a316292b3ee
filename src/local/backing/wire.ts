/**
 * Just enough of the PostgreSQL and Redis wire protocols to know a server really accepts
 * connections (and to create the app's database), without a client library.
 */
import { connect, type Socket } from 'node:net';
import { SCRAM_MECHANISM, ScramClient } from './scram.ts';

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

/**
 * Connects and authenticates (trust, or SCRAM-SHA-256 with `password`); rejects with PgError
 * when the server says no (e.g. 57P03 starting up, 28P01 a wrong password).
 */
export function pgConnect(options: {
  host: string;
  port: number;
  user: string;
  password?: string;
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

    const send = (type: string, body: Buffer) => {
      const header = Buffer.alloc(5);
      header.write(type, 0);
      header.writeInt32BE(4 + body.length, 1);
      socket.write(Buffer.concat([header, body]));
    };

    /** Answers an authentication request; resolves once this step is done (AuthenticationOk follows). */
    let scram: ScramClient | undefined;
    const authenticate = (body: Buffer) => {
      const code = body.readInt32BE(0);
      if (code === 0) return; // AuthenticationOk
      if (options.password === undefined)
        throw new Error(
          'postgres asked for a password and none was given (the credentials file beside its data)',
        );
      if (code === 10) {
        // AuthenticationSASL: the mechanisms offered, NUL-separated.
        if (!body.subarray(4).toString('utf8').split('\0').includes(SCRAM_MECHANISM))
          throw new Error(`postgres does not offer ${SCRAM_MECHANISM}`);
        scram = new ScramClient(options.password);
        const first = Buffer.from(scram.first(), 'utf8');
        const length = Buffer.alloc(4);
        length.writeInt32BE(first.length, 0);
        send('p', Buffer.concat([cstring(SCRAM_MECHANISM), length, first]));
      } else if (code === 11 && scram) {
        send('p', Buffer.from(scram.final(body.subarray(4).toString('utf8')), 'utf8'));
      } else if (code === 12 && scram) {
        if (!scram.verify(body.subarray(4).toString('utf8')))
          throw new Error('postgres could not prove it knows the password (SCRAM server signature)');
      } else {
        throw new Error(
          `postgres asked for an authentication method other than ${SCRAM_MECHANISM} (code ${code})`,
        );
      }
    };

    const close = () => {
      clearTimeout(timer);
      if (!socket.destroyed) socket.end(Buffer.from([0x58, 0, 0, 0, 4])); // Terminate
      socket.destroy();
    };

    const session: PgSession = {
      async query(sql) {
        send('Q', cstring(sql));
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
          if (m.type === 'R') authenticate(m.body);
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

/**
 * One Redis command over RESP, after AUTH when a password is given; resolves with its first
 * reply line (e.g. "+PONG", "-LOADING ...", or AUTH's own "-WRONGPASS ..." when that failed).
 */
export function redisCommand(
  host: string,
  port: number,
  args: string[],
  options: { password?: string; timeoutMs?: number } = {},
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const commands = options.password === undefined ? [args] : [['AUTH', options.password], args];
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
      for (const command of commands) {
        const parts = command.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`);
        socket.write(`*${command.length}\r\n${parts.join('')}`);
      }
    });
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      const lines = data.split('\r\n').slice(0, -1);
      // AUTH's reply first: an error there is the answer; else the command's reply.
      if (lines[0]?.startsWith('-') || lines.length >= commands.length)
        done(undefined, lines[0]!.startsWith('-') ? lines[0]! : lines[commands.length - 1]!);
    });
    socket.once('error', (error) => done(error));
    socket.once('close', () => done(new Error('redis closed the connection')));
  });
}
