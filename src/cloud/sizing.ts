/**
 * What the spec does not say and a bill needs: how many availability zones, and which
 * instance class a managed database, cache or Kafka gets. Defaults follow the environment's
 * tier; every line built on one says it is a default, and the CLI lets users change the zones.
 */
import type { Tier } from '../spec/schema.ts';

export interface Sizing {
  /** Zones by tier: GKE/AKS put at least one node in each; AWS builds at least 2 (render/terraform/facts.ts). */
  azs: number;
  rds: string;
  elasticache: string;
  msk: string;
  /** Managed database storage when the spec gives none, GB (RDS's gp3 minimum). */
  rdsDefaultStorageGB: number;
  /** Kafka broker storage when the spec gives none, GB per broker. */
  mskDefaultStorageGB: number;
}

const BY_TIER: Record<Tier, Sizing> = {
  development: {
    azs: 1,
    rds: 'db.t3.micro',
    elasticache: 'cache.t3.micro',
    msk: 'kafka.t3.small',
    rdsDefaultStorageGB: 20,
    mskDefaultStorageGB: 100,
  },
  staging: {
    azs: 2,
    rds: 'db.t3.medium',
    elasticache: 'cache.t3.small',
    msk: 'kafka.t3.small',
    rdsDefaultStorageGB: 20,
    mskDefaultStorageGB: 100,
  },
  production: {
    azs: 3,
    rds: 'db.m5.large',
    elasticache: 'cache.t3.medium',
    msk: 'kafka.m5.large',
    rdsDefaultStorageGB: 20,
    mskDefaultStorageGB: 100,
  },
};

export function sizingFor(tier: Tier, overrides: { azs?: number } = {}): Sizing {
  return { ...BY_TIER[tier], ...(overrides.azs === undefined ? {} : { azs: overrides.azs }) };
}
