/**
 * The daemon's HTTP API on 127.0.0.1. Reads are open to local callers; every call that
 * changes something needs the bearer token from the state directory's 0600 token file, or a
 * dashboard session cookie (see dashboard/access.ts for the whole rule).
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Access, decideAccess } from './dashboard/access.ts';
import { cookieValue, SESSION_COOKIE } from './dashboard/cookies.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type Handler = (request: {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}) => Promise<unknown> | unknown;

/** A handler that writes its own response (a stream, a page, a redirect). */
export type RawHandler = (request: {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
}) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  access: Access;
  handler: Handler;
  raw?: RawHandler;
}

export interface Credentials {
  token: string;
  /** Whether a dashboard session id is valid now. */
  session(id: string): boolean;
}

export class Api {
  private readonly routes: Route[] = [];
  private readonly credentials: Credentials;

  constructor(credentials: string | Credentials) {
    this.credentials =
      typeof credentials === 'string' ? { token: credentials, session: () => false } : credentials;
  }

  get(path: string, handler: Handler): this {
    return this.add('GET', path, 'read', handler);
  }

  post(path: string, handler: Handler): this {
    return this.add('POST', path, 'action', handler);
  }

  /** A GET that writes its own response (Prometheus text). */
  text(path: string, produce: () => Promise<{ contentType: string; body: string }>): this {
    return this.raw('GET', path, 'read', async ({ res }) => {
      const { contentType, body } = await produce();
      res.writeHead(200, { 'content-type': contentType });
      res.end(body);
    });
  }

  raw(method: 'GET' | 'POST', path: string, access: Access, handler: RawHandler): this {
    this.add(method, path, access, () => undefined);
    this.routes[this.routes.length - 1]!.raw = handler;
    return this;
  }

  private add(method: string, path: string, access: Access, handler: Handler): this {
    const keys: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/:([a-zA-Z]+)/g, (_, key: string) => {
        keys.push(key);
        return '([^/]+)';
      })}$`,
    );
    this.routes.push({ method, pattern, keys, access, handler });
    return this;
  }

  listen(port: number, host = '127.0.0.1'): Promise<Server> {
    const server = createServer((req, res) => void this.handle(req, res));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve(server));
    });
  }

  /** A valid bearer token or dashboard session came with the request. */
  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    const expected = Buffer.from(this.credentials.token);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
    const session = cookieValue(req.headers.cookie, SESSION_COOKIE);
    return session !== undefined && this.credentials.session(session);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = this.routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    try {
      if (!route) {
        const known = this.routes.some((r) => r.pattern.test(url.pathname));
        throw new HttpError(
          known ? 405 : 404,
          known ? `method ${req.method} not allowed` : `no route ${url.pathname}`,
        );
      }
      const decision = decideAccess({
        access: route.access,
        remoteAddress: req.socket.remoteAddress,
        host: req.headers.host,
        credentials: route.access !== 'public' && this.authorized(req),
      });
      if (!decision.allowed) throw new HttpError(401, decision.message);
      const match = route.pattern.exec(url.pathname)!;
      const params = Object.fromEntries(route.keys.map((key, i) => [key, decodeURIComponent(match[i + 1]!)]));
      if (route.raw) return await route.raw({ req, res, params, query: url.searchParams });
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const result = await route.handler({ params, query: url.searchParams, body });
      send(res, 200, result ?? { ok: true });
    } catch (error) {
      if (res.headersSent) res.end();
      else if (error instanceof HttpError) send(res, error.status, { error: error.message });
      else send(res, 500, { error: `internal error: ${(error as Error).message}` });
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new HttpError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'request body must be JSON');
  }
}
