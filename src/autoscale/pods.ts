/**
 * Which pods a per-pod metric counts, as the controller's groupPods sorts them:
 *
 * - ignored: being deleted, or Failed — left out entirely;
 * - unready: Pending; or, for CPU only, not ready yet (see below) — left out, and counted as
 *   0 when the metric asks to scale up;
 * - missing: Running with no sample of the metric — filled in after a first pass (0 when
 *   scaling up, the target when scaling down);
 * - ready: everything else, with its sample.
 *
 * CPU readiness (kube-controller-manager --horizontal-pod-autoscaler-cpu-initialization-period,
 * default 5 min, and --horizontal-pod-autoscaler-initial-readiness-delay, default 30 s):
 * within the initialization period after start, a pod's sample is ignored if the pod is not
 * ready or the sample's window began before the pod last became ready; after it, only a pod
 * that is not ready and has never been ready (its readiness last changed within the delay of
 * its start) is ignored. Other metrics than CPU ignore readiness. When the input gives neither
 * start nor readiness-change time, an unready pod is simply unready (Kubernetes always has both).
 */
import type { ControllerConfig, PodState } from './hpa-data.ts';

export interface Sample {
  pod: PodState;
  value: bigint;
  sampledAt?: number;
  windowSeconds?: number;
}

export interface PodGroups {
  ready: Sample[];
  unready: PodState[];
  missing: PodState[];
  ignored: PodState[];
}

export function groupPods(
  pods: readonly PodState[],
  sampleOf: (pod: PodState) => Omit<Sample, 'pod'> | undefined,
  cpu: boolean,
  now: number,
  config: ControllerConfig,
): PodGroups {
  const groups: PodGroups = { ready: [], unready: [], missing: [], ignored: [] };
  for (const pod of pods) {
    const phase = pod.phase ?? 'Running';
    if (pod.deleting || phase === 'Failed') groups.ignored.push(pod);
    else if (phase === 'Pending') groups.unready.push(pod);
    else {
      const sample = sampleOf(pod);
      if (!sample) groups.missing.push(pod);
      else if (cpu && cpuSampleUnready(pod, sample, now, config)) groups.unready.push(pod);
      else groups.ready.push({ pod, ...sample });
    }
  }
  return groups;
}

function cpuSampleUnready(
  pod: PodState,
  sample: Omit<Sample, 'pod'>,
  now: number,
  config: ControllerConfig,
): boolean {
  const ready = pod.ready ?? true;
  if (pod.startedAt === undefined && pod.readyChangedAt === undefined) return !ready;
  const started = pod.startedAt ?? Number.NEGATIVE_INFINITY;
  const changed = pod.readyChangedAt ?? started;
  if (started + config.cpuInitializationPeriodSeconds * 1000 > now) {
    const window = (sample.windowSeconds ?? config.metricWindowSeconds) * 1000;
    return !ready || (sample.sampledAt ?? now) < changed + window;
  }
  return !ready && started + config.initialReadinessDelaySeconds * 1000 > changed;
}

/** Running and Ready: the pods an Object or External metric's replica count is based on. */
export function readyPodCount(pods: readonly PodState[]): number {
  return pods.filter((pod) => (pod.phase ?? 'Running') === 'Running' && (pod.ready ?? true)).length;
}
