// Integration tests for the example app (examples/shop): each test starts the real service processes
// on free ports, talks HTTP to them, and kills whatever it started (by the child's pid) afterwards.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, describe, type TestContext, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const API = fileURLToPath(new URL('../../examples/shop/api/server.js', import.meta.url));
const WORKER = fileURLToPath(new URL('../../examples/shop/worker/worker.js', import.meta.url));

/** Variables that change the services' behaviour; never inherited from whoever runs the tests. */
const SERVICE_VARS =
  /^(FAULT_|PORT$|HOST$|APP_VERSION$|LOG_LEVEL$|SHUTDOWN_TIMEOUT_MS$|WORK_INTERVAL_MS$|JOB_DURATION_MS$|API_PORT$|WORKER_PORT$|NODE_TEST_CONTEXT$|NODE_OPTIONS$)/;

type Exit = { code: number | null; signal: NodeJS.Signals | null };

interface Proc {
  child: ChildProcess;
  spawnedAt: number;
  /** stdout and stderr so far, interleaved as received */
  output: () => string;
  stderr: () => string;
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  exited: Promise<Exit>;
}

interface Service extends Proc {
  port: number;
  base: string;
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Starts `script` under node with a clean environment plus `env`; killed when the test ends. */
function launch(
  cleanup: (fn: () => Promise<void>) => void,
  script: string,
  env: Record<string, string>,
): Proc {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !SERVICE_VARS.test(key)));
  const child = spawn(process.execPath, [script], {
    env: { ...base, HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stderr = '';
  const changed = new EventTarget();
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    changed.dispatchEvent(new Event('data'));
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
    changed.dispatchEvent(new Event('data'));
  });
  // 'close' rather than 'exit': it comes after the pipes have drained, so output() is then complete.
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      changed.dispatchEvent(new Event('data'));
      resolve({ code, signal });
    });
  });

  cleanup(async () => {
    if (isRunning(child)) {
      child.kill('SIGKILL');
      await exited;
    }
  });

  function waitForOutput(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = output.match(pattern);
        if (match) {
          finish();
          resolve(match);
        } else if (!isRunning(child) && child.stdout?.readableEnded && child.stderr?.readableEnded) {
          finish();
          reject(new Error(`process exited before printing ${pattern}; output:\n${output}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs}ms waiting for ${pattern}; output:\n${output}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        changed.removeEventListener('data', check);
      };
      changed.addEventListener('data', check);
      check();
    });
  }

  return { child, spawnedAt: Date.now(), output: () => output, stderr: () => stderr, waitForOutput, exited };
}

/**
 * Starts a service on PORT=0 (the OS picks a free port, so parallel test files never collide) and
 * reads the actual port from its "listening" log line.
 */
async function startService(
  cleanup: (fn: () => Promise<void>) => void,
  script: string,
  env: Record<string, string> = {},
): Promise<Service> {
  const proc = launch(cleanup, script, { PORT: '0', ...env });
  const match = await proc.waitForOutput(/msg="listening" port=(\d+)/);
  const port = Number(match[1]);
  return { ...proc, port, base: `http://127.0.0.1:${port}` };
}

interface Product {
  id: string;
  name: string;
  priceCents: number;
  stock: number;
}
interface Order {
  id: string;
  productId: string;
  quantity: number;
  totalCents: number;
  createdAt: string;
}
interface ErrorBody {
  error: string;
  available?: number;
}
type Ready = { status: string; version: string };
type Work = { ms: number; version: string };

/** Fetches and parses JSON; T is what the test expects the body to be (the assertions check it). */
async function getJson<T = ErrorBody>(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: T; res: Response }> {
  const res = await fetch(url, init);
  const text = await res.text();
  assert.match(res.headers.get('content-type') ?? '', /application\/json/, `${url} should answer JSON`);
  return { status: res.status, body: JSON.parse(text), res };
}

function postOrder<T = ErrorBody>(base: string, body: string) {
  return getJson<T>(`${base}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
}

async function statusOf(url: string): Promise<number> {
  const res = await fetch(url);
  await res.arrayBuffer();
  return res.status;
}

/** Resolves with how long the process took to exit, or fails after `timeoutMs`. */
async function exitWithin(proc: Proc, timeoutMs: number): Promise<Exit> {
  const timeout = sleep(timeoutMs).then(() => {
    throw new Error(`process did not exit within ${timeoutMs}ms; output:\n${proc.output()}`);
  });
  return Promise.race([proc.exited, timeout]);
}

const testCleanup = (t: TestContext) => (fn: () => Promise<void>) => t.after(fn);

describe('shop api: endpoints', { timeout: 60_000 }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  let api: Service;
  before(async () => {
    api = await startService((fn) => cleanups.push(fn), API, { APP_VERSION: '1.2.3' });
  });
  after(async () => {
    for (const fn of cleanups) await fn();
  });

  test('GET /api/products lists the catalogue', async () => {
    const { status, body } = await getJson<Product[]>(`${api.base}/api/products`);
    assert.equal(status, 200);
    assert.ok(Array.isArray(body) && body.length >= 5, 'several products');
    for (const product of body) {
      assert.equal(typeof product.id, 'string');
      assert.equal(typeof product.name, 'string');
      assert.ok(Number.isInteger(product.priceCents) && product.priceCents > 0);
      assert.ok(Number.isInteger(product.stock) && product.stock >= 0);
    }
  });

  test('GET /api/products/:id returns one product, 404 JSON for unknown ids', async () => {
    const found = await getJson<Product>(`${api.base}/api/products/p2`);
    assert.equal(found.status, 200);
    assert.equal(found.body.id, 'p2');
    const missing = await getJson(`${api.base}/api/products/nope`);
    assert.equal(missing.status, 404);
    assert.match(missing.body.error, /nope/);
  });

  test('POST /api/orders creates an order, decrements stock, and GET /api/orders/:id reads it', async () => {
    const before = (await getJson<Product>(`${api.base}/api/products/p1`)).body;
    const created = await postOrder<Order>(api.base, JSON.stringify({ productId: 'p1', quantity: 3 }));
    assert.equal(created.status, 201);
    assert.equal(created.body.productId, 'p1');
    assert.equal(created.body.quantity, 3);
    assert.equal(created.body.totalCents, before.priceCents * 3);
    assert.equal(typeof created.body.id, 'string');
    assert.ok(!Number.isNaN(Date.parse(created.body.createdAt)), 'createdAt is a date');

    const after = (await getJson<Product>(`${api.base}/api/products/p1`)).body;
    assert.equal(after.stock, before.stock - 3);

    const read = await getJson<Order>(`${api.base}/api/orders/${created.body.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, created.body);

    const missing = await getJson(`${api.base}/api/orders/does-not-exist`);
    assert.equal(missing.status, 404);
  });

  test('POST /api/orders rejects bad JSON and bad input with 400 JSON errors', async () => {
    const cases = [
      '{"productId": "p1", "quantity": ',
      'not json',
      '[1, 2]',
      JSON.stringify({ productId: 'p1' }),
      JSON.stringify({ productId: 'p1', quantity: 0 }),
      JSON.stringify({ productId: 'p1', quantity: 1.5 }),
      JSON.stringify({ productId: 'p1', quantity: '2' }),
      JSON.stringify({ productId: '', quantity: 1 }),
      JSON.stringify({ productId: 'unknown-product', quantity: 1 }),
    ];
    const stockBefore = (await getJson<Product>(`${api.base}/api/products/p1`)).body.stock;
    for (const body of cases) {
      const { status, body: error } = await postOrder(api.base, body);
      assert.equal(status, 400, `400 for ${body}`);
      assert.equal(typeof error.error, 'string', `error message for ${body}`);
    }
    assert.equal(
      (await getJson<Product>(`${api.base}/api/products/p1`)).body.stock,
      stockBefore,
      'stock unchanged',
    );
  });

  test('POST /api/orders answers 409 when stock is insufficient', async () => {
    const product = (await getJson<Product>(`${api.base}/api/products/p5`)).body;
    const tooMany = await postOrder(
      api.base,
      JSON.stringify({ productId: 'p5', quantity: product.stock + 1 }),
    );
    assert.equal(tooMany.status, 409);
    assert.equal(tooMany.body.available, product.stock);
    const soldOut = await postOrder(api.base, JSON.stringify({ productId: 'p6', quantity: 1 }));
    assert.equal(soldOut.status, 409);
    assert.equal(
      (await getJson<Product>(`${api.base}/api/products/p5`)).body.stock,
      product.stock,
      'stock unchanged',
    );
  });

  test('every response carries x-app-version, and /health/ready reports the version', async () => {
    for (const path of ['/api/products', '/api/products/nope', '/nowhere', '/health/live', '/metrics']) {
      const res = await fetch(`${api.base}${path}`);
      await res.arrayBuffer();
      assert.equal(res.headers.get('x-app-version'), '1.2.3', `header on ${path}`);
    }
    const ready = await getJson<Ready>(`${api.base}/health/ready`);
    assert.equal(ready.status, 200);
    assert.equal(ready.body.version, '1.2.3');
  });

  test('health endpoints answer 200 once started', async () => {
    for (const path of ['/health/live', '/health/ready', '/health/startup']) {
      assert.equal(await statusOf(`${api.base}${path}`), 200, path);
    }
  });

  test('GET /api/work burns CPU for ms (clamped) and rejects non-numbers', async () => {
    const started = performance.now();
    const work = await getJson<Work>(`${api.base}/api/work?ms=200`);
    assert.ok(performance.now() - started >= 200, 'took at least 200ms');
    assert.equal(work.status, 200);
    assert.deepEqual(work.body, { ms: 200, version: '1.2.3' });
    assert.equal((await getJson<Work>(`${api.base}/api/work?ms=-5`)).body.ms, 0);
    assert.equal((await getJson(`${api.base}/api/work?ms=abc`)).status, 400);
    assert.equal((await getJson(`${api.base}/api/work`)).status, 400);
  });

  test('/metrics exposes the request counter labelled by route template, the histogram and process metrics', async () => {
    await statusOf(`${api.base}/api/products/p3`);
    const res = await fetch(`${api.base}/metrics`);
    const text = await res.text();
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    assert.match(text, /^http_requests_total\{route="\/api\/products\/:id",method="GET",code="200"\} \d+/m);
    assert.match(text, /^http_requests_total\{route="\/api\/products\/:id",method="GET",code="404"\} \d+/m);
    assert.match(
      text,
      /^http_request_duration_seconds_bucket\{le="[\d.]+",route="\/api\/products",method="GET",code="200"\}/m,
    );
    assert.match(text, /^process_cpu_user_seconds_total /m);
    assert.doesNotMatch(text, /route="\/api\/products\/p3"/, 'raw URLs never become labels');
    assert.doesNotMatch(text, /route="\/nowhere"/, 'unknown paths share one label');
  });
});

describe('shop api: fault injection', { timeout: 60_000 }, () => {
  test('FAULT_ERROR_RATE=1 fails every /api/* request with 500 but never health or metrics', async (t) => {
    const api = await startService(testCleanup(t), API, { FAULT_ERROR_RATE: '1' });
    for (const path of ['/api/products', '/api/products/p1', '/api/work?ms=1']) {
      const { status, body } = await getJson(`${api.base}${path}`);
      assert.equal(status, 500, path);
      assert.equal(typeof body.error, 'string');
    }
    for (const path of ['/health/live', '/health/ready', '/health/startup', '/metrics']) {
      assert.equal(await statusOf(`${api.base}${path}`), 200, path);
    }
    const metrics = await (await fetch(`${api.base}/metrics`)).text();
    assert.match(metrics, /http_requests_total\{route="\/api\/products",method="GET",code="500"\} 1/);
  });

  test('FAULT_ERROR_RATE=0.5 fails roughly half of 200 requests', async (t) => {
    const api = await startService(testCleanup(t), API, { FAULT_ERROR_RATE: '0.5' });
    const statuses: number[] = [];
    for (let batch = 0; batch < 10; batch++) {
      statuses.push(
        ...(await Promise.all(Array.from({ length: 20 }, () => statusOf(`${api.base}/api/products`)))),
      );
    }
    const errors = statuses.filter((s) => s === 500).length;
    assert.equal(statuses.filter((s) => s !== 500 && s !== 200).length, 0, 'only 200 or 500');
    // Binomial(200, 0.5): the band 60..140 is more than 5 standard deviations wide on each side.
    assert.ok(errors >= 60 && errors <= 140, `expected 30-70% errors, got ${errors}/200`);
  });

  test('FAULT_ERROR_AFTER_MS: healthy at first, then FAULT_ERROR_RATE', async (t) => {
    const api = await startService(testCleanup(t), API, {
      FAULT_ERROR_RATE: '1',
      FAULT_ERROR_AFTER_MS: '3000',
    });
    // startService returns once the api is ready, well within 3 s of its start on any machine
    // that runs this suite; the first request still comes before the fault starts.
    assert.equal(await statusOf(`${api.base}/api/products`), 200, 'healthy before FAULT_ERROR_AFTER_MS');
    await new Promise((resolve) => setTimeout(resolve, 3100));
    assert.equal(await statusOf(`${api.base}/api/products`), 500, 'failing after it');
    assert.equal(await statusOf(`${api.base}/health/ready`), 200, 'health still tells the truth');
  });

  test('FAULT_LATENCY_MS delays /api/* but not health', async (t) => {
    const api = await startService(testCleanup(t), API, { FAULT_LATENCY_MS: '800' });
    let started = performance.now();
    assert.equal(await statusOf(`${api.base}/api/products`), 200);
    assert.ok(performance.now() - started >= 800, 'api request took at least FAULT_LATENCY_MS');
    started = performance.now();
    assert.equal(await statusOf(`${api.base}/health/ready`), 200);
    assert.ok(performance.now() - started < 800, 'health is not delayed');
  });

  test('FAULT_STARTUP_DELAY_MS keeps startup and readiness 503, then 200', async (t) => {
    const api = await startService(testCleanup(t), API, { FAULT_STARTUP_DELAY_MS: '1000' });
    assert.equal(await statusOf(`${api.base}/health/startup`), 503);
    const ready = await getJson<Ready>(`${api.base}/health/ready`);
    assert.equal(ready.status, 503);
    assert.equal(ready.body.status, 'starting');
    assert.equal(await statusOf(`${api.base}/health/live`), 200, 'alive while starting');
    while ((await statusOf(`${api.base}/health/startup`)) !== 200) {
      assert.ok(Date.now() - api.spawnedAt < 5000, 'startup finished within 5s');
      await sleep(50);
    }
    assert.ok(Date.now() - api.spawnedAt >= 1000, 'not started before the delay');
    assert.equal(await statusOf(`${api.base}/health/ready`), 200);
  });

  test('FAULT_NEVER_READY=1 keeps readiness 503 while liveness and startup pass', async (t) => {
    const api = await startService(testCleanup(t), API, { FAULT_NEVER_READY: '1' });
    await api.waitForOutput(/msg="started"/);
    for (let i = 0; i < 5; i++) {
      assert.equal(await statusOf(`${api.base}/health/ready`), 503);
      await sleep(100);
    }
    assert.equal(await statusOf(`${api.base}/health/live`), 200);
    assert.equal(await statusOf(`${api.base}/health/startup`), 200);
  });

  test('FAULT_CRASH_AFTER_MS makes the process exit 1 after that long, saying why', async (t) => {
    const api = await startService(testCleanup(t), API, { FAULT_CRASH_AFTER_MS: '500' });
    assert.equal(await statusOf(`${api.base}/health/live`), 200, 'serves until the crash');
    const exit = await exitWithin(api, 10_000);
    assert.equal(exit.code, 1);
    assert.ok(Date.now() - api.spawnedAt >= 500, 'not before FAULT_CRASH_AFTER_MS');
    assert.match(api.output(), /FAULT_CRASH_AFTER_MS/);
  });

  test('invalid configuration exits 2 with one clear line naming the variable', async (t) => {
    const cases: [string, string, string][] = [
      [API, 'FAULT_ERROR_RATE', 'abc'],
      [API, 'FAULT_ERROR_RATE', '1.5'],
      [API, 'FAULT_LATENCY_MS', '-1'],
      [API, 'FAULT_STARTUP_DELAY_MS', '2s'],
      [API, 'FAULT_NEVER_READY', 'maybe'],
      [API, 'FAULT_CRASH_AFTER_MS', 'soon'],
      [API, 'PORT', 'http'],
      [API, 'LOG_LEVEL', 'loud'],
      [WORKER, 'FAULT_STARTUP_DELAY_MS', 'x'],
      [WORKER, 'WORK_INTERVAL_MS', '0'],
    ];
    const check = async ([script, name, value]: [string, string, string]) => {
      const proc = launch(testCleanup(t), script, { PORT: '0', [name]: value });
      const exit = await exitWithin(proc, 10_000);
      const label = `${name}=${value}`;
      assert.equal(exit.code, 2, label);
      const lines = proc.stderr().trim().split('\n');
      assert.equal(lines.length, 1, `one line for ${label}: ${proc.stderr()}`);
      assert.ok(lines[0]?.includes(name) && lines[0].includes(`'${value}'`), `names ${label}: ${lines[0]}`);
      assert.doesNotMatch(proc.output(), /\n\s+at |Error:/, `no stack trace for ${label}`);
    };
    // A few at a time: all at once would make a small CI machine slow to start them.
    for (let i = 0; i < cases.length; i += 4) await Promise.all(cases.slice(i, i + 4).map(check));
  });
});

describe('shop api: graceful shutdown', { timeout: 60_000 }, () => {
  test('SIGTERM: in-flight request completes, readiness 503, new connections refused, exit 0', async (t) => {
    const api = await startService(testCleanup(t), API, { APP_VERSION: '2.0.0' });
    // A connection with half a request on it is active (not idle), so it survives the drain and lets
    // us ask /health/ready after SIGTERM, as a load balancer's established connection could.
    const probe = net.connect(api.port, '127.0.0.1');
    t.after(() => probe.destroy());
    await once(probe, 'connect');
    probe.write('GET /health/ready HTTP/1.1\r\nHost: test\r\n');
    let probeReply = '';
    probe.on('data', (chunk: Buffer) => {
      probeReply += chunk.toString();
    });

    const slow = fetch(`${api.base}/api/work?ms=800`);
    await sleep(250); // the request is now on the server, mid-way through its work
    api.child.kill('SIGTERM');
    await api.waitForOutput(/msg="shutting down" signal=SIGTERM in_flight=1/);

    await assert.rejects(fetch(`${api.base}/health/live`), 'new connections are refused');

    probe.write('\r\n');
    await once(probe, 'close');
    assert.match(probeReply, /^HTTP\/1\.1 503 /, 'readiness is 503 while draining');
    assert.match(probeReply, /"status":"draining"/);
    assert.match(probeReply, /\r\nconnection: close\r\n/i);

    const res = await slow;
    assert.equal(res.status, 200, 'the in-flight request got its normal response');
    assert.deepEqual(await res.json(), { ms: 800, version: '2.0.0' });
    const respondedAt = Date.now();

    const exit = await exitWithin(api, 10_000);
    assert.equal(exit.code, 0);
    // Its keep-alive connection was closed straight after the response (Node's default would keep
    // the process waiting for the 5s keep-alive timeout).
    assert.ok(Date.now() - respondedAt < 2000, 'exited promptly after the last response');
    assert.match(api.output(), /msg="shutdown complete"/);
  });

  test('SIGINT with an idle keep-alive connection exits 0 promptly', async (t) => {
    const api = await startService(testCleanup(t), API);
    const res = await fetch(`${api.base}/api/products`); // leaves a pooled keep-alive connection
    await res.arrayBuffer();
    const signalledAt = Date.now();
    api.child.kill('SIGINT');
    const exit = await exitWithin(api, 10_000);
    assert.equal(exit.code, 0);
    assert.ok(Date.now() - signalledAt < 2000, 'idle connection did not hold up the exit');
  });

  test('SHUTDOWN_TIMEOUT_MS forces exit 1 when requests never finish', async (t) => {
    const api = await startService(testCleanup(t), API, {
      FAULT_LATENCY_MS: '10000',
      SHUTDOWN_TIMEOUT_MS: '300',
    });
    const stuck = fetch(`${api.base}/api/products`).catch((error: unknown) => error);
    await sleep(200);
    const signalledAt = Date.now();
    api.child.kill('SIGTERM');
    const exit = await exitWithin(api, 10_000);
    assert.equal(exit.code, 1);
    assert.ok(Date.now() - signalledAt >= 300, 'waited for the deadline');
    assert.match(api.output(), /shutdown timed out/);
    assert.ok((await stuck) instanceof Error, 'the stuck request was cut off');
  });
});

describe('shop worker', { timeout: 60_000 }, () => {
  test('serves health and version, processes jobs and counts them in /metrics', async (t) => {
    const worker = await startService(testCleanup(t), WORKER, {
      APP_VERSION: '3.1.0',
      WORK_INTERVAL_MS: '20',
      JOB_DURATION_MS: '10',
    });
    for (const path of ['/health/live', '/health/ready', '/health/startup']) {
      const res = await fetch(`${worker.base}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('x-app-version'), '3.1.0');
      if (path === '/health/ready') assert.equal(((await res.json()) as Ready).version, '3.1.0');
      else await res.arrayBuffer();
    }
    assert.equal(await statusOf(`${worker.base}/api/products`), 404, 'no user routes');

    const jobs = async () => {
      const text = await (await fetch(`${worker.base}/metrics`)).text();
      const match = text.match(/^worker_jobs_processed_total (\d+)/m);
      assert.ok(match, 'worker_jobs_processed_total is exported');
      return Number(match[1]);
    };
    const first = await jobs();
    await sleep(300);
    const second = await jobs();
    assert.ok(second > first, `jobs keep being processed (${first} -> ${second})`);
  });

  test('SIGTERM lets the current job finish, then exits 0', async (t) => {
    const worker = await startService(testCleanup(t), WORKER, {
      LOG_LEVEL: 'debug',
      JOB_DURATION_MS: '700',
      WORK_INTERVAL_MS: '10',
    });
    await worker.waitForOutput(/msg="job started" job=1/);
    await sleep(100);
    const signalledAt = Date.now();
    worker.child.kill('SIGTERM');
    const exit = await exitWithin(worker, 10_000);
    assert.equal(exit.code, 0);
    const out = worker.output();
    const shutdownAt = out.indexOf('msg="shutting down"');
    assert.ok(shutdownAt >= 0);
    assert.ok(out.indexOf('msg="job processed" job=1') > shutdownAt, 'job 1 finished after SIGTERM');
    assert.doesNotMatch(out, /job started" job=2/, 'no new job after SIGTERM');
    assert.ok(Date.now() - signalledAt >= 400, 'waited for the job instead of exiting at once');
    assert.match(out, /jobs_processed=1/);
  });

  test('FAULT_NEVER_READY and FAULT_CRASH_AFTER_MS apply to the worker too', async (t) => {
    const worker = await startService(testCleanup(t), WORKER, {
      FAULT_NEVER_READY: '1',
      FAULT_CRASH_AFTER_MS: '600',
    });
    await worker.waitForOutput(/msg="started"/);
    assert.equal(await statusOf(`${worker.base}/health/ready`), 503);
    assert.equal(await statusOf(`${worker.base}/health/live`), 200);
    const exit = await exitWithin(worker, 10_000);
    assert.equal(exit.code, 1);
  });
});
