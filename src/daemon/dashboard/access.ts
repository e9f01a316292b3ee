/**
 * Who may call what on the daemon's HTTP API — a pure decision, so the rule can be tested with
 * plain headers and addresses instead of a real remote machine and a real attacker's page.
 *
 * - `public`: anyone (the login link itself: its code is the credential).
 * - `read`: open to callers on this machine; from anywhere else it needs the bearer token or a
 *   dashboard session. A browser tab on this machine can be steered by another website to a
 *   loopback address through DNS rebinding, so "on this machine" also requires the Host header
 *   to be exactly a loopback name with this daemon's port: a rebound name (evil.example →
 *   127.0.0.1, or `[::1].evil.example`) keeps its own Host.
 * - `session`: the dashboard page asking for its session's CSRF token: the session cookie, from
 *   the page itself (see below).
 * - `action`: the bearer token (the CLI), or a dashboard session from the dashboard's own page.
 *   SameSite=Strict does not stop other pages on 127.0.0.1 — every port of a host is the same
 *   *site* — so a session's action must also show it comes from the same *origin*: an Origin
 *   header equal to the daemon's own (or, without Origin, Sec-Fetch-Site: same-origin),
 *   Content-Type application/json (a cross-origin form or a no-cors fetch cannot send it), and
 *   the session's CSRF token in the X-Gantry-CSRF header (which only the page can read).
 */
export type Access = 'public' | 'read' | 'session' | 'action';

/** What authenticated the request: the API token, a valid dashboard session cookie, or nothing. */
export type Credential = 'token' | 'session' | 'none';

export const CSRF_HEADER = 'x-gantry-csrf';

export interface AccessRequest {
  access: Access;
  /** req.socket.remoteAddress */
  remoteAddress: string | undefined;
  /** The Host header, with or without a port. */
  host: string | undefined;
  /** The port the request came in on (req.socket.localPort): the daemon's own origin has it. */
  port: number | undefined;
  credential: Credential;
  /** The Origin, Sec-Fetch-Site and Content-Type headers, as sent. */
  origin?: string | undefined;
  fetchSite?: string | undefined;
  contentType?: string | undefined;
  /** The X-Gantry-CSRF header matched the session's token. */
  csrf?: boolean;
}

export type AccessDecision = { allowed: true } | { allowed: false; status: 401 | 403; message: string };

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK_ADDRESSES.has(address);
}

/**
 * An exact allow-list: `127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT` with this daemon's
 * port (any port when it is not known; no port at all only then). Anything else — another
 * name, a name that merely starts like one (`[::1].evil.example`, `127.0.0.1.evil.example`) —
 * is not this machine.
 */
export function isLoopbackHost(host: string | undefined, port?: number): boolean {
  const match = /^(127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?$/.exec(host?.toLowerCase() ?? '');
  return match !== null && (port === undefined || match[2] === String(port));
}

/** The daemon's own origins (how the dashboard may be opened): http://127.0.0.1:PORT and its loopback aliases. */
export function ownOrigins(port: number): string[] {
  return LOOPBACK_NAMES.map((name) => `http://${name}:${port}`);
}

/** Origin one of ours; without an Origin header, Sec-Fetch-Site: same-origin. */
export function isSameOrigin(request: Pick<AccessRequest, 'origin' | 'fetchSite' | 'port'>): boolean {
  if (request.origin !== undefined)
    return request.port !== undefined && ownOrigins(request.port).includes(request.origin.toLowerCase());
  return request.fetchSite === 'same-origin';
}

/** `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

const NEEDS_CREDENTIALS =
  'this action needs the bearer token (the CLI reads it from the state directory) or a dashboard session (open the login link `gantry status` prints)';

export function decideAccess(request: AccessRequest): AccessDecision {
  if (request.access === 'public' || request.credential === 'token') return { allowed: true };
  if (request.access === 'action' || request.access === 'session') {
    if (request.credential !== 'session')
      return {
        allowed: false,
        status: 401,
        message:
          request.access === 'action'
            ? NEEDS_CREDENTIALS
            : 'no dashboard session: open the login link `gantry status` prints',
      };
    return fromOwnPage(request);
  }
  if (request.credential === 'session') return { allowed: true };
  if (!isLoopbackAddress(request.remoteAddress))
    return {
      allowed: false,
      status: 401,
      message: `reads from ${request.remoteAddress ?? 'an unknown address'} need the bearer token or a dashboard session; without them only 127.0.0.1 may read`,
    };
  if (!isLoopbackHost(request.host, request.port))
    return {
      allowed: false,
      status: 401,
      message: `Host ${request.host ?? '(none)'} is not this machine's loopback name: open the dashboard at http://127.0.0.1:PORT, or log in with the link \`gantry status\` prints`,
    };
  return { allowed: true };
}

/** A session's request must come from the dashboard page itself (see the top of this file). */
function fromOwnPage(request: AccessRequest): AccessDecision {
  const refuse = (message: string): AccessDecision => ({ allowed: false, status: 403, message });
  if (!isSameOrigin(request))
    return refuse(
      request.origin !== undefined
        ? `cross-origin request refused: Origin ${request.origin} is not this daemon (${request.port === undefined ? 'unknown port' : `http://127.0.0.1:${request.port}`})`
        : `cross-origin request refused: no Origin header and Sec-Fetch-Site is ${request.fetchSite ?? 'missing'}, not same-origin`,
    );
  if (request.access === 'session') return { allowed: true };
  if (!isJson(request.contentType))
    return refuse(
      `a dashboard action must be sent as Content-Type application/json, not ${request.contentType ?? 'none'}`,
    );
  if (!request.csrf)
    return refuse(
      `a dashboard action needs its session's CSRF token in the ${CSRF_HEADER} header (the page sends it; reload the page)`,
    );
  return { allowed: true };
}
