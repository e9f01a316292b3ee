/**
 * Backing services with `mode: managed`, priced as the cloud's own service. The spec names
 * no instance class, so the tier picks one (sizing.ts) and the line says so.
 *
 * AWS
 *   postgres → RDS for PostgreSQL: class hourly × 730 + storage GB × gp3 GB-month. `ha: true`
 *              is Multi-AZ, which doubles both (the Multi-AZ rows; 2 × single-AZ when a class
 *              has no Multi-AZ row). e.g. db.m5.large Multi-AZ 0.356 × 730 = $259.88, 50 GB × 0.23 = $11.50.
 *   redis    → ElastiCache (Redis OSS) nodes: replicas (at least 2 with ha) × node-hour × 730.
 *   kafka    → MSK: brokers (a multiple of the zones, at least 2 zones) × broker-hour × 730
 *              + brokers × storage GB × GB-month.
 * GCP: postgres → Cloud SQL Enterprise (monthly rows), redis → Memorystore per GB-hour.
 * Azure: no managed rows in the table; said so.
 */
import type { BackingModel } from '../spec/model.ts';
import { type CostLine, hourlyLine, monthlyLine } from './line.ts';
import type { PriceRef, PriceTable, ProviderName } from './prices.ts';
import type { Sizing } from './sizing.ts';

const GiB = 1024 ** 3;

export interface ManagedEstimate {
  lines: CostLine[];
  notCovered: string[];
}

export function managedCost(
  backing: readonly BackingModel[],
  table: PriceTable,
  provider: ProviderName,
  sizing: Sizing,
): ManagedEstimate {
  const lines: CostLine[] = [];
  const notCovered: string[] = [];
  for (const b of backing.filter((b) => b.mode === 'managed')) {
    if (provider === 'aws') lines.push(...awsManaged(b, table, sizing));
    else if (provider === 'gcp' && b.kind !== 'kafka') lines.push(...gcpManaged(b, table));
    else
      notCovered.push(
        `backing ${b.name} (${b.kind}, managed): no ${provider} rows for it in the price table`,
      );
  }
  return { lines, notCovered };
}

function awsManaged(b: BackingModel, table: PriceTable, sizing: Sizing): CostLine[] {
  switch (b.kind) {
    case 'postgres':
      return rds(b, table, sizing);
    case 'redis': {
      const nodes = b.ha ? Math.max(2, b.replicas) : b.replicas;
      return [
        hourlyLine(table, table.row('aws', 'elasticache_redis_oss', sizing.elasticache), nodes, {
          id: `elasticache:${b.name}`,
          section: 'managed',
          item: `${b.name}: ElastiCache ${sizing.elasticache} nodes`,
          unit: 'node',
          note: `class: the tier's default (the spec names none)${b.ha && b.replicas < 2 ? '; ha: a primary and a replica' : ''}`,
          commitment: { kind: 'elasticache', instance: sizing.elasticache },
        }),
      ];
    }
    case 'kafka': {
      const zones = Math.min(3, Math.max(2, sizing.azs));
      const brokers = Math.ceil(Math.max(b.replicas, zones) / zones) * zones;
      const storageGB = b.storage === undefined ? sizing.mskDefaultStorageGB : b.storage / GiB;
      return [
        hourlyLine(table, table.row('aws', 'msk', sizing.msk), brokers, {
          id: `msk-brokers:${b.name}`,
          section: 'managed',
          item: `${b.name}: MSK ${sizing.msk} brokers`,
          unit: 'broker',
          note: `a multiple of ${zones} zones; class: the tier's default`,
        }),
        monthlyLine(table.row('aws', 'msk', 'broker_storage'), brokers * storageGB, {
          id: `msk-storage:${b.name}`,
          section: 'managed',
          item: `${b.name}: MSK broker storage (${storageGB} GB each)`,
          unit: 'GB',
          ...(b.storage === undefined ? { note: 'storage: a default, the spec gives none' } : {}),
        }),
      ];
    }
  }
}

function rds(b: BackingModel, table: PriceTable, sizing: Sizing): CostLine[] {
  const az = b.ha ? 'multi_az' : 'single_az';
  const instance = multiAzRow(table, `${sizing.rds}_${az}`, `${sizing.rds}_single_az`);
  const storageGB = b.storage === undefined ? sizing.rdsDefaultStorageGB : b.storage / GiB;
  const label = b.ha ? 'Multi-AZ' : 'Single-AZ';
  return [
    hourlyLine(table, instance, 1, {
      id: `rds-instance:${b.name}`,
      section: 'managed',
      item: `${b.name}: RDS PostgreSQL ${sizing.rds} ${label}`,
      unit: 'instance',
      note: `class: the tier's default (the spec names none)${b.ha ? '; Multi-AZ: a standby in a second zone, billed as a second instance' : ''}`,
      commitment: { kind: 'rds', instance: sizing.rds },
    }),
    monthlyLine(table.row('aws', 'rds_postgresql', `storage_gp3_${az}`), storageGB, {
      id: `rds-storage:${b.name}`,
      section: 'managed',
      item: `${b.name}: RDS gp3 storage ${label}`,
      unit: 'GB',
      ...(b.storage === undefined
        ? { note: `storage: ${storageGB} GB, RDS's gp3 minimum (the spec gives none)` }
        : {}),
    }),
  ];
}

/** The Multi-AZ row, or — when the table prices only Single-AZ for the class — 2 × that row. */
function multiAzRow(table: PriceTable, name: string, single: string): PriceRef {
  const row = table.row('aws', 'rds_postgresql', name);
  if (row.usd !== null || !name.endsWith('_multi_az')) return row;
  const base = table.row('aws', 'rds_postgresql', single);
  if (base.usd === null) return row;
  return {
    ...base,
    key: `2 × ${base.key}`,
    usd: 2 * base.usd,
    source: `Multi-AZ = 2 × Single-AZ; ${base.source}`,
  };
}

function gcpManaged(b: BackingModel, table: PriceTable): CostLine[] {
  const mode = b.ha ? 'ha' : 'zonal';
  const storageGB = b.storage === undefined ? 10 : b.storage / GiB;
  if (b.kind === 'postgres') {
    const machine = b.ha ? `db-custom-2-7680_${mode}` : 'db-g1-small_zonal';
    return [
      monthlyLine(table.row('gcp', 'cloud_sql_postgres_enterprise', machine), 1, {
        id: `cloudsql-instance:${b.name}`,
        section: 'managed',
        item: `${b.name}: Cloud SQL ${machine.replace(/_(ha|zonal)$/, '')} (${b.ha ? 'HA' : 'zonal'})`,
        unit: 'instance',
        note: 'machine: a default (the spec names none)',
      }),
      monthlyLine(table.row('gcp', 'cloud_sql_postgres_enterprise', `ssd_storage_${mode}`), storageGB, {
        id: `cloudsql-storage:${b.name}`,
        section: 'managed',
        item: `${b.name}: Cloud SQL SSD storage`,
        unit: 'GB',
      }),
    ];
  }
  // Memorystore bills provisioned GB; the spec gives a cache no size, so the 1 GB minimum.
  return [
    hourlyLine(table, table.row('gcp', 'memorystore_redis', b.ha ? 'standard_m1' : 'basic_m1'), 1, {
      id: `memorystore:${b.name}`,
      section: 'managed',
      item: `${b.name}: Memorystore ${b.ha ? 'Standard' : 'Basic'} 1 GB`,
      unit: 'GB',
      note: 'capacity: 1 GB, the smallest (the spec gives none)',
    }),
  ];
}
