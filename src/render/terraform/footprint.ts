/**
 * What `gantry infra` creates in one environment that can show on a bill, from the same facts its
 * tfvars and modules are written from, so `gantry cost` prices what `gantry infra` builds (one
 * source): the zones and NAT gateways, the node groups (EKS) or the Fargate services (ECS), the
 * managed backing services at their sizes, the KMS keys, the Secrets Manager secrets, the log
 * groups. Free resources (the VPC, subnets, route tables, the internet gateway, security groups,
 * IAM roles and OIDC providers, the EBS CSI add-on, access entries) are left out.
 * Pure: AppModel in, plain data out.
 */
import type { FargateTasks } from '../../cloud/fargate-size.ts';
import type { AppModel, BackingModel } from '../../spec/model.ts';
import {
  type ElastiCacheSizes,
  elastiCacheSizes,
  isManaged,
  type MskSizes,
  mskSizes,
  type NetworkFacts,
  NODE_ROOT_GB,
  type NodeGroup,
  networkFacts,
  nodeGroups,
  type RdsSizes,
  rdsSizes,
  resourcePrefix,
  routesByService,
  sortedServices,
  taskSize,
} from './facts.ts';
import type { InfraTarget } from './root.ts';

export type ManagedResource =
  | { kind: 'rds'; backing: BackingModel; sizes: RdsSizes }
  | { kind: 'elasticache'; backing: BackingModel; sizes: ElastiCacheSizes }
  | { kind: 'msk'; backing: BackingModel; sizes: MskSizes; brokers: number };

export interface Footprint {
  target: InfraTarget;
  network: NetworkFacts;
  /** EKS: the managed node groups as tfvars sets them (none on ECS). */
  nodeGroups: Record<string, NodeGroup>;
  /** EKS: every node's root volume, GB of gp3. */
  nodeRootGB: number;
  /** ECS: one service per app service, its task definition's size, desired count or autoscaling range. */
  fargate: FargateTasks[];
  /** ECS: one internet-facing ALB when a service has routes (EKS: the ingress controller's, not infra's). */
  loadBalancer: boolean;
  managed: ManagedResource[];
  /** Customer-managed KMS keys, by what they encrypt. */
  kmsKeys: string[];
  /** Secrets Manager secrets the environment holds, by name, with who creates each. */
  secrets: { name: string; createdBy: 'gantry infra' | 'RDS' | 'you' }[];
  /** CloudWatch log groups gantry infra creates (each with a retention). */
  logGroups: string[];
}

/** `zones` overrides the tier's zone count (`gantry cost --zones`). */
export function infraFootprint(model: AppModel, target: InfraTarget, zones?: number): Footprint {
  const prefix = resourcePrefix(model);
  const network = networkFacts(model, zones);
  const managed = managedResources(model, target, network.azCount);
  const services = sortedServices(model);
  return {
    target,
    network,
    nodeGroups: target === 'eks' ? nodeGroups(model) : {},
    nodeRootGB: NODE_ROOT_GB,
    fargate:
      target === 'ecs'
        ? services.map((service) => ({
            service: service.name,
            size: taskSize(service),
            tasks: service.autoscale
              ? { min: service.autoscale.min, max: service.autoscale.max }
              : { min: service.replicas, max: service.replicas },
          }))
        : [],
    loadBalancer:
      target === 'ecs' && [...routesByService(model).values()].some((routes) => routes.length > 0),
    managed,
    kmsKeys: [
      'the data key (logs, secrets, database storage and insights)',
      ...(target === 'eks' ? ['the EKS secrets key (envelope encryption)'] : []),
    ],
    secrets: secretsOf(model, target, managed),
    logGroups: [
      `/vpc/${prefix}/flow`,
      ...(target === 'eks'
        ? [`/aws/eks/${prefix}/cluster`]
        : services.map((service) => `/ecs/${prefix}/${service.name}`)),
      ...managed
        .filter((m) => m.kind === 'rds')
        .flatMap((m) =>
          ['postgresql', 'upgrade'].map((log) => `/aws/rds/instance/${prefix}-${m.backing.name}/${log}`),
        ),
    ],
  };
}

function managedResources(model: AppModel, target: InfraTarget, zones: number): ManagedResource[] {
  return Object.values(model.backing)
    .filter((backing) => isManaged(backing, target))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((backing): ManagedResource => {
      if (backing.kind === 'postgres')
        return { kind: 'rds', backing, sizes: rdsSizes(model, backing, target) };
      if (backing.kind === 'redis')
        return { kind: 'elasticache', backing, sizes: elastiCacheSizes(model, backing, target) };
      return { kind: 'msk', backing, sizes: mskSizes(model, backing, target), brokers: zones };
    });
}

/**
 * The services' own secrets `<app>/<service>/<NAME>` (ECS reads them by ARN; on EKS the External
 * Secrets render reads them), each managed Redis's URL secret (gantry infra writes it), each RDS
 * instance's master password (RDS keeps it) and, on ECS, the URL secret of a database a service
 * uses (you create it: RDS keeps the password).
 */
function secretsOf(
  model: AppModel,
  target: InfraTarget,
  managed: readonly ManagedResource[],
): Footprint['secrets'] {
  const secrets: Footprint['secrets'] = [];
  const inStore = target === 'ecs' || model.secrets.provider === 'external-secrets';
  if (inStore)
    for (const service of sortedServices(model))
      for (const name of service.secrets)
        secrets.push({ name: `${model.app}/${service.name}/${name}`, createdBy: 'you' });
  const used = new Set(sortedServices(model).flatMap((service) => service.uses));
  for (const m of managed) {
    const url = `${model.app}/${m.backing.name}/url`;
    if (m.kind === 'elasticache') secrets.push({ name: url, createdBy: 'gantry infra' });
    if (m.kind !== 'rds') continue;
    secrets.push({ name: `master password of ${resourcePrefix(model)}-${m.backing.name}`, createdBy: 'RDS' });
    if (target === 'ecs' && used.has(m.backing.name)) secrets.push({ name: url, createdBy: 'you' });
  }
  return secrets;
}
