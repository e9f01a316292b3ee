/**
 * AWS: the bill of what `gantry infra` builds (its footprint, render/terraform/footprint.ts). EKS:
 * the cluster (control plane, node groups sized by the render's pods, root volumes, load balancers,
 * NAT); ECS: one ECS service per app service at its task size, one ALB when a service has routes,
 * NAT, and the Cloud Map namespace and Container Insights it turns on. Then the managed backing
 * services, the KMS keys and the Secrets Manager secrets. What the table has no row for (KMS keys,
 * Cloud Map, Container Insights in the shipped one) is a line with "no price", never a $0.
 */
import type { Footprint } from '../render/terraform/footprint.ts';
import type { CostOptions, EnvironmentEstimate } from './estimate.ts';
import { fargateCost } from './fargate.ts';
import { clusterCost, natAndAddresses } from './kubernetes.ts';
import { type CostLine, hourlyLine, monthlyLine } from './line.ts';
import { awsManagedCost } from './managed.ts';
import type { PriceTable } from './prices.ts';
import { secretsCost } from './secrets.ts';
import type { WorkloadSummary } from './workload.ts';

export interface Bill {
  lines: CostLine[];
  notCovered: string[];
  notes: string[];
  cluster?: EnvironmentEstimate['cluster'];
  loadBalancers: { nlb: number; alb: number };
  zones: number;
}

export function awsBill(
  infra: Footprint,
  summary: WorkloadSummary,
  table: PriceTable,
  options: CostOptions,
  production: boolean,
): Bill {
  const bill: Bill = {
    lines: [],
    notCovered: [],
    notes: [],
    loadBalancers: { nlb: 0, alb: 0 },
    zones: infra.network.azCount,
  };
  if (infra.target === 'ecs') {
    bill.lines.push(...fargateCost(infra.fargate, table, { arm: options.arm ?? false }));
    if (infra.loadBalancer) {
      bill.loadBalancers = { nlb: 0, alb: 1 };
      bill.lines.push(
        hourlyLine(table, table.row('aws', 'elb', 'alb_hour'), 1, {
          id: 'alb',
          section: 'network',
          item: 'application load balancer',
          unit: 'ALB',
          note: 'one ALB routes to every service with routes',
        }),
      );
    }
    bill.lines.push(...natAndAddresses(table, infra.network, infra.loadBalancer ? 1 : 0));
    bill.lines.push(
      monthlyLine(table.row('aws', 'cloud_map', 'http_namespace'), 1, {
        id: 'cloud-map',
        section: 'network',
        item: 'Cloud Map namespace (Service Connect)',
        unit: 'namespace',
        note: "each task's Service Connect proxy runs inside its task size",
      }),
      monthlyLine(table.row('aws', 'cloudwatch', 'container_insights'), 1, {
        id: 'container-insights',
        section: 'compute',
        item: 'Container Insights metrics (the ECS cluster setting)',
        unit: 'cluster',
      }),
    );
    bill.notes.push(
      'ECS on Fargate: one ECS service per app service at the task size gantry infra writes (CPU: the request; memory: the larger of request and limit), its desired count or autoscaling range — no canary track or second colour; backing services are managed (RDS, ElastiCache, MSK)',
    );
  } else {
    const estimate = clusterCost(summary, table, {
      provider: 'aws',
      target: 'eks',
      nodeType: options.nodeType,
      zones: infra.network.azCount,
      production,
      infra,
    });
    bill.lines.push(...estimate.lines);
    bill.notCovered.push(...estimate.notCovered);
    bill.notes.push(...estimate.notes);
    bill.cluster = { nodes: estimate.nodes, allocation: estimate.allocation };
    bill.loadBalancers = countKinds(estimate.loadBalancers);
  }
  bill.lines.push(...awsManagedCost(infra.managed, table));
  bill.lines.push(
    monthlyLine(table.row('aws', 'kms', 'customer_managed_key'), infra.kmsKeys.length, {
      id: 'kms-keys',
      section: 'secrets',
      item: 'KMS keys (customer managed)',
      unit: 'key',
      note: infra.kmsKeys.join('; '),
    }),
  );
  bill.lines.push(...secretsCost(infra.secrets, table));
  return bill;
}

export function countKinds(loadBalancers: readonly { kind: 'nlb' | 'alb' }[]): { nlb: number; alb: number } {
  return {
    nlb: loadBalancers.filter((lb) => lb.kind === 'nlb').length,
    alb: loadBalancers.filter((lb) => lb.kind === 'alb').length,
  };
}
