/**
 * The Platform on a Kubernetes cluster, so `gantry deploy --env prod` runs the same strategies
 * as the local platform. A canary is the stable Deployment `<service>` beside
 * `<service>-canary`; its weights go to an HTTPRoute `<service>` when the Gateway API serves one
 * (exact), else to the replica ratio (release-objects.ts). Metrics come from Prometheus with the
 * standard queries: on the cluster there is no load balancer of ours to count requests. The
 * release itself lives in an annotation on the stable Deployment (release-annotation.ts).
 */
import { STANDARD_QUERIES } from '../../metrics/promql.ts';
import { type MetricSource, metricSourceFor } from '../../metrics/source.ts';
import type { K8sObject } from '../../render/kubernetes/index.ts';
import type { EffectiveAnalysis } from '../../spec/model.ts';
import {
  checkWeights,
  type Platform,
  type ServiceState,
  type VersionMetrics,
  type VersionState,
} from '../platform.ts';
import { KubeError } from './api-failure.ts';
import { podSelectorOf } from './blue-green-objects.ts';
import type { ReleaseApi } from './cluster-api.ts';
import type { OpenPreview } from './pod-preview.ts';
import { type ClusterRelease, releaseOn } from './release-annotation.ts';
import {
  canaryDeployment,
  type DeploymentLike,
  deploymentVersion,
  FIELD_MANAGERS,
  imagePatch,
  REQUESTED_ANNOTATION,
  replicasPatch,
  stableReplicasByRatio,
  WEIGHT_ANNOTATION,
  weightsByReplicas,
} from './release-objects.ts';
import { type ReleaseUpdate, writeRelease } from './release-write.ts';

/**
 * How weights reach users: exact (Gateway API HTTPRoute), by replica ratio, or (blue-green) all at
 * once by the Service's selector.
 */
export type TrafficMode = 'gateway' | 'replica-ratio' | 'service-selector';

interface HttpRoute extends K8sObject {
  spec?: { rules?: { backendRefs?: { name: string; weight?: number; [key: string]: unknown }[] }[] };
}

/** What the release commands need of a cluster platform beyond the Platform seam: where the release lives. */
export interface ClusterReleasePlatform extends Platform {
  /** Ends what `preview` opened. */
  close(): void;
  traffic(service: string): Promise<TrafficMode>;
  readRelease(service: string): Promise<ClusterRelease | undefined>;
  /** Writes the release; given a function, it changes the release as stored now (see writeRelease). */
  saveRelease(service: string, release: ReleaseUpdate): Promise<void>;
}

export class KubernetesPlatform implements ClusterReleasePlatform {
  private trafficMode: TrafficMode | undefined;

  constructor(
    private readonly api: ReleaseApi,
    private readonly namespace: string,
    /** The release's analysis; its Prometheus address and query overrides are used. */
    private readonly analysis: EffectiveAnalysis,
    /** How the smoke checks reach the canary's pods (a port-forward); without it they cannot run. */
    private readonly openPreview?: OpenPreview,
    /** Version → the image digest to run it by (`gantry deploy --digest`). */
    private readonly digests: Readonly<Record<string, string>> = {},
  ) {}

  private readonly previews: { close(): void }[] = [];

  /** Exact weights when the Gateway API serves an HTTPRoute named like the service; else the replica ratio. */
  async traffic(service: string): Promise<TrafficMode> {
    this.trafficMode ??= (await this.route_(service)) ? 'gateway' : 'replica-ratio';
    return this.trafficMode;
  }

  async observe(service: string): Promise<ServiceState> {
    const [stable, canary] = await Promise.all([
      this.deployment(service),
      this.deployment(`${service}-canary`),
    ]);
    const byVersion = new Map<string, VersionState>();
    for (const deployment of [stable, canary]) {
      if (!deployment) continue;
      const version = deploymentVersion(deployment);
      const requested = Number(deployment.metadata.annotations?.[REQUESTED_ANNOTATION] ?? Number.NaN);
      const desired = Number.isFinite(requested) ? requested : (deployment.spec?.replicas ?? 1);
      const current = deployment.status?.replicas ?? 0;
      const ready = deployment.status?.readyReplicas ?? 0;
      if (desired === 0 && current === 0) continue;
      const seen = byVersion.get(version);
      byVersion.set(version, {
        version,
        desired: (seen?.desired ?? 0) + desired,
        current: (seen?.current ?? 0) + current,
        ready: (seen?.ready ?? 0) + ready,
        weight: 0,
      });
    }
    const versions = [...byVersion.values()];
    const weights = await this.currentWeights(service, stable, canary, versions);
    return { service, versions: versions.map((v) => ({ ...v, weight: weights[v.version] ?? 0 })) };
  }

  async scale(service: string, version: string, replicas: number): Promise<void> {
    const stable = await this.stable(service);
    if (deploymentVersion(stable) === version) {
      const canaryWeight = Number(stable.metadata.annotations?.[WEIGHT_ANNOTATION] ?? 0);
      const actual =
        (await this.traffic(service)) === 'replica-ratio'
          ? stableReplicasByRatio(replicas, canaryWeight)
          : replicas;
      await this.api.applyAs(replicasPatch(stable, replicas, actual, canaryWeight), FIELD_MANAGERS.replicas);
      return;
    }
    let canary = await this.deployment(`${service}-canary`);
    if (!canary || deploymentVersion(canary) !== version) {
      if (replicas === 0) return; // nothing of this version runs
      canary = await this.api.applyAs<DeploymentLike>(
        canaryDeployment(stable, version, this.digests[version]),
        FIELD_MANAGERS.canary,
      );
    }
    await this.api.applyAs(replicasPatch(canary, replicas, replicas, 0), FIELD_MANAGERS.replicas);
  }

  async route(service: string, weights: Record<string, number>): Promise<void> {
    checkWeights(weights);
    const stable = await this.stable(service);
    const canary = await this.deployment(`${service}-canary`);
    const canaryVersion = canary ? deploymentVersion(canary) : undefined;
    const canaryWeight = canaryVersion === undefined ? 0 : (weights[canaryVersion] ?? 0);
    const route = await this.route_(service);
    if (route) {
      await this.api.applyAs(weighedRoute(route, service, canaryWeight), FIELD_MANAGERS.route);
      return;
    }
    // Replica ratio: the stable track gives up pods for the canary's share, keeping what was asked.
    const requested = Number(
      stable.metadata.annotations?.[REQUESTED_ANNOTATION] ?? stable.spec?.replicas ?? 1,
    );
    await this.api.applyAs(
      replicasPatch(stable, requested, stableReplicasByRatio(requested, canaryWeight), canaryWeight),
      FIELD_MANAGERS.replicas,
    );
  }

  metrics(service: string, version: string, windowSeconds: number): Promise<VersionMetrics> {
    return this.metricSource().metrics(service, version, windowSeconds);
  }

  /** Prometheus, whatever the spec's provider says: the cluster has no other source of ours. */
  metricSource(): MetricSource {
    return metricSourceFor({ ...this.analysis, provider: 'prometheus' }, STANDARD_QUERIES)!;
  }

  /** A port-forward to a ready pod of the canary, open until `close()`. */
  async preview(service: string, version: string): Promise<string> {
    const canary = await this.deployment(`${service}-canary`);
    if (!canary || deploymentVersion(canary) !== version)
      throw new KubeError(
        `smoke checks of ${service} ${version}: Deployment ${this.namespace}/${service}-canary does not run it`,
        'this is a bug',
      );
    if (!this.openPreview)
      throw new KubeError(
        `smoke checks of ${service} ${version}: no port-forward to its pods is available here`,
        'remove release.smoke, or run the release where the cluster allows port-forward',
      );
    const opened = await this.openPreview(podSelectorOf(canary));
    this.previews.push(opened);
    return opened.url;
  }

  /** Ends the port-forwards the smoke checks opened. */
  close(): void {
    for (const preview of this.previews.splice(0)) preview.close();
  }

  /** Rolling on the cluster is the Deployment's own RollingUpdate: set the image and let it roll. */
  async setVersion(service: string, version: string): Promise<K8sObject> {
    return this.api.applyAs(
      imagePatch(await this.stable(service), version, this.digests[version]),
      FIELD_MANAGERS.image,
    );
  }

  /**
   * A promoted canary becomes the stable track: the stable Deployment takes the new version at
   * full size while the canary's pods keep serving; `retireCanary` once it has rolled out.
   */
  async foldCanary(service: string, version: string, replicas: number): Promise<K8sObject> {
    const stable = await this.stable(service);
    await this.api.applyAs(imagePatch(stable, version, this.digests[version]), FIELD_MANAGERS.image);
    return this.api.applyAs(replicasPatch(stable, replicas, replicas, 0), FIELD_MANAGERS.replicas);
  }

  async retireCanary(service: string): Promise<void> {
    // With an HTTPRoute the promoted canary held 100 % of the route's weight: give it back to the
    // stable Service (which now runs the new version) before the canary's pods go, or the route
    // would send every request to a Service with no endpoints. (Found on a real control plane.)
    const route = await this.route_(service);
    if (route) await this.api.applyAs(weighedRoute(route, service, 0), FIELD_MANAGERS.route);
    const canary = await this.deployment(`${service}-canary`);
    if (canary) await this.api.applyAs(replicasPatch(canary, 0, 0, 0), FIELD_MANAGERS.replicas);
  }

  async readRelease(service: string): Promise<ClusterRelease | undefined> {
    return this.releaseOf(await this.stable(service));
  }

  saveRelease(service: string, release: ReleaseUpdate): Promise<void> {
    return writeRelease(
      this.api,
      () => this.stable(service),
      (stable) => this.releaseOf(stable),
      release,
    );
  }

  private releaseOf(stable: DeploymentLike): ClusterRelease | undefined {
    return releaseOn('Deployment', stable, this.namespace);
  }

  private async stable(service: string): Promise<DeploymentLike> {
    const stable = await this.deployment(service);
    if (!stable)
      throw new KubeError(
        `Deployment ${this.namespace}/${service} not found: a release needs the service applied first`,
        'run `gantry apply --env <name>` first',
      );
    return stable;
  }

  private deployment(name: string): Promise<DeploymentLike | undefined> {
    return this.api.read<DeploymentLike>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: this.namespace },
    });
  }

  private route_(service: string): Promise<HttpRoute | undefined> {
    return this.api.read<HttpRoute>({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: service, namespace: this.namespace },
    });
  }

  private async currentWeights(
    service: string,
    stable: DeploymentLike | undefined,
    canary: DeploymentLike | undefined,
    versions: VersionState[],
  ): Promise<Record<string, number>> {
    const route = (await this.traffic(service)) === 'gateway' ? await this.route_(service) : undefined;
    if (!route || !stable) {
      // The ratio of the pods actually there, not of what was asked.
      const actual = [stable, canary].flatMap((d) =>
        d
          ? [
              {
                version: deploymentVersion(d),
                desired: d.spec?.replicas ?? 0,
                ready: d.status?.readyReplicas ?? 0,
              },
            ]
          : [],
      );
      const merged = versions.map((v) => ({
        version: v.version,
        desired: actual.filter((a) => a.version === v.version).reduce((s, a) => s + a.desired, 0),
        ready: actual.filter((a) => a.version === v.version).reduce((s, a) => s + a.ready, 0),
      }));
      return weightsByReplicas(merged);
    }
    const refs = route.spec?.rules?.flatMap((rule) => rule.backendRefs ?? []) ?? [];
    const weightOf = (name: string) => refs.find((ref) => ref.name === name)?.weight ?? 0;
    const stableVersion = deploymentVersion(stable);
    const canaryVersion = canary ? deploymentVersion(canary) : undefined;
    const weights: Record<string, number> = { [stableVersion]: weightOf(`${service}-stable`) };
    if (canaryVersion !== undefined)
      weights[canaryVersion] = (weights[canaryVersion] ?? 0) + weightOf(`${service}-canary`);
    return weights;
  }
}

/** The HTTPRoute's rules with the stable/canary backendRefs weighed (the rules list is applied whole). */
function weighedRoute(route: HttpRoute, service: string, canaryWeight: number): K8sObject {
  const rules = (route.spec?.rules ?? []).map((rule) => ({
    ...rule,
    backendRefs: (rule.backendRefs ?? []).map((ref) =>
      ref.name === `${service}-canary`
        ? { ...ref, weight: canaryWeight }
        : ref.name === `${service}-stable`
          ? { ...ref, weight: 100 - canaryWeight }
          : ref,
    ),
  }));
  return {
    apiVersion: route.apiVersion,
    kind: route.kind,
    metadata: { name: route.metadata.name, namespace: route.metadata.namespace ?? 'default' },
    spec: { rules },
  } as K8sObject;
}
