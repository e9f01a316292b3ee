/**
 * `gantry up --monitoring` end to end with a real Prometheus (Debian's, started by the daemon):
 * a service answering half its requests with 500 (the example app's FAULT_ERROR_RATE) makes the
 * fast-burn page alert (ErrorBudgetBurn, 14.4×) fire, and `gantry status` shows it, text and JSON,
 * with service, version and runbook, and so does the dashboard's alert list (Chromium). The windows are shortened through the documented knob
 * GANTRY_SLO_TIME_SCALE=60 (1h/5m → 1m/5s) so it fires within seconds, not an hour. Also: the
 * recorded error ratio equals 1 − the success rate release analysis asks Prometheus for over the
 * same window (the same numbers), Prometheus listens on 127.0.0.1 only, its files are 0600 in 0700
 * directories, and `gantry down` stops it.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { DaemonStatus } from '../../src/daemon/status.ts';
import { isAlive } from '../../src/local/process.ts';
import { renderQuery, STANDARD_QUERIES } from '../../src/metrics/promql.ts';
import { launchBrowser, openPage } from '../support/browser.ts';
import { gantry, ROOT, specDir } from '../support/gantry.ts';
import { startLoad } from '../support/load.ts';

const PROMETHEUS = '/usr/bin/prometheus';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('gantry up --monitoring: SLO alerts from a real local Prometheus', {
  timeout: 240_000,
  skip: existsSync(PROMETHEUS)
    ? false
    : `${PROMETHEUS} is missing: apt-get install -y prometheus (.ci/run does)`,
}, () => {
  let spec: { dir: string; file: string };
  const pids = new Set<number>();
  let prometheusPid: number | undefined;

  const status = async (): Promise<DaemonStatus> => {
    const run = await gantry(['status', '-f', spec.file, '--output', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const current = JSON.parse(run.stdout) as DaemonStatus;
    for (const s of current.services) for (const r of s.replicas.items) if (r.pid) pids.add(r.pid);
    return current;
  };

  before(async () => {
    spec = specDir(`app: slotest
services:
  api:
    run: node ${join(ROOT, 'examples/shop/api/server.js')}
    port: 8000
    env: { FAULT_ERROR_RATE: "0.5" }
    health:
      readiness: { path: /health/ready, periodSeconds: 1 }
    replicas: 2
    slo: { availability: 99%, latencyP95Ms: 1000 }
`);
    process.env.GANTRY_SLO_TIME_SCALE = '60';
    const up = await gantry(['up', '-f', spec.file, '--detach', '--ephemeral-ports', '--monitoring']);
    delete process.env.GANTRY_SLO_TIME_SCALE;
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    assert.match(up.stdout, /prometheus +http:\/\/127\.0\.0\.1:\d+/);
  });

  after(async () => {
    if (!spec) return;
    await gantry(['down', '-f', spec.file]);
    for (const pid of pids) if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
    if (prometheusPid && isAlive(prometheusPid)) process.kill(prometheusPid, 'SIGKILL');
    rmSync(spec.dir, { recursive: true, force: true });
  });

  it('the fast-burn alert fires for the erroring service and gantry status shows it', async () => {
    const first = await status();
    assert.equal(first.monitoring?.state, 'running', JSON.stringify(first.monitoring));
    const prometheus = first.monitoring!.url!;
    const url = first.services.find((s) => s.name === 'api')!.url!;
    const load = startLoad(`${url}/api/products`, { concurrency: 4, maxSeconds: 120 });
    const started = Date.now();
    let current = first;
    let at = '';
    try {
      for (;;) {
        current = await status();
        if (current.monitoring?.alerts.some((a) => a.state === 'firing' && a.labels.burn_rate === '14.4'))
          break;
        assert.ok(
          Date.now() - started < 100_000,
          `no fast-burn alert: ${JSON.stringify(current.monitoring)}`,
        );
        await sleep(1000);
      }
      console.log(
        `fast-burn alert firing ${((Date.now() - started) / 1000).toFixed(1)} s after the load started`,
      );
      // gantry status, text, and the dashboard's alert list (a real browser), while the errors go on.
      const text = await gantry(['status', '-f', spec.file]);
      assert.match(text.stdout, /monitoring: prometheus http:\/\/127\.0\.0\.1:\d+ — \d+ SLO alerts? firing/);
      assert.match(text.stdout, /ErrorBudgetBurn +firing +api +v1 +page +1m\/5s +14\.4×/);
      assert.match(text.stdout, /runbook: gantry history api shows whether v1/);

      const browser = await launchBrowser();
      try {
        const { page, errors } = await openPage(browser);
        await page.goto(`${current.daemon.url}/dashboard/`);
        const item = page.locator('#alerts .alert.firing', { hasText: 'ErrorBudgetBurn' }).first();
        await item.waitFor({ timeout: 15_000 });
        assert.match(
          (await item.textContent()) ?? '',
          /api v1 · page · 1m\/5s at 14\.4×[\s\S]*runbook: gantry history api/,
        );
        assert.deepEqual(errors, []);
      } finally {
        await browser.close();
      }
      at = String(Date.now() / 1000 - 2); // compared below: a time well inside the load
    } finally {
      await load.stop();
    }
    const alert = current.monitoring!.alerts.find(
      (a) => a.state === 'firing' && a.labels.burn_rate === '14.4',
    )!;
    assert.equal(alert.name, 'ErrorBudgetBurn');
    assert.equal(alert.service, 'api');
    assert.equal(alert.version, 'v1');
    assert.equal(alert.severity, 'page');
    assert.deepEqual([alert.labels.long_window, alert.labels.short_window], ['1m', '5s']);
    assert.equal(
      alert.summary,
      'api v1: 5xx answers burn the 99% availability budget 14.4× too fast (1m and 5s windows)',
    );
    assert.match(
      alert.runbook,
      /^gantry history api shows whether v1 came with a release: if so, gantry rollback api;/,
    );

    const query = async (expr: string, time?: string) => {
      const params = new URLSearchParams({ query: expr, ...(time ? { time } : {}) });
      const body = (await (await fetch(`${prometheus}/api/v1/query?${params}`)).json()) as {
        data: { result: { value: [number, string] }[] };
      };
      return body.data.result[0]?.value;
    };
    // The same numbers: the recorded 5xx ratio's expression (from the rule file Prometheus loaded)
    // is 1 − the success rate release analysis asks for, over the same window at the same instant
    // (2 s before the load stopped: every 1 s scrape up to then is in).
    const rules = parse(readFileSync(join(spec.dir, '.gantry', 'monitoring', 'rules.yml'), 'utf8')) as {
      groups: { rules: { record?: string; expr: string }[] }[];
    };
    const ratio = rules.groups[0]!.rules.find(
      (r) => r.record === 'service_version:http_requests_errors:ratio_rate5m',
    )!;
    assert.match(ratio.expr, /\[5s\]/, 'the 5m window scaled to 5s');
    const recorded = await query(ratio.expr, at);
    const analysis = await query(
      renderQuery(STANDARD_QUERIES.successRate, { service: 'api', version: 'v1', windowSeconds: 5 }),
      at,
    );
    assert.ok(recorded && analysis, `both answer at ${at}: ${JSON.stringify({ recorded, analysis })}`);
    assert.ok(
      Math.abs(Number(recorded[1]) - (1 - Number(analysis[1]))) < 1e-9,
      `recorded ${recorded[1]} vs 1 − ${analysis[1]}`,
    );
    console.log(
      `error ratio over 5s: the rule's ${recorded[1]}, 1 − the release success rate ${1 - Number(analysis[1])}`,
    );
    assert.ok(
      await query('service_version:http_requests_errors:ratio_rate5m{service="api",version="v1"}'),
      'recorded',
    );

    // The event log has it too, with the runbook.
    const events = (await (await fetch(`${current.daemon.url}/v1/events?limit=200`)).json()) as {
      reason: string;
      message: string;
    }[];
    const fired = events.find((e) => e.reason === 'AlertFiring' && e.message.includes('at 14.4×'));
    assert.ok(fired, events.map((e) => e.reason).join(', '));
    assert.match(
      fired.message,
      /^ErrorBudgetBurn api v1 \(page, 1m\/5s at 14\.4×\): .* — gantry history api/,
    );
  });

  it('Prometheus listens on 127.0.0.1 only; its files are private; gantry down stops it', async () => {
    const current = await status();
    const port = Number(new URL(current.monitoring!.url!).port);
    const hex = port.toString(16).toUpperCase().padStart(4, '0');
    const listening = [
      readFileSync('/proc/net/tcp', 'utf8'),
      existsSync('/proc/net/tcp6') ? readFileSync('/proc/net/tcp6', 'utf8') : '',
    ]
      .join('\n')
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && f[1]?.endsWith(`:${hex}`))
      .map((f) => f[1]);
    assert.deepEqual(listening, [`0100007F:${hex}`]);

    const dir = join(spec.dir, '.gantry', 'monitoring');
    const instance = JSON.parse(readFileSync(join(dir, 'instance.json'), 'utf8')) as { pid: number };
    prometheusPid = instance.pid;
    const modes: string[] = [];
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      const path = join(entry.parentPath, entry.name);
      const mode = statSync(path).mode & 0o777;
      if (entry.isDirectory() ? mode !== 0o700 : entry.isFile() && mode !== 0o600)
        modes.push(`${path} ${mode.toString(8)}`);
    }
    assert.deepEqual(modes, []);

    const down = await gantry(['down', '-f', spec.file]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(isAlive(instance.pid), false, 'prometheus stopped with the app');
  });
});
