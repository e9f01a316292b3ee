/**
 * The dashboard's side of the daemon, put together: the page and its bundles, the live stream,
 * a replica's log tail, and login (one-time codes traded for a session cookie). The daemon
 * passes in what it knows (status, metrics, events, log files); this adds the routes to its Api.
 */
import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { Api } from '../api.ts';
import { HttpError } from '../api.ts';
import { CSRF_HEADER } from './access.ts';
import { type Asset, DashboardAssets } from './assets.ts';
import { cookieValue, SESSION_COOKIE, sessionCookie } from './cookies.ts';
import { followLog, replicaId } from './log-tail.ts';
import { Login } from './login.ts';
import { SseConnection } from './sse.ts';
import { DashboardStream, type StreamSources } from './stream.ts';

export interface DashboardSources extends StreamSources {
  /** Throws HttpError 404 for an unknown service. */
  checkService(service: string): void;
  logFile(service: string, replicaId: string): string;
}

/**
 * The page may load only its own script and styles and talk only to this daemon; no other site
 * may frame it (clickjacking the action buttons).
 */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

export class Dashboard {
  readonly login = new Login();
  private readonly stream: DashboardStream;
  private readonly connections = new Set<SseConnection>();
  private stopped = false;

  constructor(
    private readonly sources: DashboardSources,
    private readonly assets = new DashboardAssets(),
  ) {
    this.stream = new DashboardStream(sources);
  }

  start(): void {
    this.stream.start();
  }

  /** Ends every open stream and log tail, so the HTTP server can close. */
  stop(): void {
    this.stopped = true;
    this.stream.stop();
    for (const connection of this.connections) connection.close();
  }

  /** Whether a session id from a cookie is valid now (for the Api's credentials). */
  session(id: string): boolean {
    return this.login.session(id, Date.now());
  }

  publish: DashboardStream['publish'] = (event) => this.stream.publish(event);

  routes(api: Api): Api {
    return api
      .raw('GET', '/', 'read', ({ res }) => redirect(res, 302, '/dashboard/'))
      .raw('GET', '/dashboard', 'read', ({ res }) => redirect(res, 301, '/dashboard/'))
      .raw('GET', '/dashboard/', 'read', ({ res }) => serve(res, this.assets.page()))
      .raw('GET', '/dashboard/app.js', 'read', async ({ res }) => serve(res, await this.assets.appJs()))
      .raw('GET', '/dashboard/app.css', 'read', async ({ res }) => serve(res, await this.assets.appCss()))
      .raw('GET', '/v1/stream', 'read', ({ res }) => this.stream.attach(this.open(res)))
      .raw('GET', '/v1/services/:service/replicas/:replica/logs', 'read', ({ res, params }) => {
        this.sources.checkService(params.service!);
        const id = replicaId(params.service!, params.replica!);
        if (!id)
          throw new HttpError(
            400,
            `replica must be a number or ${params.service}-N (as \`gantry status --replicas\` lists them), not ${params.replica}`,
          );
        const file = this.sources.logFile(params.service!, id);
        if (!existsSync(file)) throw new HttpError(404, `no log for replica ${id} yet`);
        followLog(file, this.open(res));
      })
      .raw('GET', '/v1/session', 'session', ({ req, res, credential }) => {
        // The page's CSRF token, for the session in its cookie (access 'session': from the page itself).
        const session = cookieValue(req.headers.cookie, SESSION_COOKIE);
        if (credential !== 'session' || session === undefined)
          throw new HttpError(400, 'a CSRF token belongs to a dashboard session; the API token needs none');
        sendJson(res, { csrfToken: this.login.csrfToken(session), header: CSRF_HEADER });
      })
      .post('/v1/login-codes', () => {
        const { code, expiresAt } = this.login.code(Date.now());
        return { code, expiresAt: new Date(expiresAt).toISOString() };
      })
      .raw('GET', '/login', 'public', ({ res, query }) => {
        const session = this.login.redeem(query.get('code') ?? '', Date.now());
        if (!session) return loginRefused(res);
        res.writeHead(303, {
          location: '/dashboard/',
          'set-cookie': sessionCookie(session),
          ...PAGE_HEADERS,
        });
        res.end();
      });
  }

  private open(res: ServerResponse): SseConnection {
    const connection = new SseConnection(res);
    // Shutting down: a browser reconnecting must not hold the server open.
    if (this.stopped) connection.close();
    else this.connections.add(connection);
    connection.onClose(() => this.connections.delete(connection));
    return connection;
  }
}

function serve(res: ServerResponse, asset: Asset): void {
  res.writeHead(asset.status, {
    'content-type': asset.contentType,
    'content-length': Buffer.byteLength(asset.body),
    ...PAGE_HEADERS,
  });
  res.end(asset.body);
}

function sendJson(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(text);
}

function redirect(res: ServerResponse, status: number, location: string): void {
  res.writeHead(status, { location });
  res.end();
}

function loginRefused(res: ServerResponse): void {
  const body = `<!doctype html>
<meta charset="utf-8"><title>Gantry — login link not valid</title>
<h1>This login link is not valid</h1>
<p>Each link works once and for 5 minutes. Run <code>gantry status</code> for a new one.</p>
`;
  res.writeHead(401, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...PAGE_HEADERS,
  });
  res.end(body);
}
