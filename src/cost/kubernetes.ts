/**
 * A Kubernetes cluster's bill (EKS complete; GKE and AKS for the rows the table has):
 *   control plane   1 cluster × the hourly fee × 730
 *   nodes           N × the node type's hourly price × 730 (N bin-packed at max and at min replicas)
 *   node root disks N × 20 GB × gp3 GB-month
 *   volumes         the PVCs' GiB (volumeClaimTemplates × replicas, a Cluster's storage × instances) × gp3
 *   load balancer   one NLB for the ingress controller's Service when there are Ingresses
 *                   (an ALB for ingressClassName alb), one NLB per Service of type LoadBalancer
 *   NAT gateways    one per zone × hourly
 *   public IPv4     one per NAT gateway + one per zone per internet-facing load balancer × hourly
 * and, apart from the bill, the node allocation per component, system and idle (allocation.ts).
 */
import { type Allocation, allocate, ratioRows } from './allocation.ts';
import { type CostLine, hourlyLine, monthlyLine } from './line.ts';
import { chooseNodes, cpu, gib, type NodeChoice } from './node-choice.ts';
import type { PriceTable, ProviderName } from './prices.ts';
import type { KubernetesTarget } from './reserve.ts';
import type { Sizing } from './sizing.ts';
import type { WorkloadSummary } from './workload.ts';

const GiB = 1024 ** 3;

export interface ClusterOptions {
  provider: ProviderName;
  target: KubernetesTarget;
  nodeType: string | undefined;
  sizing: Sizing;
  production: boolean;
}

export interface ClusterEstimate {
  lines: CostLine[];
  nodes: NodeChoice;
  allocation: Allocation | null;
  /** Load balancers counted: how many and why. */
  loadBalancers: { kind: 'nlb' | 'alb'; reason: string }[];
  notCovered: string[];
  notes: string[];
}

export function clusterCost(
  summary: WorkloadSummary,
  table: PriceTable,
  options: ClusterOptions,
): ClusterEstimate {
  const { provider, target, sizing } = options;
  const nodes = chooseNodes(summary.workloads, table, {
    provider,
    target,
    nodeType: options.nodeType,
    minimumNodes: sizing.azs,
  });
  const type = nodes.type;
  const nodeRow = table.row(provider, type.priceCategory, type.name);
  const notes = [
    `${type.name}: ${type.vcpu} vCPU, ${type.memoryGiB} GiB, ${type.maxPods} pods; allocatable per node ${cpu(nodes.allocatable.cpuMillis)} CPU, ${gib(nodes.allocatable.memoryBytes)} after the ${target.toUpperCase()} reserve (${cpu(nodes.reserve.cpuMillis)} CPU, ${gib(nodes.reserve.memoryBytes)})${nodes.daemonSets.length ? ' and kube-system DaemonSets' : ''}; at least ${sizing.azs} node(s), one per zone`,
  ];
  const unrequested = summary.workloads.filter((w) => w.unrequested);
  if (unrequested.length > 0)
    notes.push(
      `${unrequested.map((w) => w.object).join(', ')}: no resource requests, so they take a pod slot but no counted capacity`,
    );

  const lines: CostLine[] = [controlPlane(table, options)];
  const nodeLine = hourlyLine(table, nodeRow, nodes.nodes.max, {
    id: 'nodes',
    section: 'compute',
    item: `nodes (${type.name})`,
    unit: 'node',
    commitment: provider === 'aws' ? { kind: 'ec2', instance: type.name } : { kind: 'vm' },
  });
  lines.push(
    withMin(nodeLine, nodes.nodes.min, (n) => n * (nodeRow.usd ?? Number.NaN) * table.hoursPerMonth),
  );

  const notCovered: string[] = [];
  let loadBalancers: ClusterEstimate['loadBalancers'] = [];
  if (provider === 'aws') {
    const gp3 = table.row('aws', 'ebs', 'gp3');
    const rootLine = monthlyLine(gp3, nodes.nodes.max * sizing.nodeRootGB, {
      id: 'node-root-volumes',
      section: 'storage',
      item: `node root volumes (${sizing.nodeRootGB} GB gp3 each)`,
      unit: 'GB',
    });
    lines.push(withMin(rootLine, nodes.nodes.min * sizing.nodeRootGB, (gb) => gb * (gp3.usd ?? Number.NaN)));
    const volumeGiB = (scale: 'max' | 'min') =>
      summary.workloads.reduce((sum, w) => sum + (w.volumeBytes / GiB) * w.replicas[scale], 0);
    if (volumeGiB('max') > 0) {
      const claims = summary.workloads
        .filter((w) => w.volumeBytes > 0)
        .map((w) => `${w.object} ${gib(w.volumeBytes)}×${w.replicas.max}`);
      const pv = monthlyLine(gp3, volumeGiB('max'), {
        id: 'persistent-volumes',
        section: 'storage',
        item: 'persistent volumes (gp3)',
        unit: 'GB',
        note: `${claims.join(', ')}; assumes a gp3 StorageClass`,
      });
      lines.push(withMin(pv, volumeGiB('min'), (gb) => gb * (gp3.usd ?? Number.NaN)));
    }
    loadBalancers = countLoadBalancers(summary);
    const nlbs = loadBalancers.filter((lb) => lb.kind === 'nlb');
    const albs = loadBalancers.filter((lb) => lb.kind === 'alb');
    if (nlbs.length > 0)
      lines.push(
        hourlyLine(table, table.row('aws', 'elb', 'nlb_hour'), nlbs.length, {
          id: 'nlb',
          section: 'network',
          item: 'network load balancer',
          unit: 'NLB',
          note: nlbs.map((lb) => lb.reason).join('; '),
        }),
      );
    if (albs.length > 0)
      lines.push(
        hourlyLine(table, table.row('aws', 'elb', 'alb_hour'), albs.length, {
          id: 'alb',
          section: 'network',
          item: 'application load balancer',
          unit: 'ALB',
          note: albs.map((lb) => lb.reason).join('; '),
        }),
      );
    lines.push(...natAndAddresses(table, sizing.azs, loadBalancers.length));
  } else {
    notCovered.push(
      `${provider}: node disks, persistent volumes, load balancers, NAT and public IPs have no rows in the price table`,
    );
    notes.push(`${target.toUpperCase()}: kube-system DaemonSets are not modelled, only the node reserve`);
  }

  const components = new Map(summary.workloads.map((w) => [w.object, w.component]));
  const allocation = allocate(
    nodes,
    nodeRow.usd,
    ratioRows(table, provider, type.name),
    table.hoursPerMonth,
    (pod) =>
      pod.name.startsWith('kube-system/')
        ? 'system'
        : (components.get(pod.name.replace(/#\d+$/, '')) ?? 'other'),
  );
  return { lines, nodes, allocation, loadBalancers, notCovered, notes };
}

function controlPlane(table: PriceTable, options: ClusterOptions): CostLine {
  const base = { id: 'control-plane', section: 'cluster' as const, unit: 'cluster' };
  switch (options.target) {
    case 'eks':
      return hourlyLine(table, table.row('aws', 'eks', 'control_plane_standard'), 1, {
        ...base,
        item: 'EKS control plane (standard support)',
      });
    case 'gke':
      return hourlyLine(table, table.row('gcp', 'gke', 'cluster_management_fee'), 1, {
        ...base,
        item: 'GKE cluster management fee',
        note: 'the GKE free tier credits $74.40 a month per billing account (one zonal or Autopilot cluster); not subtracted',
      });
    case 'aks': {
      const tier = options.production ? 'standard_tier' : 'free_tier';
      return hourlyLine(table, table.row('azure', 'aks', tier), 1, {
        ...base,
        item: `AKS control plane (${options.production ? 'Standard' : 'Free'} tier)`,
      });
    }
  }
}

/**
 * Ingresses go through one controller: its Service of type LoadBalancer is an NLB (AWS Load
 * Balancer Controller), or the controller is an ALB itself (class `alb`). Services of type
 * LoadBalancer get an NLB each.
 */
export function countLoadBalancers(summary: WorkloadSummary): { kind: 'nlb' | 'alb'; reason: string }[] {
  const result: { kind: 'nlb' | 'alb'; reason: string }[] = [];
  const classes = [...new Set(summary.exposure.ingresses.map((i) => i.className ?? 'default'))].sort();
  for (const className of classes)
    result.push(
      className === 'alb'
        ? { kind: 'alb', reason: 'Ingress class alb: one ALB (an IngressGroup shares it)' }
        : { kind: 'nlb', reason: `the ${className} ingress controller's Service of type LoadBalancer` },
    );
  for (const name of summary.exposure.loadBalancerServices)
    result.push({ kind: 'nlb', reason: `Service ${name} of type LoadBalancer` });
  return result;
}

/** NAT gateways (one per zone) and the public IPv4 addresses they and the load balancers hold. */
export function natAndAddresses(table: PriceTable, azs: number, loadBalancers: number): CostLine[] {
  const ips = azs + azs * loadBalancers;
  return [
    hourlyLine(table, table.row('aws', 'vpc', 'nat_gateway_hour'), azs, {
      id: 'nat-gateways',
      section: 'network',
      item: 'NAT gateways (one per zone)',
      unit: 'gateway',
    }),
    hourlyLine(table, table.row('aws', 'vpc', 'public_ipv4'), ips, {
      id: 'public-ipv4',
      section: 'network',
      item: 'public IPv4 addresses',
      unit: 'IP',
      note: `${azs} for the NAT gateways${loadBalancers ? ` + ${azs} per load balancer (one per zone)` : ''}`,
    }),
  ];
}

/** The same line at min replicas, when its quantity differs there. */
export function withMin(
  line: CostLine,
  quantityAtMin: number,
  monthlyAt: (quantity: number) => number | null,
): CostLine {
  if (quantityAtMin === line.quantity) return line;
  const monthly = line.monthly === null ? null : monthlyAt(quantityAtMin);
  return { ...line, atMin: { quantity: quantityAtMin, monthly } };
}
