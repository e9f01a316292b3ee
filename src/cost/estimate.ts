/**
 * `monthlyCost(model, table, options)`: one environment's monthly bill, pure. On AWS it prices
 * what `gantry infra` builds (its footprint, render/terraform/footprint.ts: one source of facts
 * for both): the EKS cluster and its node groups, or the ECS services, the network, the managed
 * backing services, keys and secrets; the pods come from the render (so the bill follows the
 * manifests). GKE and AKS: the cluster of the render, for the rows the table has. Then usage, and
 * every pricing option so the difference between them is known.
 *
 * The prices are for one region: the table says which (`_meta.default_region`); the environment's
 * region (`aws.region`, or `--region`) must be that one, or the estimate stops and says so.
 *
 * Totals: at max replicas, at min replicas, and — with a load profile (peakHoursPerDay) —
 * expected = min + (max − min) × peak hours / 24. Lines without a figure are counted apart.
 * `costOverPeriod` turns an estimate into the cost of a period (for `gantry simulate`).
 */

import { sizingFor } from '../cloud/sizing.ts';
import { renderKubernetes } from '../render/kubernetes/index.ts';
import { awsRegion } from '../render/terraform/facts.ts';
import { infraFootprint } from '../render/terraform/footprint.ts';
import type { AppModel } from '../spec/model.ts';
import type { Tier } from '../spec/schema.ts';
import type { Allocation } from './allocation.ts';
import { awsBill, type Bill, countKinds } from './aws-bill.ts';
import { CostError } from './errors.ts';
import { clusterCost } from './kubernetes.ts';
import { type CostLine, sumMonthly } from './line.ts';
import { otherManagedCost } from './managed.ts';
import type { NodeChoice } from './node-choice.ts';
import type { PriceTable, ProviderName } from './prices.ts';
import { sourceTags } from './prices.ts';
import { applyPricing, PRICING_OPTIONS, type PricingOption } from './pricing.ts';
import { type Usage, usageCost } from './usage.ts';
import { readWorkloads, type WorkloadSummary } from './workload.ts';

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
  /** Zones; default: what gantry infra builds on AWS (2, production 3), by tier elsewhere (1 / 2 / 3). */
  azs?: number;
  /** The region to price; default: the environment's `aws.region` on AWS, the table's region elsewhere. */
  region?: string;
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
  /** The region the prices are for; null when neither the table nor the options say. */
  region: string | null;
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
  const region = pricedRegion(model, table, provider, options.region);
  const tier: Tier = model.environment?.tier ?? 'development';
  const summary = readWorkloads(renderKubernetes(model).objects);
  const infra = target === 'eks' || target === 'ecs' ? infraFootprint(model, target, options.azs) : undefined;
  const bill = infra
    ? awsBill(infra, summary, table, options, tier === 'production')
    : clusterBill(model, summary, table, options, target, tier);
  const { lines, notCovered, notes, cluster, zones } = bill;
  if (provider === 'aws') {
    lines.push(
      ...usageCost(options.usage, table, { loadBalancers: bill.loadBalancers, logGroups: infra?.logGroups }),
    );
    notCovered.push(
      'aws: cross-zone traffic, ECR image storage, Route 53, CloudWatch metrics and alarms, RDS backups beyond the free allowance, ElastiCache snapshots, EBS snapshots',
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
    region,
    pricing,
    azs: zones,
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

/**
 * The region the estimate prices: `--region`, else the environment's `aws.region` (where gantry
 * infra builds it; us-east-1 by default) on AWS, else the table's region for the provider.
 */
export function pricedRegion(
  model: AppModel,
  table: PriceTable,
  provider: ProviderName,
  asked: string | undefined,
): string | null {
  const region = asked ?? (provider === 'aws' ? awsRegion(model) : table.regions[provider]);
  if (region === undefined) return null;
  checkRegion(table, provider, region, asked === undefined ? 'aws.region' : '--region');
  return region;
}

/**
 * The table's prices are for one region per provider (`_meta.default_region`): any other is
 * refused, never priced at another region's rates. A table that names no region takes any.
 */
export function checkRegion(table: PriceTable, provider: ProviderName, region: string, from: string): void {
  const covered = table.regions[provider];
  if (covered === undefined || covered === region) return;
  throw new CostError(
    `no ${provider} prices for ${region} (${from}): ${table.file} has ${provider} prices for ${covered} only`,
    `pass --region ${covered} for an estimate at ${covered} prices, or --prices FILE with ${region} prices (_meta.default_region.${provider}: ${region})`,
  );
}

function hasProvider(table: PriceTable, provider: ProviderName): boolean {
  const probe: Record<ProviderName, [string, string]> = {
    aws: ['ec2', 'm6i.large'],
    gcp: ['gke', 'cluster_management_fee'],
    azure: ['aks', 'standard_tier'],
  };
  return table.has(provider, ...probe[provider]);
}

/** GKE and AKS: the render's cluster and the spec's managed backing services. */
function clusterBill(
  model: AppModel,
  summary: WorkloadSummary,
  table: PriceTable,
  options: CostOptions,
  target: CostTarget,
  tier: Tier,
): Bill {
  const provider = options.provider as Exclude<ProviderName, 'aws'>;
  const zones = options.azs ?? sizingFor(tier).azs;
  const estimate = clusterCost(summary, table, {
    provider,
    target: target as 'gke' | 'aks',
    nodeType: options.nodeType,
    zones,
    production: tier === 'production',
  });
  const managed = otherManagedCost(Object.values(model.backing), table, provider);
  return {
    lines: [...estimate.lines, ...managed.lines],
    notCovered: [...estimate.notCovered, ...managed.notCovered],
    notes: estimate.notes,
    cluster: { nodes: estimate.nodes, allocation: estimate.allocation },
    loadBalancers: countKinds(estimate.loadBalancers),
    zones,
  };
}
