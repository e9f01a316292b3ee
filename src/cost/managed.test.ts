import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { infraFootprint, type ManagedResource } from '../render/terraform/footprint.ts';
import type { BackingModel } from '../spec/model.ts';
import { modelOf, shippedPrices } from './fixtures.test-support.ts';
import { awsManagedCost, otherManagedCost } from './managed.ts';
import { priceTable } from './prices.ts';

const figures = (lines: { id: string; monthly: number | null }[]) =>
  Object.fromEntries(lines.map((l) => [l.id, l.monthly === null ? null : Math.round(l.monthly * 1e6) / 1e6]));

/** What gantry infra creates for one backing service in an environment of this tier. */
function managed(backing: string, tier: 'development' | 'staging' | 'production'): ManagedResource[] {
  const spec = `app: shop
services: { api: { image: "x:1" } }
backing: { ${backing} }
environments: { here: { tier: ${tier} } }
`;
  return infraFootprint(modelOf(spec, 'here'), 'eks').managed;
}

describe('managed backing services on AWS: what gantry infra creates, at its sizes', () => {
  const table = shippedPrices();

  it('RDS Single-AZ (staging, no ha): class hour × 730 + storage GB × gp3 single-AZ', () => {
    // db.t3.medium 0.072 × 730 = 52.56; 50 GB × 0.115 = 5.75
    const lines = awsManagedCost(
      managed('db: { kind: postgres, mode: managed, storage: 50Gi }', 'staging'),
      table,
    );
    assert.deepEqual(figures(lines), { 'rds-instance:db': 52.56, 'rds-storage:db': 5.75 });
  });

  it('RDS in production is Multi-AZ without ha (as gantry infra sets multi_az), doubling instance and storage', () => {
    // db.m5.large Multi-AZ 0.356 × 730 = 259.88 (= 2 × 129.94); 50 GB × 0.23 = 11.50 (= 2 × 5.75)
    const lines = awsManagedCost(
      managed('db: { kind: postgres, mode: managed, storage: 50Gi }', 'production'),
      table,
    );
    assert.deepEqual(figures(lines), { 'rds-instance:db': 259.88, 'rds-storage:db': 11.5 });
    assert.equal(lines[0]!.price.key, 'aws.rds_postgresql.db.m5.large_multi_az');
    assert.match(lines[0]!.note!, /Multi-AZ \(production\)/);
  });

  it('RDS storage is what gantry infra allocates: whole GB, at least 20 (1Gi → 20 GB)', () => {
    // dev: db.t3.micro 0.018 × 730 = 13.14; 20 GB × 0.115 = 2.30
    const lines = awsManagedCost(
      managed('db: { kind: postgres, mode: managed, storage: 1Gi }', 'development'),
      table,
    );
    assert.deepEqual(figures(lines), { 'rds-instance:db': 13.14, 'rds-storage:db': 2.3 });
    assert.equal(lines[1]!.quantity, 20);
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
    const [db] = managed('db: { kind: postgres, mode: managed, ha: true }', 'production');
    assert.equal(db?.kind, 'rds');
    const large = { ...db, sizes: { ...db.sizes, instance_class: 'db.t3.large' } } as ManagedResource;
    const lines = awsManagedCost([large], mine);
    assert.equal(lines[0]!.monthly!.toFixed(2), '211.70');
    assert.equal(lines[0]!.price.key, '2 × aws.rds_postgresql.db.t3.large_single_az');
    // No storage in the spec: RDS's 20 GB gp3 minimum × 0.23 = 4.60
    assert.equal(lines[1]!.monthly!.toFixed(2), '4.60');
  });

  it('ElastiCache: nodes × node-hour; a primary and a replica at least in production (or with ha)', () => {
    // cache.t3.medium 0.068 × 730 = 49.64 a node; replicas 3 → 148.92; production, 1 replica → 2 nodes = 99.28
    const three = awsManagedCost(
      managed('cache: { kind: redis, mode: managed, replicas: 3 }', 'production'),
      table,
    );
    assert.deepEqual(figures(three), { 'elasticache:cache': 148.92 });
    const one = awsManagedCost(managed('cache: { kind: redis, mode: managed }', 'production'), table);
    assert.equal(one[0]!.quantity, 2);
    assert.equal(one[0]!.monthly!.toFixed(2), '99.28');
    // staging without ha: one cache.t3.small node, 0.034 × 730 = 24.82
    const staging = awsManagedCost(managed('cache: { kind: redis, mode: managed }', 'staging'), table);
    assert.deepEqual(figures(staging), { 'elasticache:cache': 24.82 });
  });

  it('MSK: one broker per zone gantry infra spans + storage per broker', () => {
    // production: 3 zones → 3 brokers × 0.21 × 730 = 459.90; 3 × 200 GB × 0.10 = 60.00
    const prod = awsManagedCost(
      managed('events: { kind: kafka, mode: managed, replicas: 2, storage: 200Gi }', 'production'),
      table,
    );
    assert.deepEqual(figures(prod), { 'msk-brokers:events': 459.9, 'msk-storage:events': 60 });
    // development: 2 zones (EKS needs two) → 2 × kafka.t3.small 0.0456 × 730 = 66.576; 2 × 100 GB × 0.10 = 20
    const dev = awsManagedCost(managed('events: { kind: kafka, mode: managed }', 'development'), table);
    assert.deepEqual(figures(dev), { 'msk-brokers:events': 66.576, 'msk-storage:events': 20 });
  });

  it('in-cluster backing is not a managed resource on EKS, but is on ECS (no cluster to run it in)', () => {
    assert.deepEqual(managed('db: { kind: postgres }', 'staging'), []);
    const spec = 'app: shop\nservices: { api: { image: "x:1" } }\nbacking: { db: { kind: postgres } }\n';
    const ecs = infraFootprint(modelOf(spec), 'ecs').managed;
    assert.deepEqual(
      ecs.map((m) => m.kind),
      ['rds'],
    );
  });
});

describe('managed backing services on GCP and Azure', () => {
  const table = shippedPrices();
  const backing = (b: Partial<BackingModel> & Pick<BackingModel, 'kind'>): BackingModel => ({
    name: 'db',
    mode: 'managed',
    replicas: 1,
    ha: false,
    ...b,
  });

  it('Azure has no managed rows and says so; in-cluster backing is no line', () => {
    const azure = otherManagedCost([backing({ kind: 'postgres' })], table, 'azure');
    assert.deepEqual(azure.notCovered, [
      'backing db (postgres, managed): no azure rows for it in the price table',
    ]);
    assert.deepEqual(
      otherManagedCost([backing({ kind: 'postgres', mode: 'in-cluster' })], table, 'gcp').lines,
      [],
    );
  });
});
