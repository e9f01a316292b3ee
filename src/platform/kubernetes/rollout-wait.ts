/**
 * Waits until every applied Deployment and StatefulSet has rolled out, from a watch on each
 * (re-opened when the server closes it), reporting every status change. Fails as soon as one
 * fails (progress deadline, replica failure) or its pods back off pulling their image, and at
 * the timeout with what each unfinished workload is still waiting for.
 */
import type { K8sObject } from '../../render/kubernetes/index.ts';
import { KubeError } from './api-failure.ts';
import type { Cluster } from './cluster-api.ts';
import { describeImagePullFailures, imagePullFailures, type PodLike } from './image-pull.ts';
import { describeObject } from './kinds.ts';
import { type RolloutStatus, rolloutStatus } from './rollout-status.ts';
import { unschedulableLines } from './unschedulable.ts';

export interface WaitOptions {
  timeoutMs: number;
  /** How often to look at the pods of unfinished workloads for image pull back-off. */
  podCheckMs?: number;
  /** Pause before re-opening a watch the server closed. */
  rewatchMs?: number;
}

export function isWorkload(object: K8sObject): boolean {
  return object.kind === 'Deployment' || object.kind === 'StatefulSet';
}

export async function waitForRollouts(
  cluster: Cluster,
  workloads: readonly K8sObject[],
  options: WaitOptions,
  report: (workload: K8sObject, status: RolloutStatus) => void,
): Promise<void> {
  if (workloads.length === 0) return;
  const last = new Map<K8sObject, RolloutStatus>();
  const pending = new Set(workloads);
  const stops: (() => void)[] = [];
  const timers: NodeJS.Timeout[] = [];
  let finished = false;

  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => {
        if (!finished) reject(error);
        finished = true;
      };
      const diagnoseAndFail = async (workload: K8sObject, reason: string) => {
        const pulls = await imagePullLines(cluster, workload).catch(() => []);
        fail(
          new KubeError(
            [`${describeObject(workload)} ${reason}`, ...pulls].join('\n  '),
            hintFor(workload, pulls),
          ),
        );
      };

      const open = async (workload: K8sObject): Promise<void> => {
        if (finished) return;
        const watch = await cluster.watch(
          workload,
          (object) => {
            if (finished || !pending.has(workload)) return;
            const status = rolloutStatus(object);
            last.set(workload, status);
            report(workload, status);
            if (status.state === 'failed') void diagnoseAndFail(workload, status.message);
            if (status.state !== 'done') return;
            pending.delete(workload);
            if (pending.size === 0) {
              finished = true;
              resolve();
            }
          },
          (error) => {
            if (finished || !pending.has(workload)) return;
            if (error) return fail(error);
            timers.push(setTimeout(() => void open(workload).catch(fail), options.rewatchMs ?? 1000));
          },
        );
        if (finished) watch.stop();
        else stops.push(() => watch.stop());
      };
      for (const workload of workloads) void open(workload).catch(fail);

      timers.push(
        setTimeout(() => {
          const lines = [...pending].map(
            (w) => `${describeObject(w)}: ${last.get(w)?.message ?? 'no status seen'}`,
          );
          void Promise.all([...pending].map((w) => podProblemLines(cluster, w).catch(() => []))).then(
            (pulls) =>
              fail(
                new KubeError(
                  [
                    `rollout not finished after ${formatMs(options.timeoutMs)}:`,
                    ...lines,
                    ...pulls.flat(),
                  ].join('\n  '),
                  pulls.flat().some((line) => line.startsWith('image '))
                    ? 'fix the image reference or its pull secret, then apply again'
                    : 'look at the pods: kubectl get pods,events -n <namespace>; or wait longer with --timeout',
                ),
              ),
          );
        }, options.timeoutMs),
      );

      const checkPods = setInterval(() => {
        for (const workload of pending)
          void imagePullFailuresOf(cluster, workload)
            .then((failures) => {
              const backedOff = failures.filter((f) => f.reason !== 'ErrImagePull');
              if (backedOff.length > 0 && pending.has(workload))
                void diagnoseAndFail(workload, 'cannot start its pods:');
            })
            .catch(() => undefined);
      }, options.podCheckMs ?? 5000);
      timers.push(checkPods);
    });
  } finally {
    finished = true;
    for (const timer of timers) clearTimeout(timer);
    for (const stop of stops) stop();
  }
}

async function podsOf(cluster: Cluster, workload: K8sObject): Promise<PodLike[]> {
  const selector = (workload.spec as { selector?: { matchLabels?: Record<string, string> } }).selector
    ?.matchLabels;
  if (!selector) return [];
  const namespace = workload.metadata.namespace ?? 'default';
  const labelSelector = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return cluster.pods(namespace, labelSelector);
}

async function imagePullFailuresOf(cluster: Cluster, workload: K8sObject) {
  const pods = await podsOf(cluster, workload);
  if (pods.length === 0) return [];
  const namespace = workload.metadata.namespace ?? 'default';
  const names = new Set(pods.map((p) => p.metadata.name));
  const events = (await cluster.podEvents(namespace)).filter((e) => names.has(e.involvedObject?.name ?? ''));
  return imagePullFailures(pods, events);
}

async function imagePullLines(cluster: Cluster, workload: K8sObject): Promise<string[]> {
  return describeImagePullFailures(await imagePullFailuresOf(cluster, workload));
}

/** At the timeout: images that cannot be pulled, and pods the scheduler cannot place (an unbound volume claim, no room). */
async function podProblemLines(cluster: Cluster, workload: K8sObject): Promise<string[]> {
  const [pulls, pods] = await Promise.all([imagePullLines(cluster, workload), podsOf(cluster, workload)]);
  return [...pulls, ...unschedulableLines(pods)];
}

function hintFor(workload: K8sObject, pulls: string[]): string {
  const ns = workload.metadata.namespace ?? 'default';
  if (pulls.length > 0)
    return 'check the image name and tag, and that the registry credentials (imagePullSecrets) are in place';
  return `kubectl describe ${workload.kind.toLowerCase()} ${workload.metadata.name} -n ${ns} and kubectl get events -n ${ns} show why`;
}

function formatMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`;
}
