/**
 * Is a workload's rollout done? Read from its status the way `kubectl rollout status` reads it,
 * as a pure function of the object the API returned.
 *
 * Deployment: the controller has seen this spec (status.observedGeneration ≥ metadata.generation);
 * a Progressing condition with reason ProgressDeadlineExceeded (spec.progressDeadlineSeconds passed
 * without progress) or a ReplicaFailure condition (quota, admission) fails it; otherwise it is done when
 * updated = desired, no old replicas remain (status.replicas = updated) and available = updated.
 * StatefulSet: observed generation, ready = desired, and (RollingUpdate without a partition)
 * updated = desired with currentRevision = updateRevision.
 */

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface WorkloadObject {
  kind: string;
  metadata: { name: string; namespace?: string; generation?: number };
  spec?: {
    replicas?: number;
    progressDeadlineSeconds?: number;
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    conditions?: Condition[];
  };
}

export type RolloutState = 'waiting' | 'done' | 'failed';

export interface RolloutStatus {
  state: RolloutState;
  desired: number;
  updated: number;
  ready: number;
  available: number;
  /** One line for the progress display, or why it failed. */
  message: string;
}

export function rolloutStatus(object: WorkloadObject): RolloutStatus {
  return object.kind === 'StatefulSet' ? statefulSetStatus(object) : deploymentStatus(object);
}

function counts(object: WorkloadObject) {
  const status = object.status ?? {};
  return {
    desired: object.spec?.replicas ?? 1,
    updated: status.updatedReplicas ?? 0,
    ready: status.readyReplicas ?? 0,
    available: status.availableReplicas ?? 0,
  };
}

function observed(object: WorkloadObject): boolean {
  const generation = object.metadata.generation ?? 0;
  return (object.status?.observedGeneration ?? -1) >= generation;
}

export function deploymentStatus(object: WorkloadObject): RolloutStatus {
  const n = counts(object);
  const waiting = (message: string): RolloutStatus => ({ state: 'waiting', ...n, message });
  if (!observed(object)) return waiting('waiting for the controller to see the new spec');
  const conditions = object.status?.conditions ?? [];
  const progressing = conditions.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    const seconds = object.spec?.progressDeadlineSeconds ?? 600;
    return {
      state: 'failed',
      ...n,
      message: `exceeded its progress deadline (progressDeadlineSeconds: ${seconds}): ${progressing.message ?? 'no progress'}`,
    };
  }
  const replicaFailure = conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  if (replicaFailure)
    return {
      state: 'failed',
      ...n,
      message: `cannot create pods (${replicaFailure.reason ?? 'ReplicaFailure'}): ${replicaFailure.message ?? ''}`,
    };
  const total = object.status?.replicas ?? 0;
  if (n.updated < n.desired) return waiting(`${n.updated} of ${n.desired} updated replicas`);
  if (total > n.updated) return waiting(`${total - n.updated} old replicas pending termination`);
  if (n.available < n.updated) return waiting(`${n.available} of ${n.updated} updated replicas available`);
  const available = conditions.find((c) => c.type === 'Available');
  if (available && available.status !== 'True')
    return waiting(`not Available yet: ${available.message ?? available.reason ?? ''}`.trim());
  return { state: 'done', ...n, message: `${n.available}/${n.desired} available` };
}

export function statefulSetStatus(object: WorkloadObject): RolloutStatus {
  const n = counts(object);
  const waiting = (message: string): RolloutStatus => ({ state: 'waiting', ...n, message });
  if (!observed(object)) return waiting('waiting for the controller to see the new spec');
  const strategy = object.spec?.updateStrategy;
  if (strategy?.type === 'OnDelete')
    return { state: 'done', ...n, message: 'OnDelete: pods update when deleted' };
  if (n.ready < n.desired) return waiting(`${n.ready} of ${n.desired} ready`);
  const partition = strategy?.rollingUpdate?.partition ?? 0;
  if (partition > 0) {
    if (n.updated < n.desired - partition)
      return waiting(`${n.updated} of ${n.desired - partition} updated (partition ${partition})`);
    return { state: 'done', ...n, message: `${n.ready}/${n.desired} ready (partition ${partition})` };
  }
  const { currentRevision, updateRevision } = object.status ?? {};
  if (n.updated < n.desired || (updateRevision !== undefined && currentRevision !== updateRevision))
    return waiting(`${n.updated} of ${n.desired} updated`);
  return { state: 'done', ...n, message: `${n.ready}/${n.desired} ready` };
}
