/**
 * The Platform for a blue-green service on a cluster (blue-green-objects.ts has the layout):
 * `scale` brings a version up in the colour that runs it, or in the idle colour at the version's
 * image; `route` moves the Service's selector to the colour that runs the version taking all the
 * traffic; `preview` port-forwards to a pod of the version's colour for the smoke checks. The
 * release lives in the annotation of the Service, the one object whose meaning does not change
 * colour at the switch.
 */
import { STANDARD_QUERIES } from '../../metrics/promql.ts';
import { type MetricSource, metricSourceFor } from '../../metrics/source.ts';
import type { Colour } from '../../render/kubernetes/deployment.ts';
import type { EffectiveAnalysis } from '../../spec/model.ts';
import { checkWeights, type ServiceState, type VersionMetrics } from '../platform.ts';
import { KubeError } from './api-failure.ts';
import {
  activeColourOf,
  COLOURS,
  type ColourDeployment,
  colourFor,
  observeColours,
  podSelectorOf,
  type ServiceLike,
  selectorPatch,
} from './blue-green-objects.ts';
import type { ReleaseApi } from './cluster-api.ts';
import type { ClusterReleasePlatform, TrafficMode } from './platform.ts';
import type { OpenPreview } from './pod-preview.ts';
import { type ClusterRelease, releaseOn } from './release-annotation.ts';
import { type DeploymentLike, FIELD_MANAGERS, imagePatch, replicasPatch } from './release-objects.ts';
import { type ReleaseUpdate, writeRelease } from './release-write.ts';

export class BlueGreenClusterPlatform implements ClusterReleasePlatform {
  private readonly previews: { close(): void }[] = [];

  constructor(
    private readonly api: ReleaseApi,
    private readonly namespace: string,
    private readonly analysis: EffectiveAnalysis,
    private readonly openPreview?: OpenPreview,
    /** Version → the image digest to run it by (`gantry deploy --digest`). */
    private readonly digests: Readonly<Record<string, string>> = {},
  ) {}

  async traffic(): Promise<TrafficMode> {
    return 'service-selector';
  }

  async observe(service: string): Promise<ServiceState> {
    const { colours, active } = await this.layout(service);
    return { service, versions: observeColours(colours, active) };
  }

  async scale(service: string, version: string, replicas: number): Promise<void> {
    const { colours, active } = await this.layout(service);
    const { colour, needsImage } = colourFor(colours, active, version);
    if (needsImage && replicas === 0) return; // nothing of this version runs
    // The colour the Service selects is never emptied: whoever switched it back wants it serving.
    if (colour === active && replicas === 0) return;
    const deployment = this.colourDeployment(service, colours, colour);
    if (needsImage)
      await this.api.applyAs(imagePatch(deployment, version, this.digests[version]), FIELD_MANAGERS.image);
    await this.api.applyAs(replicasPatch(deployment, replicas, replicas, 0), FIELD_MANAGERS.replicas);
  }

  /** Blue-green routes all or nothing: the version with the largest weight gets the Service. */
  async route(service: string, weights: Record<string, number>): Promise<void> {
    checkWeights(weights);
    const [version] = Object.entries(weights).sort((a, b) => b[1] - a[1])[0] ?? [];
    if (version === undefined) return;
    const { colours, active, selector } = await this.layout(service);
    const { colour, needsImage } = colourFor(colours, active, version);
    if (needsImage)
      throw new KubeError(
        `neither ${service}-blue nor ${service}-green runs ${version}: the Service ${this.namespace}/${service} cannot be switched to it`,
        `gantry rollout status ${service} --env <name> shows what runs`,
      );
    if (colour !== active) await this.api.applyAs(selectorPatch(selector, colour), FIELD_MANAGERS.selector);
  }

  metrics(service: string, version: string, windowSeconds: number): Promise<VersionMetrics> {
    return this.metricSource().metrics(service, version, windowSeconds);
  }

  /** Prometheus, whatever the spec's provider says: the cluster has no other source of ours. */
  metricSource(): MetricSource {
    return metricSourceFor({ ...this.analysis, provider: 'prometheus' }, STANDARD_QUERIES)!;
  }

  /** A port-forward to a ready pod of the version's colour, open until `close()`. */
  async preview(service: string, version: string): Promise<string> {
    if (!this.openPreview)
      throw new KubeError(
        `smoke checks of ${service} ${version}: no port-forward to its pods is available here`,
        'remove release.smoke, or run the release where the cluster allows port-forward',
      );
    const { colours, active } = await this.layout(service);
    const { colour, needsImage } = colourFor(colours, active, version);
    if (needsImage)
      throw new KubeError(`smoke checks of ${service} ${version}: no colour runs it`, 'this is a bug');
    const opened = await this.openPreview(podSelectorOf(this.colourDeployment(service, colours, colour)));
    this.previews.push(opened);
    return opened.url;
  }

  /** Ends the port-forwards the smoke checks opened. */
  close(): void {
    for (const preview of this.previews.splice(0)) preview.close();
  }

  /** The colour the Service selects now and the Deployment it names. */
  async activeColour(service: string): Promise<{ colour: Colour; deployment: string }> {
    const { active } = await this.layout(service);
    return { colour: active, deployment: `${service}-${active}` };
  }

  async readRelease(service: string): Promise<ClusterRelease | undefined> {
    return this.releaseOf(await this.service(service));
  }

  saveRelease(service: string, release: ReleaseUpdate): Promise<void> {
    return writeRelease(
      this.api,
      () => this.service(service),
      (holder) => this.releaseOf(holder),
      release,
    );
  }

  private releaseOf(holder: ServiceLike): ClusterRelease | undefined {
    return releaseOn('Service', holder, this.namespace);
  }

  private async layout(
    service: string,
  ): Promise<{ colours: ColourDeployment[]; active: Colour; selector: ServiceLike }> {
    const [selector, ...deployments] = await Promise.all([
      this.service(service),
      ...COLOURS.map((colour) => this.deployment(`${service}-${colour}`)),
    ]);
    const active = activeColourOf(selector);
    if (!active)
      throw new KubeError(
        `Service ${this.namespace}/${service} does not select a colour (label version: blue or green), so there is nothing to switch`,
        'set release.strategy: blue-green for this service and run `gantry apply --env <name>` first',
      );
    return {
      colours: COLOURS.map((colour, i) => ({ colour, deployment: deployments[i] })),
      active,
      selector,
    };
  }

  private colourDeployment(service: string, colours: ColourDeployment[], colour: Colour): DeploymentLike {
    const deployment = colours.find((c) => c.colour === colour)?.deployment;
    if (!deployment)
      throw new KubeError(
        `Deployment ${this.namespace}/${service}-${colour} not found: blue-green needs both colours applied`,
        'run `gantry apply --env <name>` first',
      );
    return deployment;
  }

  private async service(name: string): Promise<ServiceLike> {
    const found = await this.api.read<ServiceLike>({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: this.namespace },
    });
    if (!found)
      throw new KubeError(
        `Service ${this.namespace}/${name} not found: a blue-green release needs the service applied first`,
        'run `gantry apply --env <name>` first',
      );
    return found;
  }

  private deployment(name: string): Promise<DeploymentLike | undefined> {
    return this.api.read<DeploymentLike>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: this.namespace },
    });
  }
}
