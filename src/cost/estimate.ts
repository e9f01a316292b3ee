/**
 * `monthlyCost(model, table, options)`: one environment's monthly bill, pure. It renders the
 * model (so the bill follows the manifests), reads the workloads, and adds the lines of the
 * target (EKS/GKE/AKS cluster or ECS on Fargate), the managed backing services, secrets and
 * usage; then prices them under every pricing option so the difference between them is known.
 *
 * Totals: at max replicas, at min replicas, and — with a load profile (peakHoursPerDay) —
 * expected = min + (max − min) × peak hours / 24. Lines without a figure are counted apart.
 * `costOverPeriod` turns an estimate into the cost of a period (for `gantry simulate`).
 */
import { renderKubernetes } from '../render/kubernetes/index.ts';
import type { AppModel } from '../spec/model.ts';
import type { Allocation } from './allocation.ts';
import { CostError } from './errors.ts';
import { fargateCost } from './fargate.ts';
import { clusterCost, natAndAddresses, withMin } from './kubernetes.ts';
import { type CostLine, hourlyLine, monthlyLine, sumMonthly } from './line.ts';
import { managedCost } from './managed.ts';
import type { NodeChoice } from './node-choice.ts';
import type { PriceTable, ProviderName } from './prices.ts';
import { sourceTags } from './prices.ts';
import { applyPricing, PRICING_OPTIONS, type PricingOption } from './pricing.ts';
import { secretsCost } from './secrets.ts';
import { sizingFor } from './sizing.ts';
import { type Usage, usageCost } from './usage.ts';
import { readWorkloads } from './workload.ts';

export type CostTarget = 'eks' | 'ecs' | 'gke' | 'aks';

export const TARGETS_BY_PROVIDER: Record<ProviderName, CostTarget[]> = {
  aws: ['eks', 'ecs'],
  gcp: ['gke'],
  azure: ['aks'],
};

export interface CostOptions {
  provider: ProviderName;
  /** Defaults to the provider's first: eks, gke, aks. */
  target?: CostTarget;
  pricing?: PricingOption;
  /** A node type, 'cheapest', or the provider's default. */
  nodeType?: string;
  /** Zones; defaults by tier (1 / 2 / 3). */
  azs?: number;
  usage?: Usage;
  /** ECS: Graviton (ARM) Fargate rows. */
  arm?: boolean;
  /** spot: the share of compute on spot, 0–1 (default 1). */
  spotShare?: number;
}

export interface Totals {
  max: number;
  min: number;
  expected?: number;
}

export interface EnvironmentEstimate {
  app: string;
  environment: string | null;
  tier: string;
  provider: ProviderName;
  target: CostTarget;
  pricing: PricingOption;
  azs: number;
  lines: CostLine[];
  totals: Totals;
  /** Lines with no figure (usage not given, or no price): not in the totals. */
  unpriced: string[];
  /** The totals under every pricing option, the chosen one included. */
  byPricing: { pricing: PricingOption; totals: Totals }[];
  cluster?: { nodes: NodeChoice; allocation: Allocation | null };
  notCovered: string[];
  notes: string[];
  /** The source tags the lines use, with the dates of their figures. */
  asOf: { tag: string; date: string }[];
}

export function monthlyCost(model: AppModel, table: PriceTable, options: CostOptions): EnvironmentEstimate {
  const provider = options.provider;
  const target = options.target ?? TARGETS_BY_PROVIDER[provider][0]!;
  if (!TARGETS_BY_PROVIDER[provider].includes(target))
    throw new CostError(
      `--target ${target} does not run on ${provider}`,
      `${provider} targets: ${TARGETS_BY_PROVIDER[provider].join(', ')}`,
    );
  if (!hasProvider(table, provider))
    throw new CostError(
      `the price table ${table.file} has no ${provider} section`,
      'pass --prices FILE with one, or another --provider',
    );
  const tier = model.environment?.tier ?? 'development';
  const sizing = sizingFor(tier, options.azs === undefined ? {} : { azs: options.azs });
  const summary = readWorkloads(renderKubernetes(model).objects);

  const lines: CostLine[] = [];
  const notCovered: string[] = [];
  const notes: string[] = [];
  let cluster: EnvironmentEstimate['cluster'];
  let loadBalancers = { nlb: 0, alb: 0 };

  if (target === 'ecs') {
    lines.push(...fargateCost(summary.workloads, table, { arm: options.arm ?? false }));
    lines.push(...ecsVolumes(summary, table));
    const exposed = summary.exposure.ingresses.length + summary.exposure.loadBalancerServices.length > 0;
    if (exposed) {
      loadBalancers = { nlb: 0, alb: 1 };
      lines.push(
        hourlyLine(table, table.row('aws', 'elb', 'alb_hour'), 1, {
          id: 'alb',
          section: 'network',
          item: 'application load balancer',
          unit: 'ALB',
          note: 'one ALB routes to every service with routes',
        }),
      );
    }
    lines.push(...natAndAddresses(table, sizing.azs, exposed ? 1 : 0));
    notes.push(
      'ECS on Fargate: each pod of the render is a task; in-cluster backing services run as tasks with an EBS volume each',
    );
  } else {
    const estimate = clusterCost(summary, table, {
      provider,
      target,
      nodeType: options.nodeType,
      sizing,
      production: tier === 'production',
    });
    lines.push(...estimate.lines);
    notCovered.push(...estimate.notCovered);
    notes.push(...estimate.notes);
    cluster = { nodes: estimate.nodes, allocation: estimate.allocation };
    loadBalancers = {
      nlb: estimate.loadBalancers.filter((lb) => lb.kind === 'nlb').length,
      alb: estimate.loadBalancers.filter((lb) => lb.kind === 'alb').length,
    };
  }

  const managed = managedCost(Object.values(model.backing), table, provider, sizing);
  lines.push(...managed.lines);
  notCovered.push(...managed.notCovered);
  if (provider === 'aws') {
    lines.push(...secretsCost(summary.externalSecretKeys, model.secrets.store, table));
    lines.push(...usageCost(options.usage, table, { loadBalancers }));
    notCovered.push(
      'aws: cross-zone traffic, ECR image storage, Route 53, KMS, CloudWatch metrics and alarms, RDS backups beyond the free allowance, EBS snapshots',
    );
  } else {
    notCovered.push(
      `${provider}: egress, NAT, load balancer data and logs (no usage rows for ${provider} in the price table)`,
    );
  }

  const pricing = options.pricing ?? 'on-demand';
  const spotShare = options.spotShare ?? 1;
  const peak = options.usage?.peakHoursPerDay;
  const totalsOf = (priced: CostLine[]): Totals => {
    const max = sumMonthly(priced, 'max');
    const min = sumMonthly(priced, 'min');
    return { max, min, ...(peak === undefined ? {} : { expected: min + ((max - min) * peak) / 24 }) };
  };
  const priced = applyPricing(lines, pricing, table, spotShare);
  const tags = [...new Set(priced.flatMap((line) => sourceTags(line.source)))].sort(
    (a, b) => Number(a.slice(1)) - Number(b.slice(1)),
  );
  return {
    app: model.app,
    environment: model.environment?.name ?? null,
    tier,
    provider,
    target,
    pricing,
    azs: sizing.azs,
    lines: priced,
    totals: totalsOf(priced),
    unpriced: priced.filter((line) => line.monthly === null).map((line) => line.item),
    byPricing: PRICING_OPTIONS.map((option) => ({
      pricing: option,
      totals: totalsOf(applyPricing(lines, option, table, spotShare)),
    })),
    ...(cluster ? { cluster } : {}),
    notCovered,
    notes,
    asOf: tags.map((tag) => ({ tag, date: table.sourceDates.get(tag) ?? 'date not given' })),
  };
}

/**
 * The cost of `hours` of running, for a simulation: the monthly figure scaled to the
 * period, with `fractionAtMax` of the time at max replicas and the rest at min.
 * e.g. max $300, min $200, 24 h, half the time at max → (200 + 100 × 0.5) × 24 / 730 = $8.22.
 */
export function costOverPeriod(
  estimate: Pick<EnvironmentEstimate, 'totals'>,
  hours: number,
  fractionAtMax = 1,
  hoursPerMonth = 730,
): number {
  const { max, min } = estimate.totals;
  return ((min + (max - min) * fractionAtMax) * hours) / hoursPerMonth;
}

function hasProvider(table: PriceTable, provider: ProviderName): boolean {
  const probe: Record<ProviderName, [string, string]> = {
    aws: ['ec2', 'm6i.large'],
    gcp: ['gke', 'cluster_management_fee'],
    azure: ['aks', 'standard_tier'],
  };
  return table.has(provider, ...probe[provider]);
}

/** ECS: a StatefulSet's volume becomes an EBS volume per task (gp3). */
function ecsVolumes(summary: ReturnType<typeof readWorkloads>, table: PriceTable): CostLine[] {
  const GiB = 1024 ** 3;
  const gp3 = table.row('aws', 'ebs', 'gp3');
  const gb = (scale: 'max' | 'min') =>
    summary.workloads.reduce((s, w) => s + (w.volumeBytes / GiB) * w.replicas[scale], 0);
  if (gb('max') === 0) return [];
  const line = monthlyLine(gp3, gb('max'), {
    id: 'persistent-volumes',
    section: 'storage',
    item: 'task EBS volumes (gp3)',
    unit: 'GB',
  });
  return [withMin(line, gb('min'), (q) => q * (gp3.usd ?? Number.NaN))];
}
