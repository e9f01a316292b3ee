/**
 * Managed backing services, priced as the cloud's own service.
 *
 * AWS: what gantry infra creates (its footprint: one source), at the sizes its tfvars set — the
 * spec names no instance class, so the tier picks one (cost/sizing.ts) and the line says so.
 *   postgres → RDS for PostgreSQL: class hourly × 730 + allocated GB × gp3 GB-month. Multi-AZ (with
 *              `ha`, or in production) doubles both (the Multi-AZ rows; 2 × single-AZ when a class
 *              has no Multi-AZ row). e.g. db.m5.large Multi-AZ 0.356 × 730 = $259.88, 50 GB × 0.23 = $11.50.
 *   redis    → ElastiCache (Redis OSS): nodes × node-hour × 730 (a primary and a replica at least
 *              with `ha` or in production).
 *   kafka    → MSK: one broker per zone × broker-hour × 730 + brokers × storage GB × GB-month.
 * GCP: postgres → Cloud SQL Enterprise (monthly rows), redis → Memorystore per GB-hour.
 * Azure: no managed rows in the table; said so.
 */
import type { ManagedResource } from '../render/terraform/footprint.ts';
import type { BackingModel } from '../spec/model.ts';
import { type CostLine, hourlyLine, monthlyLine } from './line.ts';
import type { PriceRef, PriceTable, ProviderName } from './prices.ts';

const GiB = 1024 ** 3;

export interface ManagedEstimate {
  lines: CostLine[];
  notCovered: string[];
}

const TIER_DEFAULT = "class: the tier's default (the spec names none)";

export function awsManagedCost(resources: readonly ManagedResource[], table: PriceTable): CostLine[] {
  return resources.flatMap((resource) => {
    if (resource.kind === 'rds') return rds(resource, table);
    if (resource.kind === 'elasticache') return elastiCache(resource, table);
    return msk(resource, table);
  });
}

function elastiCache(
  resource: Extract<ManagedResource, { kind: 'elasticache' }>,
  table: PriceTable,
): CostLine[] {
  const { backing, sizes } = resource;
  const replicas = sizes.nodes > 1 ? `; a primary and ${sizes.nodes - 1} replica(s)` : '';
  const snapshots =
    sizes.snapshot_retention_days > 0
      ? `; snapshots kept ${sizes.snapshot_retention_days} day(s), their storage not counted`
      : '';
  return [
    hourlyLine(table, table.row('aws', 'elasticache_redis_oss', sizes.node_type), sizes.nodes, {
      id: `elasticache:${backing.name}`,
      section: 'managed',
      item: `${backing.name}: ElastiCache ${sizes.node_type} nodes`,
      unit: 'node',
      note: `${TIER_DEFAULT}${replicas}${snapshots}`,
      commitment: { kind: 'elasticache', instance: sizes.node_type },
    }),
  ];
}

function msk(resource: Extract<ManagedResource, { kind: 'msk' }>, table: PriceTable): CostLine[] {
  const { backing, sizes, brokers } = resource;
  return [
    hourlyLine(table, table.row('aws', 'msk', sizes.instance_type), brokers, {
      id: `msk-brokers:${backing.name}`,
      section: 'managed',
      item: `${backing.name}: MSK ${sizes.instance_type} brokers`,
      unit: 'broker',
      note: `one per zone; ${TIER_DEFAULT}`,
    }),
    monthlyLine(table.row('aws', 'msk', 'broker_storage'), brokers * sizes.volume_size_gb, {
      id: `msk-storage:${backing.name}`,
      section: 'managed',
      item: `${backing.name}: MSK broker storage (${sizes.volume_size_gb} GB each)`,
      unit: 'GB',
      ...(backing.storage === undefined ? { note: 'storage: a default, the spec gives none' } : {}),
    }),
  ];
}

function rds(resource: Extract<ManagedResource, { kind: 'rds' }>, table: PriceTable): CostLine[] {
  const { backing, sizes } = resource;
  const az = sizes.multi_az ? 'multi_az' : 'single_az';
  const instance = multiAzRow(table, `${sizes.instance_class}_${az}`, `${sizes.instance_class}_single_az`);
  const label = sizes.multi_az ? 'Multi-AZ' : 'Single-AZ';
  const why = backing.ha ? 'ha' : 'production';
  return [
    hourlyLine(table, instance, 1, {
      id: `rds-instance:${backing.name}`,
      section: 'managed',
      item: `${backing.name}: RDS PostgreSQL ${sizes.instance_class} ${label}`,
      unit: 'instance',
      note: `${TIER_DEFAULT}${sizes.multi_az ? `; Multi-AZ (${why}): a standby in a second zone, billed as a second instance` : ''}`,
      commitment: { kind: 'rds', instance: sizes.instance_class },
    }),
    monthlyLine(table.row('aws', 'rds_postgresql', `storage_gp3_${az}`), sizes.allocated_storage_gb, {
      id: `rds-storage:${backing.name}`,
      section: 'managed',
      item: `${backing.name}: RDS gp3 storage ${label}`,
      unit: 'GB',
      note: `${backing.storage === undefined ? `${sizes.allocated_storage_gb} GB, RDS's gp3 minimum (the spec gives none)` : "the spec's storage in whole GB, at least 20"}; grows by itself up to ${2 * sizes.allocated_storage_gb} GB; backups kept ${sizes.backup_retention_days} day(s)`,
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

/** GCP and Azure: the spec's `mode: managed` backing services (gantry infra builds AWS only). */
export function otherManagedCost(
  backing: readonly BackingModel[],
  table: PriceTable,
  provider: Exclude<ProviderName, 'aws'>,
): ManagedEstimate {
  const lines: CostLine[] = [];
  const notCovered: string[] = [];
  for (const b of backing.filter((b) => b.mode === 'managed')) {
    if (provider === 'gcp' && b.kind !== 'kafka') lines.push(...gcpManaged(b, table));
    else
      notCovered.push(
        `backing ${b.name} (${b.kind}, managed): no ${provider} rows for it in the price table`,
      );
  }
  return { lines, notCovered };
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
