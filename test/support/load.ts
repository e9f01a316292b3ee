/**
 * A bounded HTTP load for tests: `concurrency` loops sending GET requests to one URL on
 * 127.0.0.1 over keep-alive connections until stopped (or a hard deadline), counting
 * successes and failures with their reasons.
 */
import { Agent, request } from 'undici';

export interface LoadResult {
  ok: number;
  failed: number;
  /** When the first and the last failure happened (epoch ms), if any. */
  firstFailureAt?: number;
  lastFailureAt?: number;
  reasons: Record<string, number>;
  versions: Record<string, number>;
}

export function startLoad(url: string, options: { concurrency?: number; maxSeconds?: number } = {}) {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost')
    throw new Error('load only against 127.0.0.1');
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: options.concurrency ?? 8 });
  const result: LoadResult = { ok: 0, failed: 0, reasons: {}, versions: {} };
  const deadline = Date.now() + (options.maxSeconds ?? 120) * 1000;
  let running = true;
  const fail = (reason: string) => {
    result.failed++;
    result.firstFailureAt ??= Date.now();
    result.lastFailureAt = Date.now();
    result.reasons[reason] = (result.reasons[reason] ?? 0) + 1;
  };
  const worker = async () => {
    while (running && Date.now() < deadline) {
      try {
        const response = await request(url, {
          dispatcher: agent,
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        });
        await response.body.text();
        if (response.statusCode >= 200 && response.statusCode < 400) {
          result.ok++;
          const version = String(response.headers['x-app-version'] ?? '?');
          result.versions[version] = (result.versions[version] ?? 0) + 1;
        } else fail(`HTTP ${response.statusCode}`);
      } catch (error) {
        fail((error as NodeJS.ErrnoException).code ?? (error as Error).message);
      }
    }
  };
  const workers = Array.from({ length: options.concurrency ?? 8 }, worker);
  return {
    result,
    async stop(): Promise<LoadResult> {
      running = false;
      await Promise.all(workers);
      await agent.close();
      return result;
    },
  };
}
