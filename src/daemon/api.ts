/**
 * The daemon's HTTP API on 127.0.0.1. Reads are open to local callers; every call that
 * changes something needs the bearer token from the state directory's 0600 token file, or a
 * dashboard session from the dashboard's own page (see dashboard/access.ts for the whole rule).
 * Bad input is a 400 naming the parameter, never a 500.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Access, type Credential, CSRF_HEADER, decideAccess } from './dashboard/access.ts';
import { cookieValue, SESSION_COOKIE } from './dashboard/cookies.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The query, path or body parameter at fault, for the JSON answer. */
    readonly parameter?: string,
  ) {
    super(message);
  }
}

export type Handler = (request: {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** What authenticated the call: some calls take more from the API token than from a session. */
  credential: Credential;
}) => Promise<unknown> | unknown;

/** A handler that writes its own response (a stream, a page, a redirect). */
export type RawHandler = (request: {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  credential: Credential;
}) => Promise<void> | void;

/** A whole-number query parameter within [min, max], or `fallback` when absent; else a 400 naming it. */
export function queryInt(
  query: URLSearchParams,
  name: string,
  range: { min: number; max: number; fallback: number },
): number {
  const text = query.get(name);
  if (text === null) return range.fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < range.min || value > range.max)
    throw new HttpError(
      400,
      `query parameter ${name} must be a whole number from ${range.min} to ${range.max}, not ${JSON.stringify(text)}`,
      name,
    );
  return value;
}

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
  /** Whether a CSRF token is the one of this session. */
  csrf(session: string, token: string | undefined): boolean;
}

export class Api {
  private readonly routes: Route[] = [];
  private readonly credentials: Credentials;

  constructor(credentials: string | Credentials) {
    this.credentials =
      typeof credentials === 'string'
        ? { token: credentials, session: () => false, csrf: () => false }
        : credentials;
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

  /** The API token wins; else a valid session cookie (and whether its CSRF header matches). */
  private authenticate(req: IncomingMessage): { credential: Credential; csrf: boolean } {
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    const expected = Buffer.from(this.credentials.token);
    if (given.length === expected.length && timingSafeEqual(given, expected))
      return { credential: 'token', csrf: false };
    const session = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (session === undefined || !this.credentials.session(session))
      return { credential: 'none', csrf: false };
    const csrf = req.headers[CSRF_HEADER];
    return {
      credential: 'session',
      csrf: this.credentials.csrf(session, Array.isArray(csrf) ? csrf[0] : csrf),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = parseUrl(req.url);
      const route = this.routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
      if (!route) {
        const known = this.routes.some((r) => r.pattern.test(url.pathname));
        throw new HttpError(
          known ? 405 : 404,
          known ? `method ${req.method} not allowed` : `no route ${url.pathname}`,
        );
      }
      const { credential, csrf } = this.authenticate(req);
      const decision = decideAccess({
        access: route.access,
        remoteAddress: req.socket.remoteAddress,
        host: req.headers.host,
        port: req.socket.localPort,
        credential,
        origin: req.headers.origin,
        fetchSite: header(req, 'sec-fetch-site'),
        contentType: req.headers['content-type'],
        csrf,
      });
      if (!decision.allowed) throw new HttpError(decision.status, decision.message);
      const match = route.pattern.exec(url.pathname)!;
      const params = Object.fromEntries(route.keys.map((key, i) => [key, decodeParam(key, match[i + 1]!)]));
      if (route.raw) return await route.raw({ req, res, params, query: url.searchParams, credential });
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const result = await route.handler({ params, query: url.searchParams, body, credential });
      send(res, 200, result ?? { ok: true });
    } catch (error) {
      if (res.headersSent) res.end();
      else if (error instanceof HttpError)
        send(res, error.status, {
          error: error.message,
          ...(error.parameter ? { parameter: error.parameter } : {}),
        });
      else send(res, 500, { error: `internal error: ${(error as Error).message}` });
    }
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseUrl(path: string | undefined): URL {
  try {
    return new URL(path ?? '/', 'http://127.0.0.1');
  } catch {
    throw new HttpError(400, `the request path is not a valid URL path: ${JSON.stringify(path)}`, 'path');
  }
}

/** A path parameter, percent-decoded; malformed encoding (`%E0%A4%A`) is the caller's error. */
function decodeParam(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(
      400,
      `path parameter ${name} is not valid percent-encoding: ${JSON.stringify(raw)}`,
      name,
    );
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
    throw new HttpError(400, 'request body must be JSON', 'body');
  }
}
