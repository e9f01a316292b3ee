/**
 * Node types the estimate can pack onto: capacity (vCPU, memory), the pod limit a node
 * registers with, and where its hourly price lives in the price table. Capacities are the
 * providers' published instance sizes; pod limits are EKS's ENI-based max pods (amazon-vpc-cni
 * misc/eni-max-pods.txt), GKE's default 110 and AKS's Azure CNI default 30.
 * Prices are never here: only the key of their row.
 */
import type { ProviderName } from './prices.ts';

export interface NodeType {
  name: string;
  provider: ProviderName;
  vcpu: number;
  memoryGiB: number;
  maxPods: number;
  /** The price table row: provider.category.name. */
  priceCategory: string;
}

const aws = (name: string, vcpu: number, memoryGiB: number, maxPods: number): NodeType => ({
  name,
  provider: 'aws',
  vcpu,
  memoryGiB,
  maxPods,
  priceCategory: 'ec2',
});

export const NODE_TYPES: readonly NodeType[] = [
  aws('t3.micro', 2, 1, 4),
  aws('t3.small', 2, 2, 11),
  aws('t3.medium', 2, 4, 17),
  aws('t3a.medium', 2, 4, 17),
  aws('t3.large', 2, 8, 35),
  aws('c5.large', 2, 4, 29),
  aws('m5.large', 2, 8, 29),
  aws('m6i.large', 2, 8, 29),
  aws('m5.xlarge', 4, 16, 58),
  {
    name: 'e2-standard-2',
    provider: 'gcp',
    vcpu: 2,
    memoryGiB: 8,
    maxPods: 110,
    priceCategory: 'compute_engine',
  },
  {
    name: 'n2-standard-2',
    provider: 'gcp',
    vcpu: 2,
    memoryGiB: 8,
    maxPods: 110,
    priceCategory: 'compute_engine',
  },
  {
    name: 'Standard_D2s_v5',
    provider: 'azure',
    vcpu: 2,
    memoryGiB: 8,
    maxPods: 30,
    priceCategory: 'virtual_machines',
  },
];

/** A current general-purpose type with room for a few services: 2 vCPU, 8 GiB. */
export const DEFAULT_NODE_TYPE: Record<ProviderName, string> = {
  aws: 'm6i.large',
  gcp: 'e2-standard-2',
  azure: 'Standard_D2s_v5',
};

export function nodeTypesOf(provider: ProviderName): NodeType[] {
  return NODE_TYPES.filter((type) => type.provider === provider);
}

export function findNodeType(provider: ProviderName, name: string): NodeType | undefined {
  return nodeTypesOf(provider).find((type) => type.name === name);
}
