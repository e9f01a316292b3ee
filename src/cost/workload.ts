/**
 * What a rendered app asks of a cluster, read from the objects `renderKubernetes` returns
 * (so the estimate follows the manifests, not a second reading of the spec):
 * - pods: each Deployment / StatefulSet / CloudNativePG Cluster with its pod's requests
 *   (summed over containers) and its replica range — an HPA's minReplicas..maxReplicas when
 *   one scales it, else spec.replicas (Kubernetes' default 1) at both ends;
 * - volumes: volumeClaimTemplates (and a Cluster's storage) × replicas;
 * - exposure: Services of type LoadBalancer and Ingresses (with their class).
 */
import type { K8sObject } from '../render/kubernetes/types.ts';
import { parseCpu, parseMemory } from '../spec/units.ts';

export interface Workload {
  /** The object: `Deployment/api-canary`. */
  object: string;
  /** The service or backing service it belongs to (blue, green and canary tracks share one). */
  component: string;
  cpuMillis: number;
  memoryBytes: number;
  replicas: { min: number; max: number };
  /** Persistent volume bytes per replica. */
  volumeBytes: number;
  /** True when no container sets a request: it still takes a pod slot, but no capacity. */
  unrequested: boolean;
}

export interface Exposure {
  loadBalancerServices: string[];
  ingresses: { name: string; className: string | undefined }[];
}

export interface WorkloadSummary {
  workloads: Workload[];
  exposure: Exposure;
}

type Container = { resources?: { requests?: { cpu?: string | number; memory?: string | number } } };
type PodSpec = { containers?: Container[] };

export function readWorkloads(objects: readonly K8sObject[]): WorkloadSummary {
  const scaled = new Map<string, { min: number; max: number }>();
  for (const object of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const spec = object.spec as {
      scaleTargetRef: { kind: string; name: string };
      minReplicas?: number;
      maxReplicas: number;
    };
    scaled.set(`${spec.scaleTargetRef.kind}/${spec.scaleTargetRef.name}`, {
      min: spec.minReplicas ?? 1,
      max: spec.maxReplicas,
    });
  }
  const workloads = objects.flatMap((object) => workloadOf(object, scaled));
  return {
    workloads,
    exposure: {
      loadBalancerServices: objects
        .filter((o) => o.kind === 'Service' && (o.spec as { type?: string }).type === 'LoadBalancer')
        .map((o) => o.metadata.name),
      ingresses: objects
        .filter((o) => o.kind === 'Ingress')
        .map((o) => ({
          name: o.metadata.name,
          className: (o.spec as { ingressClassName?: string }).ingressClassName,
        })),
    },
  };
}

function workloadOf(object: K8sObject, scaled: Map<string, { min: number; max: number }>): Workload[] {
  // A service's Deployments (stable, canary, blue, green) share its component label; a backing
  // service's objects are named after it (shop-db), which reads better than its kind.
  const component =
    object.kind === 'Deployment'
      ? (object.metadata.labels?.['app.kubernetes.io/component'] ?? object.metadata.name)
      : object.metadata.name;
  const ref = `${object.kind}/${object.metadata.name}`;
  if (object.kind === 'Deployment' || object.kind === 'StatefulSet') {
    const spec = object.spec as {
      replicas?: number;
      template: { spec: PodSpec };
      volumeClaimTemplates?: { spec: { resources: { requests: { storage: string } } } }[];
    };
    const fixed = spec.replicas ?? 1;
    const requests = podRequests(spec.template.spec);
    return [
      {
        object: ref,
        component,
        ...requests,
        replicas: scaled.get(ref) ?? { min: fixed, max: fixed },
        volumeBytes: (spec.volumeClaimTemplates ?? []).reduce(
          (sum, claim) => sum + (parseMemory(claim.spec.resources.requests.storage) ?? 0),
          0,
        ),
      },
    ];
  }
  if (object.kind === 'Cluster' && object.apiVersion.startsWith('postgresql.cnpg.io/')) {
    // CloudNativePG: `instances` pods; no resources unless the Cluster sets them.
    const spec = object.spec as {
      instances: number;
      storage?: { size?: string };
      resources?: { requests?: { cpu?: string; memory?: string } };
    };
    const requests = podRequests({ containers: [{ resources: spec.resources ?? {} }] });
    return [
      {
        object: ref,
        component,
        ...requests,
        replicas: { min: spec.instances, max: spec.instances },
        volumeBytes: parseMemory(spec.storage?.size ?? '0') ?? 0,
      },
    ];
  }
  return [];
}

function podRequests(pod: PodSpec): { cpuMillis: number; memoryBytes: number; unrequested: boolean } {
  let cpuMillis = 0;
  let memoryBytes = 0;
  let any = false;
  for (const container of pod.containers ?? []) {
    const requests = container.resources?.requests;
    if (requests?.cpu !== undefined) {
      cpuMillis += parseCpu(requests.cpu) ?? 0;
      any = true;
    }
    if (requests?.memory !== undefined) {
      memoryBytes += parseMemory(requests.memory) ?? 0;
      any = true;
    }
  }
  return { cpuMillis, memoryBytes, unrequested: !any };
}
