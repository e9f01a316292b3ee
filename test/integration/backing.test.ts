/**
 * Backing services with the real servers: PostgreSQL and Redis started in a temporary state
 * directory, used for real (psql; raw RESP over a socket), stopped, started again on the same
 * data. When a server is not installed these tests fail with the install hint (CI installs them).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type BackingInstance,
  connectionEnv,
  findBacking,
  isRunning,
  startBacking,
  stopBacking,
} from '../../src/local/backing/index.ts';
import { freePort, isAlive } from '../../src/local/backing/server-process.ts';
import type { BackingModel } from '../../src/spec/model.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const started: BackingInstance[] = [];
const dirs: string[] = [];

after(async () => {
  for (const instance of started) {
    try {
      await stopBacking(instance);
    } catch {
      try {
        process.kill(-instance.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh state dir, searchable by others: under root, postgres runs as an unprivileged user. */
function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-backing-'));
  chmodSync(dir, 0o755);
  dirs.push(dir);
  return dir;
}

function model(name: string, kind: BackingModel['kind'], extra: Partial<BackingModel> = {}): BackingModel {
  return { name, kind, mode: 'in-cluster', replicas: 1, ha: false, ...extra };
}

async function start(m: BackingModel, options: Parameters<typeof startBacking>[1]): Promise<BackingInstance> {
  const instance = await startBacking(m, options);
  started.push(instance);
  return instance;
}

function requireInstalled(kind: 'postgres' | 'redis'): string {
  const found = findBacking(kind);
  assert.ok(found.ok, found.ok ? '' : `${found.message}\n  install it: ${found.hint}`);
  return found.binary;
}

function psql(binary: string, url: string, sql: string): string {
  const result = spawnSync(
    join(dirname(binary), 'psql'),
    [url, '-X', '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql],
    {
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  assert.equal(result.status, 0, `psql failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** psql's error output for a connection that must be refused. */
function psqlFails(binary: string, url: string): string {
  const result = spawnSync(join(dirname(binary), 'psql'), [url, '-X', '-w', '-At', '-c', 'SELECT 1'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.notEqual(result.status, 0, `psql connected to ${url}: ${result.stdout}`);
  return result.stderr;
}

function password(instance: BackingInstance): string {
  return JSON.parse(readFileSync(join(instance.dataDir, 'credentials'), 'utf8')).password;
}

/**
 * One command over raw RESP; the reply decoded (simple string, integer, bulk string or null).
 * With 'AUTH', PASSWORD first, that is sent before and its +OK skipped.
 */
function redis(port: number, ...args: string[]): Promise<string | number | null> {
  const auth = args[0] === 'AUTH' && args.length > 2 ? args.slice(0, 2) : undefined;
  const command = auth ? args.slice(2) : args;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = Buffer.alloc(0);
    socket.setTimeout(5000, () => socket.destroy(new Error('redis timed out')));
    socket.once('error', reject);
    const encode = (parts: string[]) =>
      `*${parts.length}\r\n${parts.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
    socket.once('connect', () => socket.write(`${auth ? encode(auth) : ''}${encode(command)}`));
    let skipped = !auth;
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      let end = data.indexOf('\r\n');
      if (!skipped && end >= 0) {
        if (data[0] === 0x2d) return reject(new Error(data.subarray(1, end).toString()));
        data = data.subarray(end + 2);
        skipped = true;
        end = data.indexOf('\r\n');
      }
      if (end < 0) return;
      const head = data.subarray(0, end).toString();
      const rest = data.subarray(end + 2);
      const type = head[0];
      const value = head.slice(1);
      if (type === '+') resolve(value);
      else if (type === ':') resolve(Number(value));
      else if (type === '-') reject(new Error(value));
      else if (type === '$') {
        const length = Number(value);
        if (length < 0) resolve(null);
        else if (rest.length >= length + 2) resolve(rest.subarray(0, length).toString());
        else return;
      } else reject(new Error(`unexpected reply ${head}`));
      socket.end();
    });
  });
}

describe('postgres', { timeout: 120_000 }, () => {
  const state = stateDir();
  const db = model('db', 'postgres', { version: '15' });

  it('starts, takes SQL through psql, stops, and keeps its data across a restart', async () => {
    const binary = requireInstalled('postgres');
    const lines: string[] = [];
    const first = await start(db, { stateDir: state, app: 'shop', log: (l) => lines.push(l) });
    assert.equal(first.kind, 'postgres');
    assert.equal(first.host, '127.0.0.1');
    assert.equal(
      first.url,
      `postgres://gantry@127.0.0.1:${first.port}/shop`,
      'the URL shown has no password',
    );
    const credentials = JSON.parse(readFileSync(join(first.dataDir, 'credentials'), 'utf8'));
    assert.equal(statSync(join(first.dataDir, 'credentials')).mode & 0o777, 0o600);
    const url = `postgres://gantry:${credentials.password}@127.0.0.1:${first.port}/shop`;
    assert.deepEqual(connectionEnv(first), { DATABASE_URL: url, DB_URL: url });
    assert.equal(first.dataDir, join(state, 'backing', 'db'));
    assert.ok(existsSync(join(first.dataDir, 'server.log')));
    assert.ok(existsSync(join(first.dataDir, 'pgdata', 'PG_VERSION')));
    assert.ok(isRunning(first));
    assert.ok(
      lines.some((l) => l.includes('initdb')),
      lines.join('\n'),
    );

    assert.equal(psql(binary, url, 'SELECT current_user, current_database()'), 'gantry|shop');
    assert.match(psqlFails(binary, first.url), /password/, 'without the password postgres refuses');
    assert.match(
      psqlFails(binary, url.replace(credentials.password, 'guess')),
      /password authentication failed/,
    );
    psql(
      binary,
      url,
      "CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders VALUES (1, 'tea')",
    );
    assert.equal(psql(binary, url, 'SELECT item FROM orders WHERE id = 1'), 'tea');

    await stopBacking(first);
    assert.equal(isRunning(first), false);
    // Exited: gone, or a zombie this test process has not reaped yet (kill(pid, 0) still succeeds on those).
    assert.equal(isAlive(first.pid), false);

    const port = await freePort();
    lines.length = 0;
    const second = await start(db, { stateDir: state, app: 'shop', port, log: (l) => lines.push(l) });
    assert.equal(second.port, port);
    assert.ok(!lines.some((l) => l.includes('initdb')), 'initdb runs only once');
    assert.equal(
      psql(binary, connectionEnv(second).DATABASE_URL!, 'SELECT item FROM orders WHERE id = 1'),
      'tea',
      'the same password after a restart',
    );
    assert.match(readFileSync(join(second.dataDir, 'server.log'), 'utf8'), /database system is shut down/);
  });

  it('re-adopts the server when started again while it still runs', async () => {
    requireInstalled('postgres');
    const running = started.find((i) => i.name === 'db' && isRunning(i));
    assert.ok(running, 'the previous test left db running');
    const lines: string[] = [];
    const again = await start(db, { stateDir: state, app: 'shop', log: (l) => lines.push(l) });
    assert.equal(again.pid, running.pid);
    assert.equal(again.port, running.port);
    assert.ok(
      lines.some((l) => l.includes('adopting')),
      lines.join('\n'),
    );
    await stopBacking(again);
    assert.equal(isRunning(running), false);
  });

  it('upgrades a data directory from before passwords in place: trust logins go, the data stays', async () => {
    const binary = requireInstalled('postgres');
    const first = await start(db, { stateDir: state, app: 'shop' });
    // What an older gantry left: trust in pg_hba.conf, no credentials, a running server recorded
    // without passwordRequired.
    const pgdata = join(first.dataDir, 'pgdata');
    const owner = statSync(join(pgdata, 'pg_hba.conf'));
    writeFileSync(join(pgdata, 'pg_hba.conf'), 'host all all 127.0.0.1/32 trust\n');
    chownSync(join(pgdata, 'pg_hba.conf'), owner.uid, owner.gid);
    rmSync(join(first.dataDir, 'credentials'));
    const recorded = JSON.parse(readFileSync(join(first.dataDir, 'instance.json'), 'utf8'));
    delete recorded.passwordRequired;
    writeFileSync(join(first.dataDir, 'instance.json'), JSON.stringify(recorded));

    const lines: string[] = [];
    const upgraded = await start(db, { stateDir: state, app: 'shop', log: (l) => lines.push(l) });
    assert.notEqual(upgraded.pid, first.pid, 'the server without a password was restarted, not adopted');
    assert.ok(
      lines.some((l) => /was not started with the password in credentials; restarting it with one/.test(l)),
      lines.join('\n'),
    );
    assert.match(readFileSync(join(pgdata, 'pg_hba.conf'), 'utf8'), /scram-sha-256/);
    assert.match(psqlFails(binary, upgraded.url), /password/);
    assert.equal(
      psql(binary, connectionEnv(upgraded).DATABASE_URL!, 'SELECT item FROM orders WHERE id = 1'),
      'tea',
    );
    await stopBacking(upgraded);
  });

  it('under root, says which directory the unprivileged server user cannot reach', async (t) => {
    if (process.getuid?.() !== 0) return t.skip('only root runs postgres as another user');
    requireInstalled('postgres');
    const outer = stateDir();
    const closed = join(outer, 'private');
    mkdirSync(closed, { mode: 0o700 });
    chmodSync(closed, 0o700);
    await assert.rejects(
      startBacking(model('db', 'postgres'), { stateDir: join(closed, 'state'), app: 'shop' }),
      (error: Error) => {
        assert.match(error.message, /cannot reach/);
        assert.match(error.message, new RegExp(`${closed} is not searchable`));
        assert.match(error.message, /chmod o\+x/);
        return true;
      },
    );
  });
});

describe('redis', { timeout: 60_000 }, () => {
  const state = stateDir();
  const cache = model('cache', 'redis');

  it('starts, answers SET and GET over RESP, stops, and keeps its data across a restart', async () => {
    requireInstalled('redis');
    const first = await start(cache, { stateDir: state, app: 'shop' });
    assert.equal(first.url, `redis://127.0.0.1:${first.port}`, 'the URL shown has no password');
    const { password } = JSON.parse(readFileSync(join(first.dataDir, 'credentials'), 'utf8'));
    const url = `redis://default:${password}@127.0.0.1:${first.port}`;
    assert.deepEqual(connectionEnv(first), { REDIS_URL: url, CACHE_URL: url });
    assert.ok(existsSync(join(first.dataDir, 'server.log')));
    assert.ok(isRunning(first));
    for (const file of ['credentials', 'redis.conf', 'server.log'])
      assert.equal(statSync(join(first.dataDir, file)).mode & 0o777, 0o600, file);

    await assert.rejects(redis(first.port, 'GET', 'greeting'), /NOAUTH/);
    await assert.rejects(redis(first.port, 'AUTH', 'guess'), /WRONGPASS/);
    assert.equal(await redis(first.port, 'AUTH', password, 'SET', 'greeting', 'hello gantry'), 'OK');
    assert.equal(await redis(first.port, 'AUTH', password, 'GET', 'greeting'), 'hello gantry');
    // Append-only files are written with umask 077.
    const aof = join(first.dataDir, 'data', 'appendonlydir');
    assert.equal(statSync(aof).mode & 0o777, 0o700);
    for (const file of readdirSync(aof)) assert.equal(statSync(join(aof, file)).mode & 0o777, 0o600, file);

    await stopBacking(first);
    assert.equal(isRunning(first), false);
    await assert.rejects(redis(first.port, 'PING'));

    const second = await start(cache, { stateDir: state, app: 'shop' });
    assert.equal(await redis(second.port, 'AUTH', password, 'GET', 'greeting'), 'hello gantry');
    await stopBacking(second);
    assert.equal(isRunning(second), false);
  });

  it('upgrades a redis from before passwords in place: restarted with one, the data stays', async () => {
    requireInstalled('redis');
    const first = await start(cache, { stateDir: state, app: 'shop' });
    const { password } = JSON.parse(readFileSync(join(first.dataDir, 'credentials'), 'utf8'));
    const recorded = JSON.parse(readFileSync(join(first.dataDir, 'instance.json'), 'utf8'));
    delete recorded.passwordRequired;
    writeFileSync(join(first.dataDir, 'instance.json'), JSON.stringify(recorded));
    const upgraded = await start(cache, { stateDir: state, app: 'shop' });
    assert.notEqual(upgraded.pid, first.pid);
    await assert.rejects(redis(upgraded.port, 'GET', 'greeting'), /NOAUTH/);
    assert.equal(await redis(upgraded.port, 'AUTH', password, 'GET', 'greeting'), 'hello gantry');
    await stopBacking(upgraded);
  });
});

describe('a port already in use', { timeout: 60_000 }, () => {
  it('is a clear error quoting the server log, and nothing is left running', async () => {
    requireInstalled('redis');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const state = stateDir();
      await assert.rejects(
        startBacking(model('cache', 'redis'), { stateDir: state, app: 'shop', port }),
        (error: Error) => {
          assert.match(
            error.message,
            /redis-server \(cache\) exited with code 1 before accepting connections/,
          );
          assert.match(error.message, /Address already in use/);
          return true;
        },
      );
      assert.equal(existsSync(join(state, 'backing', 'cache', 'instance.json')), false);
    } finally {
      blocker.close();
    }
  });
});

describe('surviving the daemon', { timeout: 60_000 }, () => {
  it('a server outlives a SIGKILL of the process that started it, and is re-adopted', async () => {
    requireInstalled('redis');
    const state = stateDir();
    const script = join(state, 'daemon.mts');
    writeFileSync(
      script,
      `import { startBacking } from ${JSON.stringify(join(ROOT, 'src/local/backing/index.ts'))};
const instance = await startBacking({ name: 'cache', kind: 'redis', mode: 'in-cluster', replicas: 1, ha: false }, { stateDir: ${JSON.stringify(state)}, app: 'shop' });
console.log(JSON.stringify(instance));
setInterval(() => {}, 1000);
`,
    );
    const daemon = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      daemon.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      daemon.once('exit', (code) =>
        reject(new Error(`the fake daemon exited with ${code} before starting redis`)),
      );
    });
    const instance = JSON.parse(line) as BackingInstance;
    started.push(instance);
    await redis(instance.port, 'AUTH', password(instance), 'SET', 'k', 'v');
    daemon.kill('SIGKILL');
    await new Promise((resolve) => daemon.once('exit', resolve));

    assert.ok(isRunning(instance), 'redis survives the SIGKILL');
    assert.equal(await redis(instance.port, 'AUTH', password(instance), 'GET', 'k'), 'v');
    const adopted = await start(model('cache', 'redis'), { stateDir: state, app: 'shop' });
    assert.equal(adopted.pid, instance.pid);
    await stopBacking(adopted);
    assert.equal(isRunning(instance), false);
  });
});

describe('availability', () => {
  it('kafka is not run locally: a clear message pointing at KAFKA_BROKERS', async () => {
    const found = findBacking('kafka');
    assert.equal(found.ok, false);
    assert.ok(!found.ok);
    assert.match(found.message, /kafka is not run by the local platform/);
    assert.match(found.message, /KAFKA_BROKERS/);
    await assert.rejects(
      startBacking(model('events', 'kafka'), { stateDir: stateDir(), app: 'shop' }),
      /KAFKA_BROKERS/,
    );
  });

  it('a missing postgres or redis names the Debian package to install', async () => {
    const empty = stateDir();
    const search = { path: empty, postgresRoot: join(empty, 'nothing') };
    const postgres = findBacking('postgres', search);
    assert.deepEqual(postgres, {
      ok: false,
      message: `PostgreSQL is not installed: no postgres and initdb on PATH or in ${join(empty, 'nothing')}/*/bin`,
      hint: 'apt-get install -y postgresql',
    });
    const redisFound = findBacking('redis', search);
    assert.deepEqual(redisFound, {
      ok: false,
      message: 'Redis is not installed: no redis-server on PATH',
      hint: 'apt-get install -y redis-server',
    });
    await assert.rejects(
      startBacking(model('db', 'postgres'), { stateDir: empty, app: 'shop', search }),
      /PostgreSQL is not installed[\s\S]*hint: apt-get install -y postgresql/,
    );
    await assert.rejects(
      startBacking(model('cache', 'redis'), { stateDir: empty, app: 'shop', search }),
      /Redis is not installed[\s\S]*hint: apt-get install -y redis-server/,
    );
  });
});
