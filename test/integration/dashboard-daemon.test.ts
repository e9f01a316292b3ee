/**
 * The dashboard's daemon side against a real daemon (`gantry up --detach` on one small service):
 * the live stream's order on connect and its updates, the one-time login link and its cookie,
 * actions refused without credentials and accepted with the session from the page, a replica's log tail, the
 * bundles. The access rule for other machines is tested with addresses in access.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MetricsPoint } from '../../src/daemon/dashboard/metrics-point.ts';
import type { DaemonStatus } from '../../src/daemon/status.ts';
import { gantry, ROOT, specDir } from '../support/gantry.ts';

const { dir, file } = specDir(`app: dashtest
services:
  api:
    run: node ${join(ROOT, 'examples/shop/api/server.js')}
    port: 8000
    env: { LOG_LEVEL: debug }   # a line per request, for the log tail
    health:
      readiness: { path: /health/ready, periodSeconds: 1 }
    replicas: 1
`);
const base = ['-f', file];
let url = '';
let link = '';

function token(): string {
  return readFileSync(join(dir, '.gantry', 'token'), 'utf8').trim();
}

interface Frame {
  event: string;
  data: unknown;
}

/** Reads Server-Sent Events frames until `enough` says so or the time is up; then disconnects. */
async function readStream(
  path: string,
  enough: (frames: Frame[]) => boolean,
  options: { timeoutMs?: number; onOpen?: () => Promise<unknown> } = {},
): Promise<Frame[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 8000);
  const frames: Frame[] = [];
  try {
    const response = await fetch(`${url}${path}`, { signal: controller.signal });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const decoder = new TextDecoder();
    let buffer = '';
    let opened = false;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data !== undefined) frames.push({ event, data: JSON.parse(data) });
        end = buffer.indexOf('\n\n');
      }
      if (!opened && options.onOpen && frames.length > 0) {
        opened = true;
        void options.onOpen();
      }
      if (enough(frames)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return frames;
}

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function desiredReplicas(): Promise<number> {
  const status = (await (await fetch(`${url}/v1/status`)).json()) as DaemonStatus;
  return status.services[0]!.replicas.desired;
}

describe('dashboard daemon side', { timeout: 120_000 }, () => {
  before(async () => {
    const run = await gantry(['up', ...base, '--detach', '--ephemeral-ports']);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    link = /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/login\?code=\S+)$/m.exec(run.stdout)?.[1] ?? '';
    assert.ok(link, `gantry up prints the login link:\n${run.stdout}`);
    url = new URL(link).origin;
  });

  after(async () => {
    await gantry(['down', ...base]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the stream sends history, status, the last events oldest first, then a metrics point every second', async () => {
    const frames = await readStream('/v1/stream', (f) => f.filter((x) => x.event === 'metrics').length >= 2);
    const kinds = frames.map((f) => f.event);
    assert.equal(kinds[0], 'history');
    assert.ok(Array.isArray(frames[0]!.data));
    assert.equal(kinds[1], 'status');
    assert.equal((frames[1]!.data as DaemonStatus).app, 'dashtest');
    const firstMetrics = kinds.indexOf('metrics');
    const events = frames.slice(2, firstMetrics);
    assert.ok(events.length > 0 && events.length <= 50, `events on connect: ${events.length}`);
    assert.ok(events.every((f) => f.event === 'event'));
    const ids = events.map((f) => (f.data as { id: number }).id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
      'oldest first',
    );
    const metrics = frames.filter((f) => f.event === 'metrics').map((f) => f.data as MetricsPoint);
    const gap = metrics[1]!.t - metrics[0]!.t;
    assert.ok(gap >= 900 && gap <= 1500, `one point a second (gap ${gap} ms)`);
    const v1 = metrics[1]!.services.api!.v1!;
    assert.deepEqual(Object.keys(v1).sort(), ['desired', 'errorRate', 'p95Ms', 'ready', 'rps']);
    assert.equal(v1.ready, 1);
    assert.equal(v1.desired, 1);
  });

  it('history holds the points sampled before the client connected', async () => {
    const [history] = await readStream('/v1/stream', (f) => f.length >= 1);
    const points = history!.data as { t: number }[];
    assert.ok(points.length >= 2, `points: ${points.length}`);
    assert.ok(points.every((p, i) => i === 0 || p.t > points[i - 1]!.t));
  });

  it('a change reaches an open stream: the new event at once, the status within a second or so', async () => {
    const frames = await readStream(
      '/v1/stream',
      (f) =>
        f.some(
          (x) => x.event === 'event' && (x.data as { message: string }).message.includes('from 1 to 2'),
        ) &&
        f.some(
          (x, i) =>
            i > 1 && x.event === 'status' && (x.data as DaemonStatus).services[0]!.replicas.desired === 2,
        ),
      {
        onOpen: () => post('/v1/services/api/scale', { replicas: 2 }, { authorization: `Bearer ${token()}` }),
      },
    );
    const scaled = frames.find(
      (x) => x.event === 'event' && (x.data as { reason: string }).reason === 'ScalingReplicaSet',
    );
    assert.ok(scaled, `frames: ${frames.map((f) => f.event).join(' ')}`);
    assert.ok(frames.some((x, i) => i > 1 && x.event === 'status'));
    await post('/v1/services/api/scale', { replicas: 1 }, { authorization: `Bearer ${token()}` });
  });

  it('the login link works once: a session cookie and a 303 to the page; used again it is refused', async () => {
    const first = await fetch(link, { redirect: 'manual' });
    assert.equal(first.status, 303);
    assert.equal(first.headers.get('location'), '/dashboard/');
    const cookie = first.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^gantry_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    const again = await fetch(link, { redirect: 'manual' });
    assert.equal(again.status, 401);
    assert.match(await again.text(), /works once/);
    assert.equal((await fetch(`${url}/login?code=made-up`, { redirect: 'manual' })).status, 401);
  });

  it('an action without token or cookie is refused with 401; with the session from the page it is done', async () => {
    const refused = await post('/v1/services/api/scale', { replicas: 2 });
    assert.equal(refused.status, 401);
    assert.match(((await refused.json()) as { error: string }).error, /needs the bearer token/);
    const forged = await post('/v1/services/api/scale', { replicas: 2 }, { cookie: 'gantry_session=forged' });
    assert.equal(forged.status, 401);
    assert.equal(await desiredReplicas(), 1);

    const code = (await (
      await post('/v1/login-codes', {}, { authorization: `Bearer ${token()}` })
    ).json()) as { code: string };
    const login = await fetch(`${url}/login?code=${code.code}`, { redirect: 'manual' });
    const session = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    // The cookie alone is not enough (any page on 127.0.0.1 gets it sent): 403, nothing done.
    const cookieOnly = await post('/v1/services/api/scale', { replicas: 2 }, { cookie: session });
    assert.equal(cookieOnly.status, 403);
    assert.equal(await desiredReplicas(), 1);
    // What the page does: read its CSRF token, then post from its own origin.
    const sessionInfo = await fetch(`${url}/v1/session`, {
      headers: { cookie: session, 'sec-fetch-site': 'same-origin' },
    });
    assert.equal(sessionInfo.status, 200);
    const { csrfToken, header } = (await sessionInfo.json()) as { csrfToken: string; header: string };
    const page = { cookie: session, origin: url, [header]: csrfToken };
    const done = await post('/v1/services/api/scale', { replicas: 2 }, page);
    assert.equal(done.status, 200, await done.clone().text());
    assert.equal(await desiredReplicas(), 2);
    await post('/v1/services/api/scale', { replicas: 1 }, page);
    assert.equal(await desiredReplicas(), 1);
  });

  it('login codes are issued only with the token', async () => {
    assert.equal((await post('/v1/login-codes', {})).status, 401);
  });

  it('a replica log: its last lines, then what it appends', async () => {
    const status = (await (await fetch(`${url}/v1/status`)).json()) as DaemonStatus;
    const text = (f: Frame) => (f.data as { text: string }).text;
    const frames = await readStream(
      '/v1/services/api/replicas/1/logs',
      (f) => f.some((x) => text(x).includes('path=/api/products/p2')),
      { onOpen: () => fetch(`${status.services[0]!.url}/api/products/p2`) },
    );
    assert.ok(frames.every((f) => f.event === 'line'));
    assert.match(text(frames[0]!), /msg="listening"/);
    // The request's line is among the last: a probe's line may come in the same read after it.
    const request = frames.map(text).find((line) => line.includes('path=/api/products/p2'));
    assert.match(request ?? '', /msg="request" .*path=\/api\/products\/p2 status=200/);
    const unknown = await fetch(`${url}/v1/services/api/replicas/9/logs`);
    assert.equal(unknown.status, 404);
  });

  it('gantry status prints a fresh login link', async () => {
    const run = await gantry(['status', ...base]);
    assert.equal(run.code, 0, run.stderr);
    const fresh = /^dashboard: (\S+)$/m.exec(run.stdout)?.[1];
    assert.ok(fresh && fresh !== link, run.stdout);
    assert.equal((await fetch(fresh, { redirect: 'manual' })).status, 303);
  });

  it('the page and its bundles (esbuild, uPlot included) are served to a local reader', async () => {
    const page = await fetch(`${url}/dashboard/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const script = await fetch(`${url}/dashboard/app.js`);
    assert.equal(script.status, 200, await script.clone().text());
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    const css = await fetch(`${url}/dashboard/app.css`);
    assert.equal(css.status, 200);
    assert.match(await css.text(), /\.uplot/);
  });
});
