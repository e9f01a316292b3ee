/**
 * kube-system pods that take node capacity before the app's pods do, with the requests the
 * managed add-ons ship: on EKS the VPC CNI (aws-node, 25m CPU) and kube-proxy (100m CPU) on
 * every node, and CoreDNS (two replicas of 100m CPU / 70Mi). GKE and AKS run their own sets,
 * which the estimate does not model (their reserve is counted; the output says so).
 */
import type { PodRequest } from './bin-pack.ts';
import type { KubernetesTarget } from './reserve.ts';

const MiB = 1024 ** 2;

export interface SystemPods {
  /** On every node (DaemonSets). */
  perNode: PodRequest[];
  /** Once per cluster (Deployments), packed with the app's pods. */
  perCluster: PodRequest[];
}

export function systemPods(target: KubernetesTarget): SystemPods {
  if (target !== 'eks') return { perNode: [], perCluster: [] };
  return {
    perNode: [
      { name: 'kube-system/aws-node', cpuMillis: 25, memoryBytes: 0 },
      { name: 'kube-system/kube-proxy', cpuMillis: 100, memoryBytes: 0 },
    ],
    perCluster: [
      { name: 'kube-system/coredns#1', cpuMillis: 100, memoryBytes: 70 * MiB },
      { name: 'kube-system/coredns#2', cpuMillis: 100, memoryBytes: 70 * MiB },
    ],
  };
}
