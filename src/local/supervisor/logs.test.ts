import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { rotateIfNeeded } from './logs.ts';

const dir = mkdtempSync(join(tmpdir(), 'gantry-logs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('rotateIfNeeded: below the limit nothing happens; a missing file is fine', async () => {
  const file = join(dir, 'small.log');
  writeFileSync(file, 'abc');
  assert.equal(await rotateIfNeeded(file, 10), false);
  assert.equal(existsSync(`${file}.1`), false);
  assert.equal(await rotateIfNeeded(join(dir, 'missing.log'), 10), false);
});

test('rotateIfNeeded: shifts .1 → .2 → .3, keeps 3, truncates the live file in place', async () => {
  const file = join(dir, 'app.log');
  for (const generation of ['one', 'two', 'three', 'four', 'five']) {
    writeFileSync(file, `${generation}\n`.repeat(5));
    assert.equal(await rotateIfNeeded(file, 10), true);
    assert.equal(readFileSync(file, 'utf8'), '');
  }
  assert.equal(readFileSync(`${file}.1`, 'utf8'), 'five\n'.repeat(5));
  assert.equal(readFileSync(`${file}.2`, 'utf8'), 'four\n'.repeat(5));
  assert.equal(readFileSync(`${file}.3`, 'utf8'), 'three\n'.repeat(5));
  assert.equal(existsSync(`${file}.4`), false);
  appendFileSync(file, 'after\n');
  assert.equal(readFileSync(file, 'utf8'), 'after\n');
});
