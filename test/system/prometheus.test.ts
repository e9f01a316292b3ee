/**
 * Release analysis from a real Prometheus (Debian's `prometheus`, started here on 127.0.0.1 with
 * its own config and a temporary store): it scrapes the local daemon's /metrics every second, and
 * every replica's own /metrics found through the daemon's HTTP service discovery, a
 * canary of a bad version (30 % errors) runs with `provider: prometheus`, and the rollback must
 * come from Prometheus' answer: the recorded query and the value it returned. The local load
 * balancer's fast failure check is off for a scraped source, so no other number can decide.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DaemonStatus } from '../../src/daemon/status.ts';
import { freePort, isAlive } from '../../src/local/process.ts';
import { renderQuery, STANDARD_QUERIES } from '../../src/metrics/promql.ts';
import type { ReleaseState } from '../../src/rollout/state.ts';
import { gantry, ROOT, specDir } from '../support/gantry.ts';
import { startLoad } from '../support/load.ts';

const PROMETHEUS = '/usr/bin/prometheus';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('release analysis with provider: prometheus (real Prometheus, local canary)', {
  timeout: 240_000,
  skip: existsSync(PROMETHEUS)
    ? false
    : `${PROMETHEUS} is missing: apt-get install -y prometheus (.ci/run does)`,
}, () => {
  let promPort = 0;
  let prometheus: ChildProcess | undefined;
  let spec: { dir: string; file: string };
  const promDir = mkdtempSync(join(tmpdir(), 'gantry-prometheus-'));
  const seenPids = new Set<number>();

  const daemonUrl = () =>
    (JSON.parse(readFileSync(join(spec.dir, '.gantry', 'daemon.json'), 'utf8')) as { url: string }).url;
  const api = async <T>(path: string): Promise<T> =>
    (await (await fetch(`${daemonUrl()}${path}`)).json()) as T;
  const release = async () => (await api<{ release: ReleaseState }>('/v1/services/api/rollout')).release;
  async function status(): Promise<DaemonStatus> {
    const current = await api<DaemonStatus>('/v1/status');
    for (const s of current.services) for (const r of s.replicas.items) if (r.pid) seenPids.add(r.pid);
    return current;
  }
  async function promQuery(
    query: string,
  ): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const url = `http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(query)}`;
    return ((await (await fetch(url)).json()) as { data: { result: [] } }).data.result;
  }

  before(async () => {
    promPort = await freePort();
    spec = specDir(`app: promtest
services:
  api:
    run: node ${join(ROOT, 'examples/shop/api/server.js')}
    port: 8000
    health:
      readiness: { path: /health/ready, periodSeconds: 1 }
    replicas: 2
    release:
      strategy: canary
      maxSurge: 1
      maxUnavailable: 0
      steps: [ {weight: 10}, {pause: 60s}, {weight: 100} ]
      analysis:
        # Long enough for Prometheus to find the v2 replicas (service discovery and scrapes every
        # second) and scrape them twice before the verdict removes them, even on a loaded machine.
        intervalSeconds: 6
        minRequests: 10
        successRate: 0.99
        latencyP95Ms: 500
        provider: prometheus
        prometheus: { address: "http://127.0.0.1:${promPort}" }
`);
    const up = await gantry(['up', '-f', spec.file, '--detach', '--ephemeral-ports']);
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    await status();
    const target = new URL(daemonUrl()).host;
    const config = join(promDir, 'prometheus.yml');
    writeFileSync(
      config,
      `global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: gantry-daemon
    metrics_path: /metrics
    static_configs: [ { targets: ["${target}"] } ]
  - job_name: gantry-replicas
    http_sd_configs: [ { url: "http://${target}/v1/prometheus/targets", refresh_interval: 1s } ]
`,
    );
    const log = openSync(join(promDir, 'prometheus.log'), 'a');
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(promDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--storage.tsdb.retention.time=1h',
      ],
      { stdio: ['ignore', log, log] },
    );
    // Ready, and the daemon scraped at least once (its series exist), within 30 s.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const up = await promQuery('up{job="gantry-daemon"}').catch(() => []);
      if (up[0]?.value[1] === '1') break;
      assert.ok(
        Date.now() < deadline,
        `Prometheus did not scrape the daemon: ${readFileSync(join(promDir, 'prometheus.log'), 'utf8').slice(-2000)}`,
      );
      await sleep(250);
    }
  });

  after(async () => {
    if (prometheus?.pid && prometheus.exitCode === null) {
      prometheus.kill('SIGTERM');
      const deadline = Date.now() + 10_000;
      while (prometheus.exitCode === null && Date.now() < deadline) await sleep(100);
      if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
    }
    if (spec) {
      await status().catch(() => undefined);
      await gantry(['down', '-f', spec.file]);
      for (const pid of seenPids) if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
      rmSync(spec.dir, { recursive: true, force: true });
    }
    rmSync(promDir, { recursive: true, force: true });
  });

  it("rolls back a canary answering 30 % errors on Prometheus' success rate, with the query and value in the events", async () => {
    const url = (await status()).services.find((s) => s.name === 'api')!.url!;
    const stable = (await release()).version;
    const load = startLoad(`${url}/api/products`, { concurrency: 4, maxSeconds: 90 });
    await sleep(500);
    const started = Date.now();
    const deploy = await gantry([
      'deploy',
      'api',
      '--version',
      'v2',
      '--strategy',
      'canary',
      '--set-env',
      'FAULT_ERROR_RATE=0.3',
      '-f',
      spec.file,
    ]);
    assert.equal(deploy.code, 0, `${deploy.stdout}\n${deploy.stderr}`);
    let state = await release();
    while (!['succeeded', 'rolled-back', 'aborted'].includes(state.status)) {
      assert.ok(Date.now() - started < 90_000, `release still ${state.status}: ${state.message}`);
      await sleep(100);
      state = await release();
    }
    const rolledBackAt = Date.now();
    const result = await load.stop();
    assert.equal(state.status, 'rolled-back', state.message);

    // The measurement that failed it came from Prometheus, and the rollback quotes its number.
    const failed = state.measurements.find((m) => m.verdict === 'failed');
    assert.ok(failed, `no failed measurement: ${JSON.stringify(state.measurements)}`);
    assert.equal(failed.evidence?.source, `prometheus http://127.0.0.1:${promPort}`);
    const successQuery = `sum(rate(gantry_lb_requests_total{service="api",version="v2",code!~"5.."}[6s])) / sum(rate(gantry_lb_requests_total{service="api",version="v2"}[6s]))`;
    const answer = failed.evidence.queries.find((q) => q.name === 'successRate');
    assert.equal(answer?.query, successQuery);
    assert.ok(answer.value !== null && answer.value < 0.99, `success rate ${answer.value}`);
    assert.equal(failed.successRate, answer.value);
    assert.equal(
      state.reason,
      `analysis failed: success rate ${(answer.value * 100).toFixed(2)}% < 99.00% (${failed.requests} requests)`,
    );

    // A person reading the events sees the query and the value.
    const events = await api<{ reason: string; message: string }[]>('/v1/events?service=api&limit=500');
    const event = events.find((e) => e.reason === 'AnalysisFailed');
    assert.ok(event, `no AnalysisFailed event: ${events.map((e) => e.reason).join(', ')}`);
    assert.ok(
      event.message.includes(`successRate = ${answer.value} from \`${successQuery}\``),
      event.message,
    );
    assert.ok(events.some((e) => e.reason === 'RolledBack'));

    // Prometheus itself holds the errors the canary answered (the series the query read).
    const errors = await promQuery('sum(gantry_lb_requests_total{service="api",version="v2",code="5xx"})');
    assert.ok(Number(errors[0]?.value[1]) > 0, 'Prometheus scraped the canary errors');

    // The replicas' own series, found through the daemon's service discovery, carry the service
    // and version labels: the standard queries a cluster uses read the same failure from them.
    const fromApp = await promQuery(
      renderQuery(STANDARD_QUERIES.successRate, { service: 'api', version: 'v2', windowSeconds: 30 }),
    );
    assert.ok(fromApp[0], 'Prometheus scraped the v2 replicas through /v1/prometheus/targets');
    const appRate = Number(fromApp[0].value[1]);
    assert.ok(appRate < 0.99, `the replicas' own http_requests_total say ${appRate}`);
    console.log(`replicas' own metrics (standard query over 30 s): success rate ${appRate}`);
    const after = await api<{ versions: { version: string; weight: number }[] }>('/v1/services/api/rollout');
    assert.equal(after.versions.find((v) => v.version === stable)?.weight, 100, 'all traffic back on stable');

    const seconds = (rolledBackAt - started) / 1000;
    const sinceFirstFailure = (rolledBackAt - (result.firstFailureAt ?? started)) / 1000;
    console.log(
      `prometheus canary: rolled back ${seconds.toFixed(1)} s after deploy (${sinceFirstFailure.toFixed(1)} s after the first failed request); ${result.failed} of ${result.ok + result.failed} requests failed; query ${successQuery} = ${answer.value} on ${failed.requests} requests`,
    );
    console.log(`event: ${event.message}`);
    assert.ok(result.failed > 0, 'the fault was real');
    assert.ok(seconds <= 60, `took ${seconds}s`);
  });
});
