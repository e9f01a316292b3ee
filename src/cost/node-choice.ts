/**
 * How many nodes of which type the pods need: allocatable = capacity − the node's reserve −
 * its DaemonSet pods; the app's pods (and cluster-wide system pods) are bin-packed onto it at
 * max and at min replicas, with at least one node per zone. `cheapest` packs onto every priced
 * type of the provider and keeps the lowest monthly node bill at max replicas.
 */
import { type NodeCapacity, type PodRequest, packPods } from './bin-pack.ts';
import { CostError } from './errors.ts';
import { DEFAULT_NODE_TYPE, findNodeType, type NodeType, nodeTypesOf } from './node-types.ts';
import type { PriceTable, ProviderName } from './prices.ts';
import { type KubernetesTarget, nodeReserve, type Reserve } from './reserve.ts';
import { systemPods } from './system-pods.ts';
import type { Workload } from './workload.ts';

const GiB = 1024 ** 3;

export interface NodeChoice {
  type: NodeType;
  reserve: Reserve;
  /** What is left for pods on each node after the reserve and the DaemonSets. */
  allocatable: NodeCapacity;
  /** The DaemonSet pods on each node. */
  daemonSets: PodRequest[];
  nodes: { max: number; min: number };
  /** Every pod placed at max / min replicas (system pods included). */
  pods: { max: PodRequest[]; min: PodRequest[] };
}

export interface NodeChoiceOptions {
  provider: ProviderName;
  target: KubernetesTarget;
  /** A type name, 'cheapest', or undefined for the provider's default. */
  nodeType: string | undefined;
  minimumNodes: number;
}

export function chooseNodes(
  workloads: readonly Workload[],
  table: PriceTable,
  options: NodeChoiceOptions,
): NodeChoice {
  const known = nodeTypesOf(options.provider);
  if (options.nodeType === 'cheapest') return cheapest(workloads, table, options, known);
  const name = options.nodeType ?? DEFAULT_NODE_TYPE[options.provider];
  const type = findNodeType(options.provider, name);
  if (!type)
    throw new CostError(
      `unknown node type ${name} for ${options.provider}`,
      `known: ${known.map((t) => t.name).join(', ')}, or --node-type cheapest`,
    );
  const choice = packOnto(type, workloads, options);
  if ('tooLarge' in choice) throw tooLargeError(choice.tooLarge, type, known, options.target);
  return choice;
}

function cheapest(
  workloads: readonly Workload[],
  table: PriceTable,
  options: NodeChoiceOptions,
  known: NodeType[],
): NodeChoice {
  const priced = known
    .map((type) => ({ type, usd: table.row(options.provider, type.priceCategory, type.name).usd }))
    .filter((entry): entry is { type: NodeType; usd: number } => entry.usd !== null);
  const fits = priced.flatMap(({ type, usd }) => {
    const choice = packOnto(type, workloads, options);
    return 'tooLarge' in choice ? [] : [{ choice, monthly: choice.nodes.max * usd }];
  });
  fits.sort(
    (a, b) =>
      a.monthly - b.monthly ||
      a.choice.nodes.max - b.choice.nodes.max ||
      (a.choice.type.name < b.choice.type.name ? -1 : 1),
  );
  if (fits[0]) return fits[0].choice;
  const largest = largestType(known);
  const attempt = packOnto(largest, workloads, options);
  throw tooLargeError(
    'tooLarge' in attempt ? attempt.tooLarge : { name: '?', cpuMillis: 0, memoryBytes: 0 },
    largest,
    known,
    options.target,
  );
}

function packOnto(
  type: NodeType,
  workloads: readonly Workload[],
  options: NodeChoiceOptions,
): NodeChoice | { tooLarge: PodRequest } {
  const reserve = nodeReserve(options.target, type);
  const system = systemPods(options.target);
  const allocatable = capacityOf(type, options.target);
  const podsAt = (scale: 'max' | 'min') => [
    ...system.perCluster,
    ...workloads.flatMap((w) =>
      Array.from({ length: w.replicas[scale] }, (_, i) => ({
        name: `${w.object}#${i + 1}`,
        cpuMillis: w.cpuMillis,
        memoryBytes: w.memoryBytes,
      })),
    ),
  ];
  const pods = { max: podsAt('max'), min: podsAt('min') };
  const atMax = packPods(pods.max, allocatable, options.minimumNodes);
  if (!atMax.ok) return { tooLarge: atMax.tooLarge };
  const atMin = packPods(pods.min, allocatable, options.minimumNodes);
  if (!atMin.ok) return { tooLarge: atMin.tooLarge };
  return {
    type,
    reserve,
    allocatable,
    daemonSets: system.perNode,
    nodes: { max: atMax.nodes.length, min: atMin.nodes.length },
    pods,
  };
}

function largestType(types: readonly NodeType[]): NodeType {
  return [...types].sort((a, b) => b.vcpu * 8 + b.memoryGiB - (a.vcpu * 8 + a.memoryGiB))[0]!;
}

function tooLargeError(
  pod: PodRequest,
  type: NodeType,
  known: NodeType[],
  target: KubernetesTarget,
): CostError {
  const largest = largestType(known);
  const what = `${pod.name.replace(/#\d+$/, '')}: a pod asks for ${cpu(pod.cpuMillis)} CPU and ${gib(pod.memoryBytes)} memory`;
  const room = (t: NodeType) => {
    const free = capacityOf(t, target);
    return `${t.name} (${cpu(free.cpuMillis)} CPU, ${gib(free.memoryBytes)} allocatable)`;
  };
  if (type.name !== largest.name && packPods([pod], capacityOf(largest, target), 0).ok)
    return new CostError(
      `${what}, more than one ${room(type)} holds`,
      `pick a larger node type, e.g. --node-type ${largest.name} (the largest known), or --node-type cheapest`,
    );
  return new CostError(
    `${what}, more than any node type holds; the largest known is ${room(largest)}`,
    'lower its resources.requests, or split the work over more, smaller pods',
  );
}

/** Allocatable for pods: capacity − reserve − the DaemonSets on every node. */
function capacityOf(type: NodeType, target: KubernetesTarget): NodeCapacity {
  const reserve = nodeReserve(target, type);
  const system = systemPods(target).perNode;
  return {
    cpuMillis: type.vcpu * 1000 - reserve.cpuMillis - system.reduce((s, p) => s + p.cpuMillis, 0),
    memoryBytes: type.memoryGiB * GiB - reserve.memoryBytes - system.reduce((s, p) => s + p.memoryBytes, 0),
    pods: type.maxPods - system.length,
  };
}

export function cpu(millis: number): string {
  return millis % 1000 === 0 ? `${millis / 1000}` : `${Math.round(millis)}m`;
}

export function gib(bytes: number): string {
  const value = bytes / GiB;
  return `${Number(value.toFixed(2))}Gi`;
}
