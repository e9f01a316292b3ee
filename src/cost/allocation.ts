/**
 * Who pays for the nodes, as OpenCost allocates them (OpenCost spec, Appendix A): a node's
 * price is split into a CPU rate and a memory rate that keep the ratio of the provider's
 * marginal prices and add up to the node's price:
 *
 *   k = node $/h ÷ (vCPU × cpu $/vCPU-h + GiB × mem $/GiB-h)
 *   cpu rate = k × cpu $/vCPU-h,   memory rate = k × mem $/GiB-h
 *
 * Each component pays its requests at those rates; the kube reserve and system pods are
 * "system"; the rest of the capacity is idle (OpenCost's idle = assets − workloads).
 * e.g. m6i.large $0.096/h, 2 vCPU, 8 GiB with AWS Fargate's 0.04048 : 0.004445 →
 * k = 0.096 ÷ (0.08096 + 0.03556) = 0.82389; cpu 0.033351 $/vCPU-h, memory 0.0036622 $/GiB-h.
 */
import type { PodRequest } from './bin-pack.ts';
import type { NodeChoice } from './node-choice.ts';
import type { PriceRef, PriceTable, ProviderName } from './prices.ts';

const GiB = 1024 ** 3;

export interface Share {
  /** A service or backing service, `system` (reserve + kube-system) or `idle`. */
  component: string;
  cpuMillis: number;
  memoryBytes: number;
  monthly: number;
}

export interface Allocation {
  /** The rows whose ratio splits the node price. */
  ratio: { cpu: PriceRef; memory: PriceRef };
  cpuRatePerHour: number;
  memoryRatePerHour: number;
  shares: Share[];
}

/** The marginal CPU and memory prices whose ratio OpenCost would use for this provider and family. */
export function ratioRows(
  table: PriceTable,
  provider: ProviderName,
  nodeType: string,
): { cpu: PriceRef; memory: PriceRef } {
  if (provider === 'aws')
    return {
      cpu: table.row('aws', 'fargate', 'linux_x86_vcpu'),
      memory: table.row('aws', 'fargate', 'linux_x86_memory'),
    };
  // GCP by family; Azure has no per-resource rows, so OpenCost's own defaults (its default.json = n2).
  const family = provider === 'gcp' && nodeType.startsWith('e2-') ? 'e2' : 'n2';
  return {
    cpu: table.row('gcp', 'compute_engine', `${family}_vcpu`),
    memory: table.row('gcp', 'compute_engine', `${family}_memory`),
  };
}

/** At max replicas; null when the node or a ratio row has no price. */
export function allocate(
  choice: NodeChoice,
  nodeHourly: number | null,
  ratio: { cpu: PriceRef; memory: PriceRef },
  hoursPerMonth: number,
  componentOf: (pod: PodRequest) => string,
): Allocation | null {
  if (nodeHourly === null || ratio.cpu.usd === null || ratio.memory.usd === null) return null;
  const { type } = choice;
  const k = nodeHourly / (type.vcpu * ratio.cpu.usd + type.memoryGiB * ratio.memory.usd);
  const cpuRate = k * ratio.cpu.usd;
  const memoryRate = k * ratio.memory.usd;
  const monthlyOf = (cpuMillis: number, memoryBytes: number) =>
    ((cpuMillis / 1000) * cpuRate + (memoryBytes / GiB) * memoryRate) * hoursPerMonth;

  const byComponent = new Map<string, { cpuMillis: number; memoryBytes: number }>();
  const add = (component: string, cpuMillis: number, memoryBytes: number) => {
    const sum = byComponent.get(component) ?? { cpuMillis: 0, memoryBytes: 0 };
    byComponent.set(component, {
      cpuMillis: sum.cpuMillis + cpuMillis,
      memoryBytes: sum.memoryBytes + memoryBytes,
    });
  };
  for (const pod of choice.pods.max) add(componentOf(pod), pod.cpuMillis, pod.memoryBytes);
  const nodes = choice.nodes.max;
  const daemon = choice.daemonSets.reduce((s, p) => ({ c: s.c + p.cpuMillis, m: s.m + p.memoryBytes }), {
    c: 0,
    m: 0,
  });
  add(
    'system',
    nodes * (choice.reserve.cpuMillis + daemon.c),
    nodes * (choice.reserve.memoryBytes + daemon.m),
  );

  const used = [...byComponent.values()].reduce(
    (s, v) => ({ cpuMillis: s.cpuMillis + v.cpuMillis, memoryBytes: s.memoryBytes + v.memoryBytes }),
    { cpuMillis: 0, memoryBytes: 0 },
  );
  const idle = {
    cpuMillis: nodes * type.vcpu * 1000 - used.cpuMillis,
    memoryBytes: nodes * type.memoryGiB * GiB - used.memoryBytes,
  };
  const shares: Share[] = [...byComponent.entries()]
    .sort(([a], [b]) => (a === 'system' ? 1 : b === 'system' ? -1 : a < b ? -1 : 1))
    .map(([component, v]) => ({ component, ...v, monthly: monthlyOf(v.cpuMillis, v.memoryBytes) }));
  shares.push({ component: 'idle', ...idle, monthly: monthlyOf(idle.cpuMillis, idle.memoryBytes) });
  return { ratio, cpuRatePerHour: cpuRate, memoryRatePerHour: memoryRate, shares };
}
