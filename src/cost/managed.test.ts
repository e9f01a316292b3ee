import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackingModel } from '../spec/model.ts';
import { shippedPrices } from './fixtures.test-support.ts';
import { managedCost } from './managed.ts';
import { priceTable } from './prices.ts';
import { sizingFor } from './sizing.ts';

const Gi = 1024 ** 3;
const backing = (b: Partial<BackingModel> & Pick<BackingModel, 'kind'>): BackingModel => ({
  name: 'db',
  mode: 'managed',
  replicas: 1,
  ha: false,
  ...b,
});
const figures = (lines: { id: string; monthly: number | null }[]) =>
  Object.fromEntries(lines.map((l) => [l.id, l.monthly === null ? null : Math.round(l.monthly * 1e6) / 1e6]));

describe('managed backing services', () => {
  const table = shippedPrices();

  it('RDS Single-AZ: class hour × 730 + storage GB × gp3 single-AZ', () => {
    // db.m5.large 0.178 × 730 = 129.94; 50 GB × 0.115 = 5.75
    const { lines } = managedCost(
      [backing({ kind: 'postgres', storage: 50 * Gi })],
      table,
      'aws',
      sizingFor('production'),
    );
    assert.deepEqual(figures(lines), { 'rds-instance:db': 129.94, 'rds-storage:db': 5.75 });
  });

  it('RDS Multi-AZ doubles instance and storage', () => {
    // db.m5.large Multi-AZ 0.356 × 730 = 259.88 (= 2 × 129.94); 50 GB × 0.23 = 11.50 (= 2 × 5.75)
    const { lines } = managedCost(
      [backing({ kind: 'postgres', storage: 50 * Gi, ha: true })],
      table,
      'aws',
      sizingFor('production'),
    );
    assert.deepEqual(figures(lines), { 'rds-instance:db': 259.88, 'rds-storage:db': 11.5 });
    assert.equal(lines[0]!.price.key, 'aws.rds_postgresql.db.m5.large_multi_az');
  });

  it('a class without a Multi-AZ row is priced at 2 × its single-AZ row, and says so', () => {
    // Only single-AZ exists for db.t3.large in a user table: 2 × 0.145 × 730 = 211.70
    const mine = priceTable(
      {
        _meta: { currency: 'USD', hours_per_month: 730 },
        aws: {
          rds_postgresql: {
            'db.t3.large_single_az': { unit: 'hour', usd: 0.145, source: 'S1' },
            storage_gp3_multi_az: { unit: 'GB-month', usd: 0.23, source: 'S1' },
          },
        },
      },
      'mine.json',
    );
    const sizing = { ...sizingFor('production'), rds: 'db.t3.large' };
    const { lines } = managedCost([backing({ kind: 'postgres', ha: true })], mine, 'aws', sizing);
    assert.equal(lines[0]!.monthly!.toFixed(2), '211.70');
    assert.equal(lines[0]!.price.key, '2 × aws.rds_postgresql.db.t3.large_single_az');
    // No storage in the spec: RDS's 20 GB gp3 minimum × 0.23 = 4.60
    assert.equal(lines[1]!.monthly!.toFixed(2), '4.60');
  });

  it('ElastiCache: nodes × node-hour; ha means at least a primary and a replica', () => {
    // cache.t3.medium 0.068 × 730 = 49.64 a node; replicas 3 → 148.92; ha with 1 replica → 2 nodes = 99.28
    const three = managedCost(
      [backing({ name: 'cache', kind: 'redis', replicas: 3 })],
      table,
      'aws',
      sizingFor('production'),
    );
    assert.deepEqual(figures(three.lines), { 'elasticache:cache': 148.92 });
    const ha = managedCost(
      [backing({ name: 'cache', kind: 'redis', ha: true })],
      table,
      'aws',
      sizingFor('production'),
    );
    assert.equal(ha.lines[0]!.quantity, 2);
    assert.equal(ha.lines[0]!.monthly!.toFixed(2), '99.28');
  });

  it('MSK: brokers in a multiple of the zones + storage per broker', () => {
    // production: 3 zones, replicas 2 → 3 brokers × 0.21 × 730 = 459.90; 3 × 200 GB × 0.10 = 60.00
    const { lines } = managedCost(
      [backing({ name: 'events', kind: 'kafka', replicas: 2, storage: 200 * Gi })],
      table,
      'aws',
      sizingFor('production'),
    );
    assert.deepEqual(figures(lines), { 'msk-brokers:events': 459.9, 'msk-storage:events': 60 });
  });

  it('in-cluster backing is not a managed line; Azure has no managed rows and says so', () => {
    assert.deepEqual(
      managedCost([backing({ kind: 'postgres', mode: 'in-cluster' })], table, 'aws', sizingFor('staging'))
        .lines,
      [],
    );
    const azure = managedCost([backing({ kind: 'postgres' })], table, 'azure', sizingFor('staging'));
    assert.deepEqual(azure.notCovered, [
      'backing db (postgres, managed): no azure rows for it in the price table',
    ]);
  });
});
