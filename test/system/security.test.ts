/**
 * The local platform's security review (issue 16), one case per finding, against a real
 * `gantry up` (real postgres and redis, real replicas) and a real Chromium: each case makes
 * the attack or the bad input, asserts the refusal, and asserts that nothing changed.
 *
 *  1. cross-site requests with a dashboard session (a page on another 127.0.0.1 port)
 *  2. backing services from another local user: refused without credentials, working with the
 *     URLs Gantry injects (as `nobody`, through runuser; skipped loudly when that is impossible)
 *  3. a replica's environment: only what its service declares (/proc/PID/environ)
 *  4. state files 0600 and directories 0700 (upgraded in place)
 *  5. bad API input: 400s naming the parameter; the exact Host allow-list
 *  6. the CLI: a closed stdout ends quietly; names that are paths are refused
 *  7. the spec: int32 and YAML tags, validate and render agree
 *
 * Bounded: one app of two one-replica services; every process is stopped at the end.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { DaemonStatus } from '../../src/daemon/status.ts';
import { isAlive } from '../../src/local/process.ts';
import { PROCESS_BASICS } from '../../src/local/replica-env.ts';
import type { EventRecord } from '../../src/local/store.ts';
import { launchBrowser, openPage } from '../support/browser.ts';
import { GANTRY, gantry, ROOT, specDir } from '../support/gantry.ts';

const SERVER = join(ROOT, 'examples/shop/api/server.js');
const WORKER = join(ROOT, 'examples/shop/worker/worker.js');
const SPEC = `app: sectest
services:
  api:
    image: ghcr.io/acme/sectest-api:1.0.0
    run: node ${SERVER}
    port: 8000
    env: { LOG_LEVEL: info }
    secrets: [DATABASE_URL, PAYMENT_API_KEY, SMTP_PASSWORD]
    uses: [db, cache]
    health: { readiness: { path: /health/ready, periodSeconds: 1 } }
  worker:
    image: ghcr.io/acme/sectest-worker:1.0.0
    run: node ${WORKER}
    port: 8001
    env: { LOG_LEVEL: info }
    secrets: [DATABASE_URL]
    uses: [db]
    health: { readiness: { path: /health/ready, periodSeconds: 1 } }
backing:
  db: { kind: postgres }
  cache: { kind: redis }
`;
/** Exported in the daemon's environment; declared by api only. */
const PAYMENT_API_KEY = 'pk-live-must-stay-in-api';

const { dir, file } = specDir(SPEC);
const base = ['-f', file];
const state = join(dir, '.gantry');
const proof = join(dir, 'proof.txt');
const seenPids = new Set<number>();
let url = '';
let loginLink = '';

function token(): string {
  return readFileSync(join(state, 'token'), 'utf8').trim();
}

async function api<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${path}`, init);
  return { status: response.status, body: (await response.json()) as T };
}

async function status(): Promise<DaemonStatus> {
  const current = (await api<DaemonStatus>('/v1/status')).body;
  for (const s of current.services) for (const r of s.replicas.items) if (r.pid) seenPids.add(r.pid);
  return current;
}

/** What a change would show in: each service's versions and desired replicas, and api's releases. */
async function fingerprint(): Promise<string> {
  const current = await status();
  const history = await api('/v1/services/api/history');
  return JSON.stringify({
    services: current.services.map((s) => ({
      name: s.name,
      desired: s.replicas.desired,
      versions: s.versions.map((v) => [v.version, v.desired, v.weight]),
    })),
    history: history.body,
  });
}

function environOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(
    entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}

async function replicaPid(service: string): Promise<number> {
  const pid = (await status()).services.find((s) => s.name === service)?.replicas.items[0]?.pid;
  assert.ok(pid, `no running ${service} replica`);
  return pid;
}

/** Runs a command as `nobody` (another, unprivileged uid); undefined when this machine cannot. */
function asNobody(command: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('runuser', ['-u', 'nobody', '--', ...command], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function otherUserUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: cannot run a command as another uid';
  if (spawnSync('runuser', ['--version']).status !== 0) return 'runuser is not installed';
  if (spawnSync('id', ['-u', 'nobody']).status !== 0) return 'there is no user nobody';
  for (const tool of ['psql', 'redis-cli'])
    if (spawnSync('which', [tool]).status !== 0)
      return `${tool} is not installed (postgresql-client, redis-tools)`;
  return undefined;
}

describe('local platform security (issue 16)', { timeout: 300_000 }, () => {
  before(async () => {
    // As root, postgres runs as its own user and must pass through the test's folder.
    chmodSync(dir, 0o711);
    // An older gantry's leftovers, to be upgraded in place: a world-readable log and folder.
    mkdirSync(join(state, 'logs', 'api'), { recursive: true, mode: 0o755 });
    chmodSync(join(state, 'logs'), 0o755);
    writeFileSync(join(state, 'daemon.log'), 'from an older gantry\n', { mode: 0o644 });
    process.env.PAYMENT_API_KEY = PAYMENT_API_KEY;
    const run = await gantry(['up', ...base, '--detach', '--ephemeral-ports']);
    delete process.env.PAYMENT_API_KEY;
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    loginLink = /^dashboard: (\S+)$/m.exec(run.stdout)?.[1] ?? '';
    assert.ok(loginLink, run.stdout);
    url = new URL(loginLink).origin;
    const current = await status();
    assert.deepEqual(
      current.backing.map((b) => [b.name, b.state]),
      [
        ['db', 'running'],
        ['cache', 'running'],
      ],
      JSON.stringify(current.backing),
    );
  });

  after(async () => {
    await gantry(['down', ...base]);
    for (const pid of seenPids) if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  describe('1. cross-site requests with a dashboard session', () => {
    let browser: Browser | undefined;
    let attacker: Server | undefined;
    after(async () => {
      await browser?.close();
      attacker?.close();
    });

    it('a page on another 127.0.0.1 port cannot act with the session cookie (fetch, form); the page itself can', async () => {
      const deploy = JSON.stringify({ version: '6.6.6', run: `sh -c "id > ${proof}; exec node ${SERVER}"` });
      const target = `${url}/v1/services/api/releases`;
      // The attacker: what the app on :8000 (or any local page) could serve.
      const page = `<!doctype html><meta charset="utf-8"><title>attacker</title>
<form id="form" method="POST" action="${target}" enctype="text/plain"><input name='${deploy.slice(0, -1)},"x":"' value='"}'></form>
<script>
window.results = {};
(async () => {
  const body = ${JSON.stringify(deploy)};
  try { await fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body }); window.results.noCors = 'sent'; } catch (e) { window.results.noCors = String(e); }
  try { const r = await fetch(${JSON.stringify(target)}, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body }); window.results.cors = r.status; } catch (e) { window.results.cors = 'blocked'; }
  try { const r = await fetch(${JSON.stringify(`${url}/v1/session`)}, { credentials: 'include' }); window.results.csrf = await r.text(); } catch (e) { window.results.csrf = 'blocked'; }
  window.done = true;
})();
</script>`;
      attacker = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(page);
      });
      await new Promise<void>((resolve) => attacker!.listen(0, '127.0.0.1', resolve));
      const attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;

      browser = await launchBrowser();
      const { page: tab } = await openPage(browser);
      await tab.goto(loginLink); // the session cookie, as a logged-in user has it
      assert.match(tab.url(), /\/dashboard\/$/);
      const before = await fingerprint();

      // The no-cors fetch reaches the daemon with the cookie (same site) and is refused there.
      const refused = tab.waitForResponse((r) => r.url() === target && r.request().method() === 'POST');
      await tab.goto(attackerUrl);
      // 403, not 401: the daemon saw a valid session (the cookie was sent) and refused the origin.
      const response = await refused;
      assert.equal(response.status(), 403);
      await tab.waitForFunction(() => (window as unknown as { done?: boolean }).done === true, undefined, {
        timeout: 10_000,
      });
      const results = (await tab.evaluate(
        () => (window as unknown as { results: unknown }).results,
      )) as Record<string, unknown>;
      assert.equal(results.noCors, 'sent');
      assert.equal(results.cors, 'blocked', 'a JSON fetch needs a preflight the daemon never grants');
      assert.equal(results.csrf, 'blocked', 'the CSRF token is not readable from another origin');

      // The form POST navigates to the daemon with the cookie: refused for its origin, not for want of a session.
      await Promise.all([
        tab.waitForURL(target),
        tab.evaluate(() => (document.getElementById('form') as HTMLFormElement).submit()),
      ]);
      const answer = JSON.parse((await tab.locator('body').textContent()) ?? '{}') as { error?: string };
      assert.match(
        answer.error ?? '',
        /^cross-origin request refused: Origin http:\/\/127\.0\.0\.1:\d+ is not this daemon/,
      );

      assert.equal(await fingerprint(), before, 'no release, nothing scaled');
      assert.equal(existsSync(proof), false, 'the command never ran');

      // The dashboard page itself, with its CSRF token: an action works, but not one that runs a command.
      await tab.goto(`${url}/dashboard/`);
      // (a script string: functions passed to evaluate would carry tsx's helpers into the page)
      const post = (path: string, payload: string) =>
        tab.evaluate(`(async () => {
          const { csrfToken, header } = await (await fetch('/v1/session')).json();
          const r = await fetch(${JSON.stringify(path)}, {
            method: 'POST',
            headers: { 'content-type': 'application/json', [header]: csrfToken },
            body: ${JSON.stringify(payload)},
          });
          return [r.status, (await r.json()).error ?? ''];
        })()`) as Promise<[number, string]>;
      const own = {
        run: await post('/v1/services/api/releases', deploy),
        env: await post(
          '/v1/services/api/releases',
          JSON.stringify({ version: '6.6.6', env: { NODE_OPTIONS: '--require /tmp/x.js' } }),
        ),
        scale: await post('/v1/services/worker/scale', JSON.stringify({ replicas: 1 })),
      };
      assert.equal(own.run[0], 403);
      assert.match(
        own.run[1],
        /^run changes what runs on this machine: only the API token \(gantry deploy\) may set it/,
      );
      assert.equal(own.env[0], 403);
      assert.match(own.env[1], /^env changes what runs/);
      assert.deepEqual(own.scale, [200, ''], 'the page with its session and token may act');
      assert.equal(await fingerprint(), before);
      assert.equal(existsSync(proof), false);
    });
  });

  describe('2. backing services and other local users', () => {
    it('another uid is refused without credentials and served through the injected URLs', async (t) => {
      const unavailable = otherUserUnavailable();
      if (unavailable) {
        console.log(`SKIPPED: connecting as another uid is impossible here: ${unavailable}`);
        return t.skip(unavailable);
      }
      const current = await status();
      const db = current.backing.find((b) => b.name === 'db')!;
      const cache = current.backing.find((b) => b.name === 'cache')!;
      const dbPort = new URL(db.url!).port;
      const cachePort = new URL(cache.url!).port;
      const apiEnv = environOf(await replicaPid('api'));

      // Without credentials: refused, and the attempted writes did not happen.
      const psql = asNobody([
        'psql',
        '-X',
        '-w',
        '-h',
        '127.0.0.1',
        '-p',
        dbPort,
        '-U',
        'gantry',
        '-d',
        'sectest',
        '-c',
        'CREATE TABLE pwned (x int)',
      ]);
      assert.notEqual(psql.status, 0);
      assert.match(psql.stderr, /password/);
      const redis = asNobody(['redis-cli', '-h', '127.0.0.1', '-p', cachePort, 'SET', 'pwned', '1']);
      assert.match(redis.stdout + redis.stderr, /NOAUTH/);
      // Nor can nobody read the credentials, or anything else in the state directory.
      for (const secret of [
        'backing/db/credentials',
        'backing/cache/credentials',
        'backing/cache/redis.conf',
        'token',
      ])
        assert.notEqual(asNobody(['cat', join(state, secret)]).status, 0, secret);

      // Through the URLs the service got: it works (for nobody too: the URL is the credential).
      const through = asNobody([
        'psql',
        '-X',
        '-w',
        apiEnv.DATABASE_URL!,
        '-At',
        '-c',
        "SELECT current_user, to_regclass('pwned') IS NULL",
      ]);
      assert.equal(through.status, 0, through.stderr);
      assert.equal(through.stdout.trim(), 'gantry|t', 'connected as gantry; the table was never created');
      const ping = asNobody(['redis-cli', '-u', apiEnv.REDIS_URL!, '--no-auth-warning', 'EXISTS', 'pwned']);
      assert.equal(ping.stdout.trim(), '0', ping.stdout + ping.stderr);
      assert.match(apiEnv.DATABASE_URL!, /^postgres:\/\/gantry:[A-Za-z0-9_-]{43}@127\.0\.0\.1:\d+\/sectest$/);
      assert.match(apiEnv.REDIS_URL!, /^redis:\/\/default:[A-Za-z0-9_-]{43}@127\.0\.0\.1:\d+$/);
    });
  });

  describe('3. secrets reach only the services that declare them', () => {
    it("a replica's environment holds exactly what its service declares; MissingSecret names only what is missing", async () => {
      const worker = environOf(await replicaPid('worker'));
      const apiEnv = environOf(await replicaPid('api'));
      const basics = PROCESS_BASICS.filter((name) => process.env[name] !== undefined);
      const gantryOwn = ['PORT', 'HOST', 'APP_VERSION', 'GANTRY_APP', 'GANTRY_SERVICE', 'GANTRY_REPLICA'];
      // PWD is the shell's own (the replica is started through /bin/sh).
      assert.deepEqual(
        Object.keys(worker).sort(),
        [...basics, 'PWD', 'LOG_LEVEL', 'DATABASE_URL', 'DB_URL', ...gantryOwn].sort(),
      );
      assert.equal(worker.PAYMENT_API_KEY, undefined);
      assert.deepEqual(
        Object.keys(apiEnv).sort(),
        [
          ...basics,
          'PWD',
          'LOG_LEVEL',
          'DATABASE_URL',
          'DB_URL',
          'REDIS_URL',
          'CACHE_URL',
          'PAYMENT_API_KEY',
          ...gantryOwn,
        ].sort(),
      );
      assert.equal(apiEnv.PAYMENT_API_KEY, PAYMENT_API_KEY);

      const events = (await api<EventRecord[]>('/v1/events?limit=1000')).body;
      const missing = events
        .filter((e) => e.reason === 'MissingSecret')
        .map((e) => `${e.service}: ${e.message}`);
      assert.equal(missing.length, 1, missing.join('\n'));
      assert.match(
        missing[0]!,
        /^api: secret SMTP_PASSWORD not set/,
        'an exported secret is not reported missing',
      );

      // No secret value in what is stored or shown: SQLite, events, status, logs.
      const password = (name: string) =>
        JSON.parse(readFileSync(join(state, 'backing', name, 'credentials'), 'utf8')).password as string;
      const stored = [
        ...[
          'state.db',
          'state.db-wal',
          'daemon.log',
          'backing/db/instance.json',
          'backing/cache/instance.json',
        ]
          .filter((f) => existsSync(join(state, f)))
          .map((f) => readFileSync(join(state, f), 'latin1')),
        JSON.stringify(await status()),
        JSON.stringify(events),
        ...readdirSync(join(state, 'logs', 'api')).map((f) =>
          readFileSync(join(state, 'logs', 'api', f), 'utf8'),
        ),
      ].join('\n');
      for (const secret of [PAYMENT_API_KEY, password('db'), password('cache')])
        assert.equal(stored.includes(secret), false);
    });
  });

  describe('4. state files are private', () => {
    it('every file under .gantry/ is 0600 and every directory 0700, but the way to pgdata (0711); old ones were upgraded', () => {
      const uid = process.getuid?.() ?? 0;
      const wrong: string[] = [];
      const walk = (path: string): void => {
        const s = lstatSync(path);
        if (s.uid !== uid) {
          // Only postgres' data folder belongs to someone else (as root, postgres runs as its own user).
          if (!path.endsWith(join('backing', 'db', 'pgdata')) || (s.mode & 0o777) !== 0o700)
            wrong.push(`${path} uid ${s.uid}`);
          return;
        }
        const mode = s.mode & 0o777;
        if (s.isDirectory()) {
          const way =
            [state, join(state, 'backing'), join(state, 'backing', 'db')].includes(path) && uid === 0;
          if (mode !== (way ? 0o711 : 0o700)) wrong.push(`${path} ${mode.toString(8)}`);
          for (const entry of readdirSync(path)) walk(join(path, entry));
        } else if (mode !== 0o600) wrong.push(`${path} ${mode.toString(8)}`);
      };
      walk(state);
      assert.deepEqual(wrong, []);
      assert.match(
        readFileSync(join(state, 'daemon.log'), 'utf8'),
        /^from an older gantry/,
        'upgraded in place, kept',
      );
      if (!otherUserUnavailable()) {
        const listing = asNobody(['ls', state]);
        assert.notEqual(listing.status, 0, 'another user cannot list the state directory');
        assert.notEqual(asNobody(['cat', join(state, 'daemon.log')]).status, 0);
      }
    });
  });

  describe('5. bad input on the API', () => {
    function raw(path: string, host: string): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        const { port } = new URL(url);
        const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    }

    it('a bad query or path is a 400 naming the parameter; a Host that only starts like loopback is refused', async () => {
      const before = await fingerprint();
      assert.deepEqual(await api('/v1/events?limit=abc'), {
        status: 400,
        body: {
          error: 'query parameter limit must be a whole number from 1 to 10000, not "abc"',
          parameter: 'limit',
        },
      });
      const auth = { authorization: `Bearer ${token()}`, 'content-type': 'application/json' };
      const malformed = await api('/v1/services/%E0%A4%A/scale', {
        method: 'POST',
        headers: auth,
        body: '{"replicas":3}',
      });
      assert.deepEqual(malformed, {
        status: 400,
        body: {
          error: 'path parameter service is not valid percent-encoding: "%E0%A4%A"',
          parameter: 'service',
        },
      });
      const badCount = await api('/v1/services/api/scale', {
        method: 'POST',
        headers: auth,
        body: '{"replicas":"x"}',
      });
      assert.deepEqual(badCount, {
        status: 400,
        body: { error: 'replicas must be a whole number from 0 to 100', parameter: 'replicas' },
      });
      const rebound = await raw('/v1/status', '[::1].evil.example');
      assert.equal(rebound.status, 401);
      assert.match(rebound.body, /Host \[::1\]\.evil\.example is not this machine's loopback name/);
      assert.equal((await raw('/v1/status', `[::1]:${new URL(url).port}`)).status, 200);
      assert.equal(await fingerprint(), before);
    });
  });

  describe('7. the spec: Kubernetes ranges and YAML tags at validate time', () => {
    it('validate and render refuse the same spec at the same line, and render writes nothing', async () => {
      for (const [text, where] of [
        [
          SPEC.replace('port: 8000', 'port: 8000\n    replicas: 9007199254740991'),
          /gantry\.yaml:7:5 .*services\.api\.replicas: must be at most 2147483647, got 9007199254740991/,
        ],
        [
          SPEC.replace('app: sectest', 'app: !!int "abc"'),
          /gantry\.yaml:1:1 .*app: the YAML tag `!!int` would make "abc" a number/,
        ],
      ] as const) {
        const spec = specDir(text);
        const out = join(spec.dir, 'k8s');
        const validate = await gantry(['validate', '-f', spec.file]);
        const render = await gantry(['render', '-f', spec.file, '-o', out]);
        assert.equal(validate.code, 1, validate.stdout + validate.stderr);
        assert.equal(render.code, 1, render.stdout + render.stderr);
        assert.match(validate.stdout + validate.stderr, where);
        assert.match(render.stdout + render.stderr, where);
        assert.doesNotMatch(render.stdout + render.stderr, /bug in Gantry|\n\s+at /);
        assert.equal(existsSync(out), false, 'nothing rendered');
        rmSync(spec.dir, { recursive: true, force: true });
      }
    });
  });

  describe('6. the CLI', () => {
    /** Runs gantry with a stdout whose reader is gone before it writes (as after `| head -1`). */
    function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
      return new Promise((resolve) => {
        const child = spawn(process.execPath, [GANTRY, ...args], {
          cwd: ROOT,
          env: { ...process.env, NO_COLOR: '1' },
        });
        child.stdout.destroy();
        let stderr = '';
        child.stderr.on('data', (chunk) => {
          stderr += chunk;
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stderr });
        });
      });
    }

    it('a name that is a path is refused before it touches one', async () => {
      writeFileSync(join(state, 'planted-1.log'), 'OUTSIDE THE LOG FOLDER\n', { mode: 0o600 });
      try {
        for (const args of [['..'], ['../logs/api'], ['api', '--replica', '../1']]) {
          const run = await gantry(['logs', ...args, '--file', file]);
          assert.equal(run.code, 2, run.stdout + run.stderr);
          assert.match(run.stderr, /is not a service name|--replica takes the replica's number/);
          assert.doesNotMatch(run.stdout, /OUTSIDE THE LOG FOLDER/);
        }
      } finally {
        rmSync(join(state, 'planted-1.log'));
      }
    });

    it('a closed stdout ends every printing command quietly with exit 0 — up in the foreground stops the app', async () => {
      const commands = [
        ['render', ...base],
        ['validate', ...base],
        ['lint', '--spec', ...base],
        ['status', ...base, '--replicas'],
        ['history', 'api', ...base],
        ['logs', 'api', '--file', file],
        ['schema'],
        ['up', ...base, '--detach', '--ephemeral-ports'],
        ['--help'],
      ];
      // (stderr still carries what a command warns about: render's note on the Secrets to create)
      const quiet = (run: { code: number | null; stderr: string }, what: string) => {
        assert.equal(run.code, 0, `${what}: ${run.stderr}`);
        assert.doesNotMatch(run.stderr, /EPIPE|unexpected error|\n\s+at /, what);
      };
      for (const args of commands) quiet(await withClosedStdout(args), `gantry ${args.join(' ')}`);
      assert.ok((await status()).services.length > 0, 'the app still runs');
      // Last: up in the foreground, with its reader gone, stops the app as Ctrl-C does.
      const daemon = JSON.parse(readFileSync(join(state, 'daemon.json'), 'utf8')) as { pid: number };
      quiet(await withClosedStdout(['up', ...base, '--ephemeral-ports']), 'gantry up');
      assert.equal(isAlive(daemon.pid), false, 'the daemon was stopped');
    });
  });
});
