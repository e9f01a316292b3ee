import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packPods } from './bin-pack.ts';
import { shippedPrices } from './fixtures.test-support.ts';
import { chooseNodes } from './node-choice.ts';
import { findNodeType } from './node-types.ts';
import { nodeReserve } from './reserve.ts';
import type { Workload } from './workload.ts';

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;
const pods = (n: number, cpuMillis: number, memoryBytes: number, prefix = 'p') =>
  Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i + 1}`, cpuMillis, memoryBytes }));
const counts = (result: ReturnType<typeof packPods>) =>
  result.ok ? result.nodes.map((n) => n.pods.length) : result;

describe('bin packing', () => {
  const node = { cpuMillis: 2000, memoryBytes: 8 * Gi, pods: 29 };

  it('fills a node before opening the next (8 × 250m = one node; 9 → two)', () => {
    assert.deepEqual(counts(packPods(pods(8, 250, 256 * Mi), node)), [8]);
    assert.deepEqual(counts(packPods(pods(9, 250, 256 * Mi), node)), [8, 1]);
  });

  it('memory can be the binding resource', () => {
    // 3 GiB pods: two fit in 8 GiB, the third does not
    assert.deepEqual(counts(packPods(pods(3, 100, 3 * Gi), node)), [2, 1]);
  });

  it('the pod limit binds even when CPU and memory are free', () => {
    assert.deepEqual(counts(packPods(pods(5, 1, Mi), { ...node, pods: 4 })), [4, 1]);
  });

  it('largest first: 1500m, 1000m, 500m, 500m, 500m → two nodes, not three', () => {
    const mixed = [
      ...pods(3, 500, Mi, 's'),
      { name: 'a', cpuMillis: 1500, memoryBytes: Mi },
      { name: 'b', cpuMillis: 1000, memoryBytes: Mi },
    ];
    const result = packPods(mixed, node);
    assert.ok(result.ok);
    assert.deepEqual(
      result.nodes.map((n) => n.pods.map((p) => p.name)),
      [
        ['a', 's1'],
        ['b', 's2', 's3'],
      ],
    );
  });

  it('at least one node per zone, even empty', () => {
    assert.deepEqual(counts(packPods(pods(1, 100, Mi), node, 3)), [1, 0, 0]);
    assert.deepEqual(counts(packPods([], node, 2)), [0, 0]);
  });

  it('a pod exactly the size of a node fits; one millicore more does not', () => {
    assert.deepEqual(counts(packPods(pods(1, 2000, 8 * Gi), node)), [1]);
    const result = packPods(pods(1, 2001, Mi), node);
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.tooLarge.name, 'p1');
  });
});

describe('node reserve', () => {
  it('EKS m6i.large: 60m + 10m CPU; 11 × 29 + 255 = 574 MiB + 100 MiB eviction', () => {
    assert.deepEqual(nodeReserve('eks', findNodeType('aws', 'm6i.large')!), {
      cpuMillis: 70,
      memoryBytes: 674 * Mi,
    });
  });
  it('EKS m5.xlarge: 60 + 10 + 2 × 5 = 80m CPU; 11 × 58 + 255 = 893 MiB + 100', () => {
    assert.deepEqual(nodeReserve('eks', findNodeType('aws', 'm5.xlarge')!), {
      cpuMillis: 80,
      memoryBytes: 993 * Mi,
    });
  });
  it('GKE e2-standard-2 (8 GiB): 25 % of 4 GiB + 20 % of 4 GiB = 1.8 GiB + 100 MiB', () => {
    const r = nodeReserve('gke', findNodeType('gcp', 'e2-standard-2')!);
    assert.equal(r.cpuMillis, 70);
    assert.equal(r.memoryBytes, 1.8 * Gi + 100 * Mi);
  });
  it('AKS D2s_v5 (2 cores, 30 pods): 100m CPU; 20 MB × 30 + 50 MB = 650 MB + 100 MiB', () => {
    assert.deepEqual(nodeReserve('aks', findNodeType('azure', 'Standard_D2s_v5')!), {
      cpuMillis: 100,
      memoryBytes: 650e6 + 100 * Mi,
    });
  });
});

describe('choosing nodes', () => {
  const table = shippedPrices();
  const workload = (
    object: string,
    cpuMillis: number,
    memoryBytes: number,
    min: number,
    max: number,
  ): Workload => ({
    object,
    component: object.split('/')[1]!,
    cpuMillis,
    memoryBytes,
    replicas: { min, max },
    volumeBytes: 0,
    unrequested: false,
  });
  const options = { provider: 'aws' as const, target: 'eks' as const, nodeType: undefined, minimumNodes: 1 };

  it('packs at max and at min: m6i.large allocatable 2000 − 70 − 125 (DaemonSets) = 1805m', () => {
    // 20 × 250m + CoreDNS 2 × 100m = 5200m → ceil(5200 / 1805) = 3 nodes (7 + 7 + 6 pods by CPU);
    // at min 4 × 250m + 200m = 1200m → 1 node
    const choice = chooseNodes([workload('Deployment/api', 250, 256 * Mi, 4, 20)], table, options);
    assert.equal(choice.allocatable.cpuMillis, 1805);
    assert.deepEqual(choice.nodes, { max: 3, min: 1 });
  });

  it('cheapest: the lowest node bill at max replicas among the types that fit', () => {
    // 4 pods of 250m / 256Mi + CoreDNS: t3.micro (4 pods − 2 DaemonSets = 2 slots) needs 3 nodes
    // × 0.0104 = 0.0312/h; t3.small (9 slots, 2 GiB) holds all 6 on one node: 0.0208/h — cheapest.
    const choice = chooseNodes([workload('Deployment/api', 250, 256 * Mi, 4, 4)], table, {
      ...options,
      nodeType: 'cheapest',
    });
    assert.equal(choice.type.name, 't3.small');
    assert.deepEqual(choice.nodes, { max: 1, min: 1 });
  });

  it('a pod larger than the chosen type names the pod and the largest type to pick', () => {
    assert.throws(() => chooseNodes([workload('Deployment/etl', 3000, 1 * Gi, 1, 1)], table, options), {
      message:
        'Deployment/etl: a pod asks for 3 CPU and 1Gi memory, more than one m6i.large (1805m CPU, 7.34Gi allocatable) holds',
      hint: 'pick a larger node type, e.g. --node-type m5.xlarge (the largest known), or --node-type cheapest',
    });
  });

  it('a pod larger than any node type names the pod and the largest type', () => {
    // m5.xlarge: 4000 − 80 − 125 = 3795m; 16 GiB − 993 MiB = 15.03 GiB
    for (const nodeType of [undefined, 'cheapest'])
      assert.throws(
        () =>
          chooseNodes([workload('StatefulSet/olap', 8000, 1 * Gi, 1, 1)], table, { ...options, nodeType }),
        {
          message:
            'StatefulSet/olap: a pod asks for 8 CPU and 1Gi memory, more than any node type holds; the largest known is m5.xlarge (3795m CPU, 15.03Gi allocatable)',
        },
      );
  });

  it('an unknown node type lists the known ones', () => {
    assert.throws(() => chooseNodes([], table, { ...options, nodeType: 'm9.huge' }), {
      message: 'unknown node type m9.huge for aws',
    });
  });
});
