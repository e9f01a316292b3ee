import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findPostgres, majorOf } from './find.ts';
import { backingEnv, findBacking, urlVariable } from './index.ts';

const work = mkdtempSync(join(tmpdir(), 'gantry-find-'));
after(() => rmSync(work, { recursive: true, force: true }));

function fakeExecutable(file: string, body = 'exit 0'): void {
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

/** A Debian-style root with the given major versions, each with postgres and initdb. */
function debianRoot(name: string, versions: string[]): string {
  const root = join(work, name);
  for (const v of versions) {
    mkdirSync(join(root, v, 'bin'), { recursive: true });
    fakeExecutable(join(root, v, 'bin', 'postgres'), `echo "postgres (PostgreSQL) ${v}.1"`);
    fakeExecutable(join(root, v, 'bin', 'initdb'));
  }
  return root;
}

describe('finding postgres', () => {
  const root = debianRoot('lib', ['13', '16', '9.6']);
  const emptyPath = join(work, 'empty');
  mkdirSync(emptyPath, { recursive: true });

  it('picks the highest Debian version when PATH has none', () => {
    assert.equal(findPostgres({ path: emptyPath, postgresRoot: root })?.major, '16');
    assert.deepEqual(findBacking('postgres', { path: emptyPath, postgresRoot: root }), {
      ok: true,
      binary: join(root, '16', 'bin', 'postgres'),
    });
  });

  it('picks the version the spec asks for when installed, else falls back', () => {
    assert.equal(
      findPostgres({ path: emptyPath, postgresRoot: root, version: '13' })?.binDir,
      join(root, '13', 'bin'),
    );
    assert.equal(findPostgres({ path: emptyPath, postgresRoot: root, version: '13.4' })?.major, '13');
    assert.equal(findPostgres({ path: emptyPath, postgresRoot: root, version: '15' })?.major, '16');
  });

  it('prefers PATH (resolving symlinks to find initdb beside it)', () => {
    const bin = join(work, 'bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(join(root, '13', 'bin', 'postgres'), join(bin, 'postgres'));
    assert.equal(findPostgres({ path: bin, postgresRoot: root })?.major, '13');
  });

  it('asks a postgres outside the Debian layout for its version', () => {
    const custom = join(work, 'custom');
    mkdirSync(custom, { recursive: true });
    fakeExecutable(join(custom, 'postgres'), 'echo "postgres (PostgreSQL) 17.2"');
    fakeExecutable(join(custom, 'initdb'));
    assert.equal(findPostgres({ path: custom, postgresRoot: join(work, 'none') })?.major, '17');
  });

  it('ignores a postgres without initdb', () => {
    const lonely = join(work, 'lonely');
    mkdirSync(lonely, { recursive: true });
    fakeExecutable(join(lonely, 'postgres'), 'echo "postgres (PostgreSQL) 17.2"');
    assert.equal(findBacking('postgres', { path: lonely, postgresRoot: join(work, 'none') }).ok, false);
  });

  it('reads major versions the way PostgreSQL numbers them', () => {
    assert.equal(majorOf('15'), '15');
    assert.equal(majorOf('15.4'), '15');
    assert.equal(majorOf('9.6.24'), '9.6');
  });
});

describe('connection variables', () => {
  it('injects DATABASE_URL / REDIS_URL and <NAME>_URL', () => {
    assert.equal(urlVariable('db'), 'DB_URL');
    assert.equal(urlVariable('session-cache'), 'SESSION_CACHE_URL');
    assert.deepEqual(backingEnv('postgres', 'db', 'postgres://x'), {
      DATABASE_URL: 'postgres://x',
      DB_URL: 'postgres://x',
    });
    assert.deepEqual(backingEnv('redis', 'cache', 'redis://x'), {
      REDIS_URL: 'redis://x',
      CACHE_URL: 'redis://x',
    });
  });
});
