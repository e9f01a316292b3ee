/**
 * The dashboard in a real browser (Debian chromium through playwright-core) against a real
 * daemon running the example app: it lists the services with their ready replicas; an
 * action without the token or a session is refused; during a canary it shows the current
 * weight and the analysis measurements, and Abort (confirmed) returns all traffic to stable
 * — checked through the API, not only on the page. Each state is saved as a screenshot and
 * its path printed. Bounded: canary analysis every second, load for at most 60 s.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { DaemonStatus } from '../../src/daemon/status.ts';
import { isAlive } from '../../src/local/process.ts';
import type { VersionState } from '../../src/platform/platform.ts';
import type { ReleaseState } from '../../src/rollout/state.ts';
import { artefactDir, launchBrowser, openPage, screenshot } from '../support/browser.ts';
import { gantry, ROOT, specDir } from '../support/gantry.ts';
import { startLoad } from '../support/load.ts';

const SERVER = join(ROOT, 'examples/shop/api/server.js');
// The canary waits at 25 % after its analysis passes (a pause without a duration holds until
// promoted), so the page can be looked at mid-release for as long as the test needs. In one full
// run (2026-12-07) the release never reached its pause within 45 s, beside the rest of the suite;
// alone, and beside two busy loops, it did. Where it went instead was not kept: a timeout now
// prints it.
const SPEC = `app: dashtest
services:
  api:
    run: node ${SERVER}
    port: 8000
    health:
      readiness: { path: /health/ready, periodSeconds: 1 }
    replicas: 2
    release:
      strategy: canary
      maxSurge: 1
      maxUnavailable: 0
      progressDeadlineSeconds: 20
      steps:
        - weight: 25
        - analysis: {}
        - pause: {}
        - weight: 100
      analysis: { intervalSeconds: 1, minRequests: 5, successRate: 0.95, latencyP95Ms: 500 }
  web:
    run: node ${SERVER}
    port: 8080
    health:
      readiness: { path: /health/ready, periodSeconds: 1 }
    replicas: 1
`;

const { dir, file } = specDir(SPEC);
const base = ['-f', file];
const seenPids = new Set<number>();
const shots = artefactDir('dashboard');
let browser: Browser | undefined;
let loginLink = '';

function daemonUrl(): string {
  return (JSON.parse(readFileSync(join(dir, '.gantry', 'daemon.json'), 'utf8')) as { url: string }).url;
}

async function status(): Promise<DaemonStatus> {
  const current = (await (await fetch(`${daemonUrl()}/v1/status`)).json()) as DaemonStatus;
  for (const s of current.services) for (const r of s.replicas.items) if (r.pid) seenPids.add(r.pid);
  return current;
}

async function rollout(): Promise<{ release: ReleaseState; versions: VersionState[] }> {
  return (await fetch(`${daemonUrl()}/v1/services/api/rollout`)).json() as never;
}

/** Script errors on the page, less the 401 the browser logs for a refused action (expected). */
const unexpected = (errors: string[]) => errors.filter((e) => !/status of 401/.test(e));

async function servicePanel(page: Page, service: string) {
  const panel = page.locator(`section.service[data-service="${service}"]`);
  await panel.waitFor({ timeout: 15_000 });
  return panel;
}

async function confirmDialog(page: Page): Promise<string> {
  const dialog = page.locator('dialog#confirm');
  await dialog.waitFor({ state: 'visible', timeout: 5_000 });
  const question = (await page.locator('#confirm-question').textContent()) ?? '';
  await page.locator('#confirm-yes').click();
  return question;
}

describe('dashboard in a real browser (example app, real daemon)', { timeout: 240_000 }, () => {
  before(async () => {
    const run = await gantry(['up', ...base, '--detach', '--ephemeral-ports']);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    loginLink = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/login\?code=\S+)/.exec(run.stdout)?.[1] ?? '';
    assert.ok(loginLink, `gantry up printed no login link:\n${run.stdout}`);
    await status();
    browser = await launchBrowser();
    console.log(`screenshots in ${shots}`);
  });

  after(async () => {
    await browser?.close();
    await status().catch(() => undefined);
    await gantry(['down', ...base]);
    for (const pid of seenPids) if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the services with their ready replicas (read-only from 127.0.0.1, no login)', async () => {
    const { page, errors } = await openPage(browser!);
    await page.goto(`${daemonUrl()}/dashboard/`);
    const api = await servicePanel(page, 'api');
    const web = await servicePanel(page, 'web');
    await api.locator('[data-testid=ready]', { hasText: '2/2' }).waitFor({ timeout: 15_000 });
    await web.locator('[data-testid=ready]', { hasText: '1/1' }).waitFor({ timeout: 15_000 });
    assert.equal(await api.locator('button.replica.ready').count(), 2);
    assert.equal(await page.locator('#connection').textContent(), 'live');
    // A second of metrics has drawn the charts.
    await api.locator('.chart canvas').first().waitFor({ timeout: 5_000 });
    await screenshot(page, shots, '1-services');
    assert.deepEqual(unexpected(errors), []);
    await page.context().close();
  });

  it('refuses an action without the token or a session, and says how to log in', async () => {
    const { page, errors } = await openPage(browser!);
    await page.goto(`${daemonUrl()}/dashboard/`);
    const api = await servicePanel(page, 'api');
    await api.locator('input[type=number]').fill('3');
    await api.getByRole('button', { name: 'Scale' }).click();
    assert.match(await confirmDialog(page), /Scale api to 3 replicas\?/);
    await page.locator('#notice[data-kind=error]').waitFor({ timeout: 5_000 });
    const notice = (await page.locator('#notice').textContent()) ?? '';
    assert.match(notice, /scale api: refused \(401\)/);
    assert.match(notice, /login link/);
    await screenshot(page, shots, '2-refused');
    // Through the API too: nothing changed, and a bare POST gets a 401 JSON error.
    const bare = await fetch(`${daemonUrl()}/v1/services/api/scale`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replicas: 3 }),
    });
    assert.equal(bare.status, 401);
    assert.ok(((await bare.json()) as { error?: string }).error);
    const api2 = (await status()).services.find((s) => s.name === 'api')!;
    assert.equal(api2.replicas.desired, 2, 'the refused scale changed nothing');
    assert.deepEqual(unexpected(errors), []);
    await page.context().close();
  });

  it('during a canary shows the weight and the analysis; Abort returns all traffic to stable', async () => {
    const { page, errors } = await openPage(browser!);
    // The one-time link `gantry up` printed: sets the session cookie and lands on the page.
    await page.goto(loginLink);
    assert.match(page.url(), /\/dashboard\/$/);
    const api = await servicePanel(page, 'api');
    const stable = (await rollout()).release.version;

    const lb = (await status()).services.find((s) => s.name === 'api')!.url!;
    const load = startLoad(`${lb}/api/products`, { concurrency: 4, maxSeconds: 60 });
    try {
      const deploy = await gantry(['deploy', 'api', '--version', 'v2', '--strategy', 'canary', ...base]);
      assert.equal(deploy.code, 0, `${deploy.stdout}\n${deploy.stderr}`);

      // The page follows the release: 25 % on v2, passed measurements, then held at the pause.
      // (the step index moves to the pause one tick before the status says paused: wait for both)
      const release = api.locator('[data-testid=release][data-status=paused]');
      await release
        .locator('.steps li.current', { hasText: 'pause' })
        .waitFor({ timeout: 45_000 })
        .catch(async (error: Error) => {
          // Say where the release went instead (rolled back on a measurement, waiting for data…).
          const { release: state } = await rollout();
          throw new Error(`${error.message}\nthe release instead: ${JSON.stringify(state).slice(0, 2000)}`);
        });
      assert.equal(await release.locator('[data-testid=split] [data-version=v2]').textContent(), 'v2 25 %');
      assert.equal(
        await release.locator(`[data-testid=split] [data-version="${stable}"]`).textContent(),
        `${stable} 75 %`,
      );
      const passed = release.locator('[data-testid=measurements] tr.passed');
      assert.ok((await passed.count()) >= 1, 'a passed measurement is shown');
      assert.match((await passed.first().locator('td.summary').textContent()) ?? '', /≥ 95\.00%.*≤ 500ms/);
      // The page agrees with the API.
      const during = await rollout();
      assert.equal(during.versions.find((v) => v.version === 'v2')?.weight, 25);
      await screenshot(page, shots, '3-canary');

      await release.getByRole('button', { name: 'Abort' }).click();
      // (the release panel is redrawn on every push; the button is found afresh by role)
      assert.match(await confirmDialog(page), new RegExp(`All traffic returns to ${stable}`));
      await page.locator('#notice[data-kind=ok]', { hasText: 'abort api: done' }).waitFor({ timeout: 5_000 });
      await api.locator('[data-testid=release][data-status=aborted]').waitFor({ timeout: 5_000 });

      // Through the API, not only the page: the release is aborted and stable takes all traffic.
      const ended = await rollout();
      assert.equal(ended.release.status, 'aborted');
      assert.equal(ended.versions.find((v) => v.version === stable)?.weight, 100);
      assert.equal(ended.versions.find((v) => v.version === 'v2')?.weight ?? 0, 0);
      await api
        .locator(`table.versions tr[data-version="${stable}"] [data-testid=weight]`, { hasText: '100 %' })
        .waitFor({ timeout: 5_000 });
      await screenshot(page, shots, '4-aborted');
    } finally {
      await load.stop();
    }
    assert.deepEqual(unexpected(errors), []);
    await page.context().close();
  });
});
