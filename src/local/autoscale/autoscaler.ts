/**
 * The HorizontalPodAutoscaler controller of the local platform. Every sync period (15 s, as
 * kube-controller-manager's --horizontal-pod-autoscaler-sync-period) and for every service with
 * `autoscale:` it
 *
 *   1. samples each replica's process tree (CPU, memory) and its requests/s at the load balancer;
 *   2. shows them to the pure algorithm as Kubernetes pods (src/local/autoscale/observed.ts) and
 *      runs `decide` with the HPA spec production gets (hpaSpecForService: rendered, read back);
 *   3. scales through the Platform, as the release runner does: new replicas join the load
 *      balancer once ready, removed ones drain gracefully (the service controller's job);
 *   4. keeps the returned history (recommendations, scale events) for the next sync, and records
 *      what Kubernetes would: SuccessfulRescale with "New size: N; reason: …", and the condition
 *      reason (ScaleUpLimit, ScaleDownStabilized, FailedGetResourceMetric…) whenever it changes.
 *
 * While a release runs two versions the autoscaler waits: the release runner owns the replica
 * counts until one version is left (it starts the new version at the stable one's count).
 * A manual `gantry scale` is accepted and overridden at the next sync, as an HPA overrides a
 * manual `kubectl scale` of its target.
 */
import { hpaSpecForService } from '../../autoscale/from-spec.ts';
import { decide } from '../../autoscale/hpa.ts';
import {
  type ControllerConfig,
  DEFAULT_CONTROLLER,
  EMPTY_HISTORY,
  type History,
  type HpaSpec,
} from '../../autoscale/hpa-data.ts';
import { type AutoscaleStatus, decisionStatus, pendingStatus } from '../../autoscale/status.ts';
import type { Platform } from '../../platform/platform.ts';
import type { AppModel } from '../../spec/model.ts';
import type { ReplicaView, ServiceController } from '../service-controller.ts';
import { startedAtMs } from '../supervisor/process-group.ts';
import { observedFor, type ReplicaSnapshot, type Requests } from './observed.ts';
import { RateTracker } from './rate.ts';
import { ReadinessTransitions } from './readiness.ts';
import { type ReplicaUsage, ReplicaUsageSampler } from './replica-usage.ts';

/** kube-controller-manager's default --horizontal-pod-autoscaler-sync-period. */
export const DEFAULT_SYNC_PERIOD_MS = 15_000;

type RecordEvent = (service: string, type: 'Normal' | 'Warning', reason: string, message: string) => void;

export interface AutoscalerOptions {
  syncPeriodMs?: number;
  /** The controller-wide settings (tolerance, CPU initialization period…); Kubernetes' defaults. */
  controller?: ControllerConfig;
  now?: () => number;
}

interface Target {
  spec: HpaSpec;
  requests: Requests;
  history: History;
  status: AutoscaleStatus;
  /** The last reason recorded as an event, so only changes are recorded. */
  lastReason?: string;
}

export class Autoscaler {
  private readonly targets = new Map<string, Target>();
  private readonly usage = new ReplicaUsageSampler();
  private readonly served = new RateTracker();
  private readonly readiness = new ReadinessTransitions();
  private readonly syncPeriodMs: number;
  private readonly config: ControllerConfig;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;

  constructor(
    model: AppModel,
    private readonly controllers: ReadonlyMap<string, ServiceController>,
    private readonly platform: Platform,
    private readonly record: RecordEvent,
    options: AutoscalerOptions = {},
  ) {
    this.syncPeriodMs = options.syncPeriodMs ?? DEFAULT_SYNC_PERIOD_MS;
    this.config = options.controller ?? DEFAULT_CONTROLLER;
    this.now = options.now ?? Date.now;
    for (const service of Object.values(model.services)) {
      const spec = hpaSpecForService(model, service.name);
      if (!spec) continue;
      const current = controllers.get(service.name)?.desired()[0]?.replicas ?? service.replicas;
      this.targets.set(service.name, {
        spec,
        requests: {
          ...(service.resources?.requests?.cpu !== undefined ? { cpu: service.resources.requests.cpu } : {}),
          ...(service.resources?.requests?.memory !== undefined
            ? { memory: service.resources.requests.memory }
            : {}),
        },
        history: EMPTY_HISTORY,
        status: pendingStatus(
          spec,
          current,
          this.syncPeriodMs / 1000,
          'WaitingForFirstSync',
          `the first sync is due within ${this.syncPeriodMs / 1000}s`,
        ),
      });
    }
  }

  /** Takes the first samples now (CPU is a rate: it needs a reading to start from), then syncs every period. */
  start(): void {
    if (this.targets.size === 0) return;
    this.sample(this.now());
    // sync() catches each service's failure and records it; what could still escape is the
    // recording itself failing (the store closing under a shutdown), which must not crash the daemon.
    this.timer = setInterval(() => void this.sync().catch(() => undefined), this.syncPeriodMs);
  }

  /** Stops syncing; resolves once a sync in progress has finished (so the store can close after it). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.syncing?.catch(() => undefined);
  }

  /** The autoscaling state of a service, or undefined when it is not autoscaled. */
  status(service: string): AutoscaleStatus | undefined {
    return this.targets.get(service)?.status;
  }

  /** One sync of every autoscaled service; a sync still running when the next is due is not doubled. */
  sync(): Promise<void> {
    this.syncing ??= (async () => {
      const now = this.now();
      const sampled = this.sample(now);
      for (const [name, target] of this.targets) {
        try {
          await this.syncService(name, target, sampled, now);
        } catch (error) {
          this.recordReason(name, target, 'Warning', 'FailedRescale', (error as Error).message);
        }
      }
    })().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  /** Samples every replica of every autoscaled service once: one /proc read for all of them. */
  private sample(now: number): Map<string, ReplicaSnapshot> {
    const views: ReplicaView[] = [];
    const served = new Map<string, number>();
    for (const name of this.targets.keys()) {
      const controller = this.controllers.get(name);
      if (!controller) continue;
      views.push(...controller.views());
      for (const [id, count] of controller.requestsServed()) served.set(id, count);
    }
    const usage = this.usage.sample(views, now);
    const snapshots = new Map<string, ReplicaSnapshot>();
    for (const view of views) {
      const rate = served.has(view.id) ? this.served.observe(view.id, served.get(view.id)!, now) : undefined;
      snapshots.set(view.id, snapshot(view, usage.get(view.id), rate?.perSecond, this.readiness, now));
    }
    const ids = new Set(views.map((view) => view.id));
    this.served.retain(ids);
    this.readiness.retain(ids);
    return snapshots;
  }

  private async syncService(
    name: string,
    target: Target,
    sampled: ReadonlyMap<string, ReplicaSnapshot>,
    now: number,
  ): Promise<void> {
    const controller = this.controllers.get(name);
    if (!controller) return;
    const desired = controller.desired().filter((entry) => entry.replicas > 0 || entry.weight > 0);
    const period = this.syncPeriodMs / 1000;
    if (desired.length !== 1) {
      const versions = desired.map((entry) => entry.version).join(', ') || 'none';
      target.status = pendingStatus(
        target.spec,
        desired.reduce((sum, entry) => sum + entry.replicas, 0),
        period,
        'WaitingForRelease',
        `a release runs versions ${versions}; autoscaling resumes when one version is left`,
      );
      return;
    }
    const { version, replicas: current } = desired[0]!;
    const replicas = controller
      .views()
      .filter((view) => view.version === version)
      .map((view) => sampled.get(view.id))
      .filter((snapshot) => snapshot !== undefined);
    const observed = observedFor(current, target.requests, replicas, now);
    const decision = decide(target.spec, observed, target.history, now, this.config);
    target.history = decision.history;
    target.status = decisionStatus(decision, period, now);
    if (decision.rescale) {
      await this.platform.scale(name, version, decision.desiredReplicas);
      this.record(
        name,
        'Normal',
        'SuccessfulRescale',
        `New size: ${decision.desiredReplicas}; reason: ${decision.rescaleReason ?? decision.message}`,
      );
    }
    const failed = decision.path === 'metrics-failed';
    this.recordReason(name, target, failed ? 'Warning' : 'Normal', decision.reason, decision.message);
  }

  private recordReason(
    name: string,
    target: Target,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): void {
    if (target.lastReason === reason) return;
    target.lastReason = reason;
    this.record(name, type, reason, message);
  }
}

function snapshot(
  view: ReplicaView,
  usage: ReplicaUsage | undefined,
  requestsPerSecond: number | undefined,
  readiness: ReadinessTransitions,
  now: number,
): ReplicaSnapshot {
  const readyChangedAt = readiness.observe(view.id, view.ready, now);
  return {
    id: view.id,
    scheduled: view.pid !== null || view.state !== 'starting',
    ready: view.ready,
    terminating: view.state === 'terminating',
    ...(usage ? { startedAt: startedAtMs(usage.startTime, now) } : {}),
    ...(readyChangedAt !== undefined ? { readyChangedAt } : {}),
    ...(usage?.cpuMillicores !== undefined
      ? { cpuMillicores: usage.cpuMillicores, windowSeconds: usage.windowSeconds! }
      : {}),
    ...(usage?.memoryBytes !== undefined ? { memoryBytes: usage.memoryBytes } : {}),
    ...(requestsPerSecond !== undefined ? { requestsPerSecond } : {}),
  };
}
