/**
 * A real Prometheus (Debian's /usr/bin/prometheus) for a test: scraping the given 127.0.0.1
 * targets every second, on a free port of 127.0.0.1, its data in a temporary directory; stopped by
 * PID. `PROMETHEUS_MISSING` is the reason to skip where it is not installed (.ci/run installs it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/local/process.ts';

const BINARY = '/usr/bin/prometheus';

export const PROMETHEUS_MISSING = existsSync(BINARY)
  ? false
  : `${BINARY} is missing: apt-get install -y prometheus (.ci/run does)`;

export interface TestPrometheus {
  address: string;
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

export async function startPrometheus(targets: string[]): Promise<TestPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-prometheus-'));
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    `global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: test
    static_configs: [ { targets: ${JSON.stringify(targets)} } ]
`,
  );
  const log = openSync(join(dir, 'prometheus.log'), 'a');
  const child: ChildProcess = spawn(
    BINARY,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
    ],
    { stdio: ['ignore', log, log] },
  );
  const address = `http://127.0.0.1:${port}`;
  type Series = { metric: Record<string, string>; value: [number, string] };
  const query = async (promql: string): Promise<Series[]> => {
    const response = await fetch(`${address}/api/v1/query?query=${encodeURIComponent(promql)}`);
    return ((await response.json()) as { data: { result: Series[] } }).data.result;
  };
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const deadline = Date.now() + 10_000;
      while (child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready once every target has been scraped.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await query('up').catch((): Series[] => []);
    if (up.length === targets.length && up.every((series) => series.value[1] === '1')) break;
    if (Date.now() > deadline) {
      const tail = readFileSync(join(dir, 'prometheus.log'), 'utf8').slice(-2000);
      await stop();
      throw new Error(`Prometheus did not scrape ${targets.join(', ')} within 60 s:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { address, query, stop };
}
