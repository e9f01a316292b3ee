/**
 * An open-loop HTTP load for tests: requests leave at a fixed rate whatever the responses do,
 * so the work asked of a service stays the same while its replica count changes (a closed loop
 * would send more as replicas are added). Bounded three ways: a total count, a duration, and a
 * cap on requests in flight (a stalled server gets no pile-up). 127.0.0.1 only.
 */
import { Agent, request } from 'undici';

export interface PacedLoadOptions {
  ratePerSecond: number;
  seconds: number;
  /** Default: rate × seconds. */
  maxRequests?: number;
  /** Default 64: beyond this, due requests are skipped (and counted). */
  maxInFlight?: number;
}

export interface PacedLoadResult {
  sent: number;
  ok: number;
  failed: number;
  skipped: number;
  startedAt: number;
  /** When the last request was sent. */
  endedAt: number;
}

export async function pacedLoad(url: string, options: PacedLoadOptions): Promise<PacedLoadResult> {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') throw new Error('load only against 127.0.0.1');
  const maxRequests = options.maxRequests ?? Math.ceil(options.ratePerSecond * options.seconds);
  const maxInFlight = options.maxInFlight ?? 64;
  const agent = new Agent({ connections: maxInFlight, keepAliveTimeout: 10_000 });
  const startedAt = Date.now();
  const deadline = startedAt + options.seconds * 1000;
  const result: PacedLoadResult = { sent: 0, ok: 0, failed: 0, skipped: 0, startedAt, endedAt: startedAt };
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < maxRequests; i++) {
    const due = startedAt + (i * 1000) / options.ratePerSecond;
    if (due >= deadline) break;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    if (inFlight.size >= maxInFlight) {
      result.skipped++;
      continue;
    }
    result.sent++;
    const sending = request(url, { dispatcher: agent, headersTimeout: 10_000, bodyTimeout: 10_000 })
      .then(async (response) => {
        await response.body.text();
        if (response.statusCode < 400) result.ok++;
        else result.failed++;
      })
      .catch(() => {
        result.failed++;
      })
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  }
  result.endedAt = Date.now();
  await Promise.all(inFlight);
  await agent.close();
  return result;
}
