/**
 * The daemon's HTTP API on 127.0.0.1. Reads are open to local callers; every call that
 * changes something needs the bearer token from the state directory's 0600 token file.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

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

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  mutating: boolean;
  handler: Handler;
  raw?: (res: ServerResponse) => Promise<void>;
}

export class Api {
  private readonly routes: Route[] = [];

  constructor(private readonly token: string) {}

  get(path: string, handler: Handler): this {
    return this.add('GET', path, handler, false);
  }

  post(path: string, handler: Handler): this {
    return this.add('POST', path, handler, true);
  }

  /** A GET that writes its own response (Prometheus text). */
  text(path: string, produce: () => Promise<{ contentType: string; body: string }>): this {
    this.add('GET', path, () => undefined, false);
    this.routes[this.routes.length - 1]!.raw = async (res) => {
      const { contentType, body } = await produce();
      res.writeHead(200, { 'content-type': contentType });
      res.end(body);
    };
    return this;
  }

  private add(method: string, path: string, handler: Handler, mutating: boolean): this {
    const keys: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/:([a-zA-Z]+)/g, (_, key: string) => {
        keys.push(key);
        return '([^/]+)';
      })}$`,
    );
    this.routes.push({ method, pattern, keys, mutating, handler });
    return this;
  }

  listen(port: number, host = '127.0.0.1'): Promise<Server> {
    const server = createServer((req, res) => void this.handle(req, res));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve(server));
    });
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    const expected = Buffer.from(this.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
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
      if (route.mutating && !this.authorized(req))
        throw new HttpError(
          401,
          'a bearer token is required: the CLI reads it from the state directory (token file)',
        );
      if (route.raw) return await route.raw(res);
      const match = route.pattern.exec(url.pathname)!;
      const params = Object.fromEntries(route.keys.map((key, i) => [key, decodeURIComponent(match[i + 1]!)]));
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const result = await route.handler({ params, query: url.searchParams, body });
      send(res, 200, result ?? { ok: true });
    } catch (error) {
      if (error instanceof HttpError) send(res, error.status, { error: error.message });
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
