/**
 * Dashboard login: the CLI (holding the token) asks for a one-time code; opening
 * /login?code=… trades it for a session cookie. Codes are single use and expire after 5 minutes;
 * sessions after 12 hours. Both are 32 random bytes. Each session has a CSRF token derived from it.
 *
 * Secrets are kept by their SHA-256 only, and looked up by that hash: the time a lookup takes
 * depends on the hash, which a caller cannot steer towards a stored secret, so the comparison
 * leaks nothing useful (the same reason password stores compare hashes). Clock passed in.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const CODE_LIFETIME_MS = 5 * 60_000;
export const SESSION_LIFETIME_MS = 12 * 60 * 60_000;

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** Secrets with an expiry, keyed by their hash. */
class Secrets {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly lifetimeMs: number) {}

  issue(now: number): { secret: string; expiresAt: number } {
    this.prune(now);
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = now + this.lifetimeMs;
    this.expiries.set(digest(secret), expiresAt);
    return { secret, expiresAt };
  }

  valid(secret: string, now: number): boolean {
    const expiresAt = this.expiries.get(digest(secret));
    return expiresAt !== undefined && now < expiresAt;
  }

  revoke(secret: string): boolean {
    return this.expiries.delete(digest(secret));
  }

  private prune(now: number): void {
    for (const [key, expiresAt] of this.expiries) if (expiresAt <= now) this.expiries.delete(key);
  }
}

export class Login {
  private readonly codes = new Secrets(CODE_LIFETIME_MS);
  private readonly sessions = new Secrets(SESSION_LIFETIME_MS);
  /** Signs sessions into CSRF tokens; new with each daemon, like the sessions themselves. */
  private readonly csrfKey = randomBytes(32);

  /** A new one-time login code. */
  code(now: number): { code: string; expiresAt: number } {
    const { secret, expiresAt } = this.codes.issue(now);
    return { code: secret, expiresAt };
  }

  /** Spends a code: a new session id when the code is known and fresh, else undefined. Never twice. */
  redeem(code: string, now: number): string | undefined {
    const fresh = this.codes.valid(code, now);
    this.codes.revoke(code);
    return fresh ? this.sessions.issue(now).secret : undefined;
  }

  session(id: string, now: number): boolean {
    return this.sessions.valid(id, now);
  }

  /**
   * The session's CSRF token: HMAC(key, session id). The page reads it once (GET /v1/session)
   * and sends it with each action; a page of another origin cannot read it, and knowing a
   * token tells nothing about the session id behind it.
   */
  csrfToken(session: string): string {
    return createHmac('sha256', this.csrfKey).update(session).digest('base64url');
  }

  csrfMatches(session: string, token: string | undefined): boolean {
    const expected = Buffer.from(this.csrfToken(session));
    const given = Buffer.from(token ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
