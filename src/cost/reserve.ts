/**
 * What a node keeps for itself before pods get any: kube-reserved CPU and memory plus the
 * kubelet's hard eviction threshold (memory.available < 100Mi on all three), as each
 * managed Kubernetes sets them — allocatable = capacity − reserve.
 *
 * EKS (the EKS AMI's bootstrap):   memory 11 MiB × maxPods + 255 MiB;
 *   CPU 6 % of the first core, 1 % of the second, 0.5 % of cores 3–4, 0.25 % above 4.
 * GKE: memory 25 % of the first 4 GiB, 20 % of the next 4, 10 % of the next 8, 6 % of the
 *   next 112, 2 % above 128 GiB (255 MiB below 1 GiB); CPU as EKS.
 * AKS (1.29 and later): memory min(20 MB × maxPods + 50 MB, 25 % of memory);
 *   CPU from AKS's table: 1 core 60m, 2 → 100m, 4 → 140m, 8 → 180m, 16 → 260m, 32 → 420m, 64 → 740m.
 * e.g. m6i.large on EKS (2 vCPU, 29 pods): 60m + 10m = 70m CPU; 11 × 29 + 255 = 574 MiB + 100 MiB.
 */
import type { NodeType } from './node-types.ts';

export type KubernetesTarget = 'eks' | 'gke' | 'aks';

export interface Reserve {
  cpuMillis: number;
  memoryBytes: number;
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const EVICTION_HARD = 100 * MiB;

export function nodeReserve(target: KubernetesTarget, node: NodeType): Reserve {
  const memoryBytes = node.memoryGiB * GiB;
  switch (target) {
    case 'eks':
      return {
        cpuMillis: tieredCpu(node.vcpu),
        memoryBytes: (11 * node.maxPods + 255) * MiB + EVICTION_HARD,
      };
    case 'gke':
      return { cpuMillis: tieredCpu(node.vcpu), memoryBytes: gkeMemory(memoryBytes) + EVICTION_HARD };
    case 'aks':
      return {
        cpuMillis: aksCpu(node.vcpu),
        memoryBytes: Math.min((20 * node.maxPods + 50) * 1e6, 0.25 * memoryBytes) + EVICTION_HARD,
      };
  }
}

function tieredCpu(cores: number): number {
  const tiers: [upTo: number, share: number][] = [
    [1, 0.06],
    [2, 0.01],
    [4, 0.005],
    [Number.POSITIVE_INFINITY, 0.0025],
  ];
  let reserved = 0;
  let from = 0;
  for (const [upTo, share] of tiers) {
    if (cores <= from) break;
    reserved += (Math.min(cores, upTo) - from) * 1000 * share;
    from = upTo;
  }
  return reserved;
}

function gkeMemory(bytes: number): number {
  if (bytes < GiB) return 255 * MiB;
  const tiers: [upToGiB: number, share: number][] = [
    [4, 0.25],
    [8, 0.2],
    [16, 0.1],
    [128, 0.06],
    [Number.POSITIVE_INFINITY, 0.02],
  ];
  let reserved = 0;
  let from = 0;
  for (const [upTo, share] of tiers) {
    const top = upTo * GiB;
    if (bytes <= from) break;
    reserved += (Math.min(bytes, top) - from) * share;
    from = top;
  }
  return reserved;
}

const AKS_CPU: [cores: number, millis: number][] = [
  [1, 60],
  [2, 100],
  [4, 140],
  [8, 180],
  [16, 260],
  [32, 420],
  [64, 740],
];

function aksCpu(cores: number): number {
  return (AKS_CPU.find(([upTo]) => cores <= upTo) ?? AKS_CPU[AKS_CPU.length - 1]!)[1];
}
