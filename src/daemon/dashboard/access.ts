/**
 * Who may call what on the daemon's HTTP API — a pure decision, so the rule can be tested with
 * plain addresses instead of a real remote machine.
 *
 * - `public`: anyone (the login link itself: its code is the credential).
 * - `read`: open to callers on this machine; from anywhere else it needs the bearer token or a
 *   dashboard session. A browser tab on this machine can be steered by another website to a
 *   loopback address through DNS rebinding, so "on this machine" also requires the Host header to
 *   name a loopback host: a rebound name (evil.example → 127.0.0.1) keeps its own Host.
 * - `action`: always the token or a session, wherever the call comes from.
 */
export type Access = 'public' | 'read' | 'action';

export interface AccessRequest {
  access: Access;
  /** req.socket.remoteAddress */
  remoteAddress: string | undefined;
  /** The Host header, with or without a port. */
  host: string | undefined;
  /** A valid bearer token or session cookie came with the request. */
  credentials: boolean;
}

export type AccessDecision = { allowed: true } | { allowed: false; message: string };

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK_ADDRESSES.has(address);
}

/** `127.0.0.1:4000`, `localhost`, `[::1]:4000` → true; any other name → false. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return LOOPBACK_HOSTS.has(name.toLowerCase());
}

export function decideAccess(request: AccessRequest): AccessDecision {
  if (request.access === 'public' || request.credentials) return { allowed: true };
  if (request.access === 'action')
    return {
      allowed: false,
      message:
        'this action needs the bearer token (the CLI reads it from the state directory) or a dashboard session (open the login link `gantry status` prints)',
    };
  if (!isLoopbackAddress(request.remoteAddress))
    return {
      allowed: false,
      message: `reads from ${request.remoteAddress ?? 'an unknown address'} need the bearer token or a dashboard session; without them only 127.0.0.1 may read`,
    };
  if (!isLoopbackHost(request.host))
    return {
      allowed: false,
      message: `Host ${request.host ?? '(none)'} is not this machine's loopback name: open the dashboard at http://127.0.0.1:PORT, or log in with the link \`gantry status\` prints`,
    };
  return { allowed: true };
}
