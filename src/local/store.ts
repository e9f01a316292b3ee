/**
 * The daemon's durable state in SQLite: desired replicas and weights per version,
 * revisions (every version deployed, with its service spec), replica records (pid and
 * start time, to re-adopt live processes after a crash) and events.
 * Secret values are never stored: revisions hold the spec, which names secrets only.
 */
import { chmodSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { ProbeSnapshot } from './supervisor/probe-state.ts';

export interface DesiredVersion {
  service: string;
  version: string;
  replicas: number;
  weight: number;
  generation: number;
}

export interface ReplicaRecord {
  id: string;
  service: string;
  version: string;
  index: number;
  port: number;
  generation: number;
  pid: number | null;
  startTime: number | null;
  restarts: number;
  /** What its probes last said; null when unknown (a state directory from before it was kept). */
  probe: ProbeSnapshot | null;
}

export interface EventRecord {
  id: number;
  at: number;
  service: string;
  replica: string | null;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

const SCHEMA = `
create table if not exists revisions (
  service text not null, version text not null, spec text not null, created_at integer not null,
  primary key (service, version));
create table if not exists desired (
  service text not null, version text not null, replicas integer not null, weight real not null,
  generation integer not null default 0, primary key (service, version));
create table if not exists replicas (
  id text primary key, service text not null, version text not null, idx integer not null, port integer not null,
  generation integer not null, pid integer, start_time integer, restarts integer not null default 0,
  probe text);
create table if not exists events (
  id integer primary key autoincrement, at integer not null, service text not null, replica text,
  type text not null, reason text not null, message text not null);
create index if not exists events_by_service on events (service, id);
create table if not exists meta (key text primary key, value text not null);
create table if not exists releases (
  id integer primary key autoincrement, service text not null, status text not null, state text not null);
create index if not exists releases_by_service on releases (service, id);
`;

/** Keep the newest events only, so a long-running daemon's database stays small. */
const MAX_EVENTS = 5000;

export class Store {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    chmodSync(file, 0o600);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.migrate();
  }

  /** Brings a database an older gantry wrote up to this schema (columns added, nothing dropped). */
  private migrate(): void {
    const columns = this.db.prepare('pragma table_info(replicas)').all() as { name: string }[];
    if (!columns.some((column) => column.name === 'probe'))
      this.db.exec('alter table replicas add column probe text');
  }

  close(): void {
    this.db.close();
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  meta<T>(key: string): T | undefined {
    const row = this.db.prepare('select value from meta where key = ?').get(key) as
      | { value: string }
      | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  setMeta(key: string, value: unknown): void {
    if (value === undefined) this.db.prepare('delete from meta where key = ?').run(key);
    else
      this.db
        .prepare(
          'insert into meta (key, value) values (?, ?) on conflict do update set value = excluded.value',
        )
        .run(key, JSON.stringify(value));
  }

  /** A clean `down`: nothing to adopt or restore next time. */
  clearRuntime(): void {
    this.db.exec('delete from desired; delete from replicas;');
  }

  /** Inserts a release and returns its id (the revision number). */
  createRelease(service: string, build: (id: number) => { status: string }): number {
    return this.transaction(() => {
      const { lastInsertRowid } = this.db
        .prepare("insert into releases (service, status, state) values (?, 'new', '{}')")
        .run(service);
      const id = Number(lastInsertRowid);
      const state = build(id);
      this.db
        .prepare('update releases set status = ?, state = ? where id = ?')
        .run(state.status, JSON.stringify(state), id);
      return id;
    });
  }

  saveRelease(state: { id: number; status: string }): void {
    this.db
      .prepare('update releases set status = ?, state = ? where id = ?')
      .run(state.status, JSON.stringify(state), state.id);
  }

  releases<T>(service?: string): T[] {
    const rows = (
      service === undefined
        ? this.db.prepare('select state from releases order by id').all()
        : this.db.prepare('select state from releases where service = ? order by id').all(service)
    ) as { state: string }[];
    return rows.map((row) => JSON.parse(row.state) as T);
  }

  saveRevision(service: string, version: string, spec: unknown, now: number): void {
    this.db
      .prepare(
        'insert into revisions (service, version, spec, created_at) values (?, ?, ?, ?) on conflict do update set spec = excluded.spec',
      )
      .run(service, version, JSON.stringify(spec), now);
  }

  revision<T>(service: string, version: string): T | undefined {
    const row = this.db
      .prepare('select spec from revisions where service = ? and version = ?')
      .get(service, version) as { spec: string } | undefined;
    return row ? (JSON.parse(row.spec) as T) : undefined;
  }

  desired(service?: string): DesiredVersion[] {
    const sql = 'select service, version, replicas, weight, generation from desired';
    return (
      service === undefined
        ? this.db.prepare(`${sql} order by service, version`).all()
        : this.db.prepare(`${sql} where service = ? order by version`).all(service)
    ) as DesiredVersion[];
  }

  setDesired(entry: DesiredVersion): void {
    this.db
      .prepare(
        `insert into desired (service, version, replicas, weight, generation) values (@service, @version, @replicas, @weight, @generation)
         on conflict do update set replicas = excluded.replicas, weight = excluded.weight, generation = excluded.generation`,
      )
      .run(entry);
  }

  removeDesired(service: string, version: string): void {
    this.db.prepare('delete from desired where service = ? and version = ?').run(service, version);
  }

  replicas(): ReplicaRecord[] {
    const rows = this.db
      .prepare(
        'select id, service, version, idx as "index", port, generation, pid, start_time as startTime, restarts, probe from replicas order by service, idx',
      )
      .all() as (Omit<ReplicaRecord, 'probe'> & { probe: string | null })[];
    return rows.map((row) => ({
      ...row,
      probe: row.probe === null ? null : (JSON.parse(row.probe) as ProbeSnapshot),
    }));
  }

  saveReplica(record: ReplicaRecord): void {
    this.db
      .prepare(
        `insert into replicas (id, service, version, idx, port, generation, pid, start_time, restarts, probe)
         values (@id, @service, @version, @index, @port, @generation, @pid, @startTime, @restarts, @probe)
         on conflict do update set pid = excluded.pid, start_time = excluded.start_time, restarts = excluded.restarts,
           probe = excluded.probe`,
      )
      .run({ ...record, probe: record.probe === null ? null : JSON.stringify(record.probe) });
  }

  removeReplica(id: string): void {
    this.db.prepare('delete from replicas where id = ?').run(id);
  }

  addEvent(event: Omit<EventRecord, 'id'>): void {
    const insert = this.db.prepare(
      'insert into events (at, service, replica, type, reason, message) values (@at, @service, @replica, @type, @reason, @message)',
    );
    const { lastInsertRowid } = insert.run(event);
    if (Number(lastInsertRowid) % 500 === 0)
      this.db.prepare('delete from events where id <= ?').run(Number(lastInsertRowid) - MAX_EVENTS);
  }

  events(options: { service?: string; limit?: number } = {}): EventRecord[] {
    const limit = options.limit ?? 100;
    const rows =
      options.service === undefined
        ? this.db.prepare('select * from events order by id desc limit ?').all(limit)
        : this.db
            .prepare('select * from events where service = ? order by id desc limit ?')
            .all(options.service, limit);
    return rows as EventRecord[];
  }
}
