/**
 * A Kubernetes cluster's bill (EKS complete; GKE and AKS for the rows the table has):
 *   control plane   1 cluster × the hourly fee × 730
 *   nodes           N × the node type's hourly price × 730 (N bin-packed at max and at min replicas,
 *                   at least the application node group's min_size on EKS, one per zone elsewhere)
 *   system nodes    EKS: the `system` node group gantry infra creates, desired_size × its type's price
 *   node root disks (N + system nodes) × 20 GB × gp3 GB-month
 *   volumes         the PVCs' GiB (volumeClaimTemplates × replicas, a Cluster's storage × instances) × gp3
 *   load balancer   one NLB for the ingress controller's Service when there are Ingresses
 *                   (an ALB for ingressClassName alb), one NLB per Service of type LoadBalancer
 *   NAT gateways    as gantry infra builds them: one for all zones below production, one per zone in it
 *   public IPv4     one per NAT gateway + one per zone per internet-facing load balancer × hourly
 * and, apart from the bill, the node allocation per component, system and idle (allocation.ts).
 * e.g. prod's system group: 2 × t3.medium 0.0416 × 730 = 60.736, their roots 40 GB × 0.08 = 3.20.
 */
import type { Footprint } from '../render/terraform/footprint.ts';
import { type Allocation, allocate, ratioRows } from './allocation.ts';
import { type CostLine, hourlyLine, monthlyLine } from './line.ts';
import { chooseNodes, cpu, gib, type NodeChoice } from './node-choice.ts';
import type { PriceTable, ProviderName } from './prices.ts';
import type { KubernetesTarget } from './reserve.ts';
import type { WorkloadSummary } from './workload.ts';

const GiB = 1024 ** 3;

export interface ClusterOptions {
  provider: ProviderName;
  target: KubernetesTarget;
  nodeType: string | undefined;
  /** GKE and AKS: the zones (one node each at least); EKS takes its minimum from the node group. */
  zones: number;
  production: boolean;
  /** EKS: what gantry infra builds (node groups, root volumes, NAT). */
  infra?: Footprint;
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
  const { provider, target, infra } = options;
  const application = infra?.nodeGroups.application;
  const minimumNodes = application?.min_size ?? options.zones;
  const nodes = chooseNodes(summary.workloads, table, {
    provider,
    target,
    nodeType: options.nodeType,
    minimumNodes,
  });
  const type = nodes.type;
  const nodeRow = table.row(provider, type.priceCategory, type.name);
  const notes = [
    `${type.name}: ${type.vcpu} vCPU, ${type.memoryGiB} GiB, ${type.maxPods} pods; allocatable per node ${cpu(nodes.allocatable.cpuMillis)} CPU, ${gib(nodes.allocatable.memoryBytes)} after the ${target.toUpperCase()} reserve (${cpu(nodes.reserve.cpuMillis)} CPU, ${gib(nodes.reserve.memoryBytes)})${nodes.daemonSets.length ? ' and kube-system DaemonSets' : ''}; at least ${minimumNodes} node(s), ${application ? "the application node group's min_size" : 'one per zone'}`,
  ];
  if (application && nodes.nodes.max > application.max_size)
    notes.push(
      `the pods at max replicas need ${nodes.nodes.max} nodes, but the application node group stops at max_size ${application.max_size} (gantry infra): raise it in the tfvars, or the last pods stay Pending`,
    );
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
  if (infra) {
    const system = systemNodes(table, infra);
    lines.push(...system.lines);
    notes.push(...system.notes);
    const gp3 = table.row('aws', 'ebs', 'gp3');
    const rootGB = (appNodes: number) => (appNodes + system.count) * infra.nodeRootGB;
    const rootLine = monthlyLine(gp3, rootGB(nodes.nodes.max), {
      id: 'node-root-volumes',
      section: 'storage',
      item: `node root volumes (${infra.nodeRootGB} GB gp3 each)`,
      unit: 'GB',
      note: `${nodes.nodes.max} application + ${system.count} system node(s)`,
    });
    lines.push(withMin(rootLine, rootGB(nodes.nodes.min), (gb) => gb * (gp3.usd ?? Number.NaN)));
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
    lines.push(...natAndAddresses(table, infra.network, loadBalancers.length));
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

/**
 * The NAT gateways gantry infra creates (one for all zones below production, one per zone in it)
 * and the public IPv4 addresses they (an Elastic IP each) and the internet-facing load balancers
 * (one per zone each) hold.
 */
export function natAndAddresses(
  table: PriceTable,
  network: { azCount: number; natGateways: number },
  loadBalancers: number,
): CostLine[] {
  const { azCount, natGateways } = network;
  const ips = natGateways + azCount * loadBalancers;
  return [
    hourlyLine(table, table.row('aws', 'vpc', 'nat_gateway_hour'), natGateways, {
      id: 'nat-gateways',
      section: 'network',
      item:
        natGateways === 1 && azCount > 1 ? 'NAT gateway (one for all zones)' : 'NAT gateways (one per zone)',
      unit: 'gateway',
    }),
    hourlyLine(table, table.row('aws', 'vpc', 'public_ipv4'), ips, {
      id: 'public-ipv4',
      section: 'network',
      item: 'public IPv4 addresses',
      unit: 'IP',
      note: `${natGateways} for the NAT gateway${natGateways === 1 ? '' : 's'}${loadBalancers ? ` + ${azCount} per load balancer (one per zone)` : ''}`,
    }),
  ];
}

/**
 * The `system` node group gantry infra creates beside the application one (tainted
 * CriticalAddonsOnly, on demand): desired_size nodes of its type, priced as they run at rest; the
 * cluster autoscaler may add up to max_size. The spot group (when a service tolerates spot) starts
 * at 0 nodes and is said, not priced: the estimate packs every pod onto the application group.
 */
function systemNodes(
  table: PriceTable,
  infra: Footprint,
): { lines: CostLine[]; notes: string[]; count: number } {
  const notes: string[] = [];
  const spot = infra.nodeGroups.spot;
  if (spot)
    notes.push(
      `spot node group: ${spot.desired_size} nodes at rest, up to ${spot.max_size} (${spot.instance_types.join(', ')}) for pods that tolerate its taint — not priced, the estimate places every pod on the application group`,
    );
  const system = infra.nodeGroups.system;
  if (!system) return { lines: [], notes, count: 0 };
  const type = system.instance_types[0]!;
  const line = hourlyLine(table, table.row('aws', 'ec2', type), system.desired_size, {
    id: 'system-nodes',
    section: 'compute',
    item: `system nodes (${type})`,
    unit: 'node',
    note: `gantry infra's system node group (CriticalAddonsOnly taint, for add-ons): ${system.desired_size} at rest, up to ${system.max_size}`,
    commitment: {
      kind: 'ec2',
      instance: type,
      onDemandOnly: 'gantry infra runs the system node group on demand',
    },
  });
  return { lines: [line], notes, count: system.desired_size };
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
