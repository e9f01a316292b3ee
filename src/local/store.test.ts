import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { type ReplicaRecord, Store } from './store.ts';

const dir = mkdtempSync(join(tmpdir(), 'gantry-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const OLD_SCHEMA = readFileSync(
  new URL('../../test/fixtures/state-layout-1/schema.sql', import.meta.url),
  'utf8',
);

const record: ReplicaRecord = {
  id: 'api-1',
  service: 'api',
  version: 'v1',
  index: 1,
  port: 41000,
  generation: 0,
  pid: 1234,
  startTime: 99,
  restarts: 2,
  probe: { started: true, readinessOk: true, readySince: 1_700_000_000_000 },
};

test('replicas keep their probe snapshot', () => {
  const store = new Store(join(dir, 'new.db'));
  store.saveReplica(record);
  assert.deepEqual(store.replicas(), [record]);
  store.saveReplica({ ...record, probe: { started: true, readinessOk: false, readySince: null } });
  assert.deepEqual(store.replicas()[0]!.probe, { started: true, readinessOk: false, readySince: null });
  store.close();
});

test('a database from before probe snapshots is migrated in place: its replicas read with probe null', () => {
  const file = join(dir, 'old.db');
  const old = new Database(file);
  old.exec(OLD_SCHEMA);
  old
    .prepare(
      "insert into replicas (id, service, version, idx, port, generation, pid, start_time, restarts) values ('api-1', 'api', 'v1', 1, 41000, 0, 1234, 99, 2)",
    )
    .run();
  old.close();
  const store = new Store(file);
  assert.deepEqual(store.replicas(), [{ ...record, probe: null }]);
  store.saveReplica(record);
  assert.deepEqual(store.replicas(), [record]);
  store.close();
  assert.deepEqual(new Store(file).replicas(), [record], 'opening it again migrates nothing twice');
});
