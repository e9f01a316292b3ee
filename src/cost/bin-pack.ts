/**
 * Packing pods onto identical nodes by their requests, as the scheduler must fit them:
 * first-fit decreasing. Pods are sorted by their largest share of a node (CPU or memory),
 * largest first (name breaks ties, so the result is stable); each goes on the first node
 * with room for its CPU, its memory and a pod slot, or on a new node.
 * FFD is within 11/9 of the optimum plus one node for one dimension; with two it is a good
 * estimate, not a proof — the scheduler's own spreading can only add nodes.
 * e.g. allocatable 1930m / 7.3 GiB / 29 pods, 13 pods of 250m → 7 + 6 across 2 nodes.
 */
export interface PodRequest {
  name: string;
  cpuMillis: number;
  memoryBytes: number;
}

export interface NodeCapacity {
  cpuMillis: number;
  memoryBytes: number;
  pods: number;
}

export interface PackedNode {
  pods: PodRequest[];
  cpuMillis: number;
  memoryBytes: number;
}

export type Packing = { ok: true; nodes: PackedNode[] } | { ok: false; tooLarge: PodRequest };

/** `minimumNodes`: at least this many nodes even when fewer would do (one per zone). */
export function packPods(pods: readonly PodRequest[], capacity: NodeCapacity, minimumNodes = 0): Packing {
  const share = (pod: PodRequest) =>
    Math.max(pod.cpuMillis / capacity.cpuMillis, pod.memoryBytes / capacity.memoryBytes);
  const tooLarge = pods.find(
    (pod) =>
      pod.cpuMillis > capacity.cpuMillis || pod.memoryBytes > capacity.memoryBytes || capacity.pods < 1,
  );
  if (tooLarge) return { ok: false, tooLarge };

  const sorted = [...pods].sort(
    (a, b) => share(b) - share(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const nodes: PackedNode[] = [];
  for (const pod of sorted) {
    let node = nodes.find(
      (n) =>
        n.pods.length < capacity.pods &&
        n.cpuMillis + pod.cpuMillis <= capacity.cpuMillis &&
        n.memoryBytes + pod.memoryBytes <= capacity.memoryBytes,
    );
    if (!node) {
      node = { pods: [], cpuMillis: 0, memoryBytes: 0 };
      nodes.push(node);
    }
    node.pods.push(pod);
    node.cpuMillis += pod.cpuMillis;
    node.memoryBytes += pod.memoryBytes;
  }
  while (nodes.length < minimumNodes) nodes.push({ pods: [], cpuMillis: 0, memoryBytes: 0 });
  return { ok: true, nodes };
}
