/**
 * What the Terraform needs to know about one environment of the spec, derived once: zones and
 * NAT, each service's Fargate size, health check, routes and callers, the node groups, and the
 * managed backing services' sizes. Pure: AppModel in, plain data out.
 *
 * Defaults follow the environment's tier (src/cost/sizing.ts): instance classes are the cost
 * estimate's, so `gantry cost` prices what `gantry infra` builds. Zones are the exception: at
 * least 2 everywhere, because EKS and an ALB both need subnets in two zones.
 */
import { fargateSize } from '../../cloud/fargate-size.ts';
import { sizingFor } from '../../cloud/sizing.ts';
import type { AppModel, BackingModel, ServiceModel } from '../../spec/model.ts';
import type { Tier } from '../../spec/schema.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** When the spec gives no requests: what a small Node service needs. */
const DEFAULT_CPU_MILLIS = 250;
const DEFAULT_MEMORY_BYTES = 512 * MiB;

export interface HealthCheck {
  path: string;
  interval: number;
  timeout: number;
  healthy_threshold: number;
  unhealthy_threshold: number;
}

export interface Route {
  host: string;
  paths: string[];
  priority: number;
}

export interface NetworkFacts {
  azCount: number;
  singleNatGateway: boolean;
  /** What the vpc module creates: one gateway (and its Elastic IP) for all zones, or one per zone. */
  natGateways: number;
}

/** Where an environment runs when the spec does not say (and the region the price table covers). */
export const DEFAULT_REGION = 'us-east-1';

export function awsRegion(model: AppModel): string {
  return model.aws?.region ?? DEFAULT_REGION;
}

/** `<app>-<env>`: the prefix of every resource, the EKS cluster's and the ECS cluster's name (root local.name). */
export function resourcePrefix(model: AppModel): string {
  return `${model.app}-${model.environment?.name ?? 'default'}`;
}

/** The role the CI pipeline assumes through OIDC to push images and deploy to this environment. */
export function deployRoleName(model: AppModel): string {
  return `${resourcePrefix(model)}-ci-deploy`;
}

/**
 * How CI reaches the Kubernetes API (`aws.clusterAccess`): a self-hosted runner inside the VPC
 * unless the spec opens the endpoint to given CIDRs — private is the safe default.
 */
export function clusterAccess(
  model: AppModel,
): { via: 'public-endpoint'; cidrs: string[] } | { via: 'self-hosted-runner'; labels: string[] } {
  const access = model.aws?.clusterAccess;
  if (access?.via === 'public-endpoint') return { via: 'public-endpoint', cidrs: access.cidrs };
  return { via: 'self-hosted-runner', labels: access?.labels ?? ['self-hosted', resourcePrefix(model)] };
}

export function tierOf(model: AppModel): Tier {
  return model.environment?.tier ?? 'development';
}

/** `zones` overrides the tier's count (`gantry cost --zones`: what the network would cost over more zones). */
export function networkFacts(model: AppModel, zones?: number): NetworkFacts {
  const tier = tierOf(model);
  const azCount = zones ?? Math.max(2, sizingFor(tier).azs);
  const singleNatGateway = tier !== 'production';
  return { azCount, singleNatGateway, natGateways: singleNatGateway ? 1 : azCount };
}

/** The zones `gantry infra` can build (the vpc module's validation): EKS and ALBs need two. */
export const ZONE_RANGE = { min: 2, max: 3 } as const;

/**
 * The Fargate task size: CPU from the request (CPU is shared, a request is what it needs),
 * memory from the larger of request and limit (on Fargate the task size is the hard cap, so
 * a limit above the request must fit), rounded up to the smallest valid combination.
 */
export function taskSize(service: ServiceModel): { cpu: number; memory: number } {
  const cpu = service.resources.requests?.cpu ?? service.resources.limits?.cpu ?? DEFAULT_CPU_MILLIS;
  const memory = Math.max(service.resources.requests?.memory ?? 0, service.resources.limits?.memory ?? 0);
  return fargateSize(cpu, memory || DEFAULT_MEMORY_BYTES, `service ${service.name}`);
}

/** The load balancer's and the container's health check: the readiness probe, when it is HTTP. */
export function healthCheck(service: ServiceModel): HealthCheck | null {
  const probe = service.health.readiness;
  if (!probe?.path) return null;
  return {
    path: probe.path,
    interval: probe.periodSeconds,
    timeout: probe.timeoutSeconds,
    healthy_threshold: probe.successThreshold,
    unhealthy_threshold: probe.failureThreshold,
  };
}

/**
 * ALB listener rules, one per route: host plus the path and everything below it. Priorities
 * are 10, 20, … over the services in name order, so adding a route later keeps the others'.
 */
export function routesByService(model: AppModel): Map<string, Route[]> {
  const result = new Map<string, Route[]>();
  let priority = 0;
  for (const service of sortedServices(model)) {
    if (service.port === undefined) continue;
    result.set(
      service.name,
      service.routes.map((route) => {
        priority += 10;
        const path = route.path.replace(/\/+$/, '');
        return { host: route.host, paths: path === '' ? ['/*'] : [path, `${path}/*`], priority };
      }),
    );
  }
  return result;
}

/** The services that call this one (they list it in `uses`): its security group admits them. */
export function callersOf(model: AppModel, name: string): string[] {
  return sortedServices(model)
    .filter((s) => s.name !== name && s.uses.includes(name))
    .map((s) => s.name);
}

export function sortedServices(model: AppModel): ServiceModel[] {
  return Object.values(model.services).sort((a, b) => a.name.localeCompare(b.name));
}

/** The first toleration of a spot taint (a key naming `spot`), if any service has one. */
export function spotToleration(model: AppModel): { key: string; value: string; effect: string } | null {
  for (const service of sortedServices(model)) {
    const toleration = service.placement.tolerations?.find((t) => t.key !== undefined && /spot/i.test(t.key));
    if (toleration?.key)
      return {
        key: toleration.key,
        value: toleration.value ?? 'true',
        effect: TAINT_EFFECTS[toleration.effect ?? 'NoSchedule'] ?? 'NO_SCHEDULE',
      };
  }
  return null;
}

/** Kubernetes taint effects as the EKS node group API spells them. */
const TAINT_EFFECTS: Record<string, string> = {
  NoSchedule: 'NO_SCHEDULE',
  PreferNoSchedule: 'PREFER_NO_SCHEDULE',
  NoExecute: 'NO_EXECUTE',
};

export interface NodeGroup {
  instance_types: string[];
  capacity_type: 'ON_DEMAND' | 'SPOT';
  min_size: number;
  max_size: number;
  desired_size: number;
  labels: Record<string, string>;
  taints: { key: string; value: string; effect: string }[];
}

/** Every node's root volume (the launch template): GB of gp3. */
export const NODE_ROOT_GB = 20;

const NODE_TYPE = 'm6i.large';
const SPOT_TYPES = ['m6i.large', 'm5.large', 'm5a.large'];
const NODES_BY_TIER: Record<Tier, { app: [number, number]; system: [number, number]; spot: number }> = {
  development: { app: [1, 3], system: [1, 2], spot: 3 },
  staging: { app: [2, 6], system: [2, 3], spot: 6 },
  production: { app: [3, 12], system: [2, 4], spot: 12 },
};

/**
 * Managed node groups: `application` (on demand), `system` (tainted CriticalAddonsOnly so only
 * add-ons such as CoreDNS and the cluster autoscaler land there) and, when a service tolerates
 * a spot taint, `spot` carrying exactly that taint so nothing else is scheduled on it.
 */
export function nodeGroups(model: AppModel): Record<string, NodeGroup> {
  const sizes = NODES_BY_TIER[tierOf(model)];
  const groups: Record<string, NodeGroup> = {
    application: {
      instance_types: [NODE_TYPE],
      capacity_type: 'ON_DEMAND',
      min_size: sizes.app[0],
      max_size: sizes.app[1],
      desired_size: sizes.app[0],
      labels: { 'gantry.dev/pool': 'application' },
      taints: [],
    },
    system: {
      instance_types: ['t3.medium'],
      capacity_type: 'ON_DEMAND',
      min_size: sizes.system[0],
      max_size: sizes.system[1],
      desired_size: sizes.system[0],
      labels: { 'gantry.dev/pool': 'system' },
      taints: [{ key: 'CriticalAddonsOnly', value: 'true', effect: 'NO_SCHEDULE' }],
    },
  };
  const spot = spotToleration(model);
  if (spot)
    groups.spot = {
      instance_types: SPOT_TYPES,
      capacity_type: 'SPOT',
      min_size: 0,
      max_size: sizes.spot,
      desired_size: 0,
      labels: { 'gantry.dev/pool': 'spot' },
      taints: [spot],
    };
  return groups;
}

/** CloudWatch retention of flow, control-plane and task logs: a year in production, a month below. */
export function logRetentionDays(model: AppModel): number {
  return tierOf(model) === 'production' ? 365 : 30;
}

/**
 * Whether a backing service is a cloud service in this environment: `mode: managed`, or any backing
 * service on ECS, which has no cluster to run a stateful container in (gantry cost prices the same).
 */
export function isManaged(backing: BackingModel, target: 'eks' | 'ecs'): boolean {
  return target === 'ecs' || backing.mode === 'managed';
}

export type ManagedKind = 'rds' | 'elasticache' | 'msk';

export const MODULE_OF_KIND: Record<BackingModel['kind'], ManagedKind> = {
  postgres: 'rds',
  redis: 'elasticache',
  kafka: 'msk',
};

export interface RdsSizes {
  managed: boolean;
  instance_class: string;
  allocated_storage_gb: number;
  multi_az: boolean;
  backup_retention_days: number;
  deletion_protection: boolean;
}

export interface ElastiCacheSizes {
  managed: boolean;
  node_type: string;
  nodes: number;
  snapshot_retention_days: number;
}

export interface MskSizes {
  managed: boolean;
  instance_type: string;
  volume_size_gb: number;
}

/** A backing service's tfvars object for one environment: managed there or not, and its size. */
export function backingSizes(
  model: AppModel,
  backing: BackingModel,
  target: 'eks' | 'ecs' = 'eks',
): RdsSizes | ElastiCacheSizes | MskSizes {
  if (backing.kind === 'postgres') return rdsSizes(model, backing, target);
  if (backing.kind === 'redis') return elastiCacheSizes(model, backing, target);
  return mskSizes(model, backing, target);
}

const storageGB = (backing: BackingModel, fallback: number) =>
  backing.storage === undefined ? fallback : Math.ceil(backing.storage / GiB);

/** RDS PostgreSQL: Multi-AZ with `ha` or in production; gp3 storage in whole GB, at least RDS's 20. */
export function rdsSizes(model: AppModel, backing: BackingModel, target: 'eks' | 'ecs'): RdsSizes {
  const tier = tierOf(model);
  const sizing = sizingFor(tier);
  const production = tier === 'production';
  return {
    managed: isManaged(backing, target),
    instance_class: sizing.rds,
    allocated_storage_gb: Math.max(20, storageGB(backing, sizing.rdsDefaultStorageGB)),
    multi_az: backing.ha || production,
    backup_retention_days: { development: 1, staging: 7, production: 14 }[tier],
    deletion_protection: production,
  };
}

/** ElastiCache: `replicas` nodes, at least a primary and a replica with `ha` or in production, at most 6. */
export function elastiCacheSizes(
  model: AppModel,
  backing: BackingModel,
  target: 'eks' | 'ecs',
): ElastiCacheSizes {
  const tier = tierOf(model);
  const production = tier === 'production';
  return {
    managed: isManaged(backing, target),
    node_type: sizingFor(tier).elasticache,
    nodes: Math.min(6, Math.max(backing.replicas, backing.ha || production ? 2 : 1)),
    snapshot_retention_days: { development: 0, staging: 1, production: 7 }[tier],
  };
}

/** MSK: the tier's broker type and storage per broker; one broker per zone (the module's subnets). */
export function mskSizes(model: AppModel, backing: BackingModel, target: 'eks' | 'ecs'): MskSizes {
  const sizing = sizingFor(tierOf(model));
  return {
    managed: isManaged(backing, target),
    instance_type: sizing.msk,
    volume_size_gb: storageGB(backing, sizing.mskDefaultStorageGB),
  };
}

export const DEFAULT_VERSIONS: Record<BackingModel['kind'], string> = {
  postgres: '16',
  redis: '7.1',
  kafka: '3.6.0',
};
