/** The dashboard session cookie: reading it from a request, writing it to a response. */
export const SESSION_COOKIE = 'gantry_session';

/** The named cookie's value from a Cookie header, if present. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * HttpOnly: page scripts cannot read it. SameSite=Strict: another site cannot make the browser
 * send it, so a cross-site form cannot trigger an action. No Max-Age: it ends with the browser
 * session; the daemon forgets it after 12 hours anyway.
 */
export function sessionCookie(id: string): string {
  return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/`;
}
