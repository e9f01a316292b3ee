/**
 * The dashboard's one-time login link, which `gantry up` and `gantry status` print: it carries a
 * fresh single-use code (not the token), so it can be clicked in a terminal and lands logged in.
 */
import type { DaemonClient } from './daemon-client.ts';

/** `http://127.0.0.1:PORT/login?code=…`, or undefined when the daemon cannot issue one (no token file, older daemon). */
export async function dashboardLink(client: DaemonClient): Promise<string | undefined> {
  try {
    const { code } = await client.request<{ code: string }>('POST', '/v1/login-codes');
    return `${client.info.url}/login?code=${encodeURIComponent(code)}`;
  } catch {
    return undefined;
  }
}
