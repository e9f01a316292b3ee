/**
 * A service's Deployments, by release strategy:
 * - rolling: `<service>`, RollingUpdate with the spec's maxSurge/maxUnavailable.
 * - blue-green: `<service>-blue` and `<service>-green`; the active colour (the one the Service
 *   selects, `--active`) at full size — or scaled by the HPA — and the idle one at 0, since a
 *   release brings it up itself (image, then replicas) before it moves the selector, and
 *   scales the old colour back to 0 after scaleDownDelaySeconds; idle pods would only cost.
 * - canary: `<service>` (stable) and `<service>-canary`; by replica ratio (canary-split.ts),
 *   or with `--traffic gateway` the stable keeps its full size and an HTTPRoute weighs exactly.
 * `replicas` is left out of any Deployment an HPA scales, so an apply never fights the HPA.
 */
import { resolveFenceposts } from '../../rollout/surge.ts';
import type { ServiceModel } from '../../spec/model.ts';
import type { IntOrPercent } from '../../spec/units.ts';
import { withAcceptedFindings } from './accepted-findings.ts';
import { canarySplit, renderedCanaryWeight } from './canary-split.ts';
import { COLOUR_LABEL, podSelector, serviceMetadata, TRACK_LABEL } from './names.ts';
import { renderPodTemplate } from './pod-template.ts';
import type { K8sObject, RenderContext } from './types.ts';

export const REVISION_HISTORY_LIMIT = 5;

export type Colour = 'blue' | 'green';

/** The name of the Deployment an HPA scales for this service. */
export function scaledDeploymentName(ctx: RenderContext, service: ServiceModel): string {
  if (service.release.strategy === 'blue-green') return `${service.name}-${activeColour(ctx)}`;
  return service.name;
}

export function activeColour(ctx: RenderContext): Colour {
  return ctx.options.active ?? 'blue';
}

export function renderDeployments(ctx: RenderContext, service: ServiceModel): K8sObject[] {
  const scaled = service.autoscale !== undefined;
  switch (service.release.strategy) {
    case 'rolling':
      return [deployment(ctx, service, service.name, {}, scaled ? undefined : service.replicas)];
    case 'blue-green':
      return (['blue', 'green'] as const).map((colour) =>
        deployment(
          ctx,
          service,
          `${service.name}-${colour}`,
          { [COLOUR_LABEL]: colour },
          colour !== activeColour(ctx) ? 0 : scaled ? undefined : service.replicas,
        ),
      );
    case 'canary':
      return canaryDeployments(ctx, service, scaled);
  }
}

function canaryDeployments(ctx: RenderContext, service: ServiceModel, scaled: boolean): K8sObject[] {
  const weight = renderedCanaryWeight(service.release.steps, ctx.options.canaryWeight);
  const split = canarySplit(service.replicas, weight);
  const gateway = ctx.options.traffic === 'gateway';
  // With an HPA or exact (gateway) weights the stable track keeps its full size.
  const stable = scaled ? undefined : gateway ? service.replicas : split.stable;
  if (!gateway)
    ctx.note({
      level: 'info',
      message: `${service.name}: canary sized for weight ${weight}% by replica ratio: ${split.canary} canary pod(s) beside ${stable ?? `the HPA-scaled stable (min ${service.autoscale?.min})`}; the real share is canary pods / all pods. Use --traffic gateway for exact weights.`,
    });
  return [
    deployment(ctx, service, service.name, { [TRACK_LABEL]: 'stable' }, stable),
    deployment(ctx, service, `${service.name}-canary`, { [TRACK_LABEL]: 'canary' }, split.canary),
  ];
}

function deployment(
  ctx: RenderContext,
  service: ServiceModel,
  name: string,
  variant: Record<string, string>,
  replicas: number | undefined,
): K8sObject {
  const { release } = service;
  const object: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: serviceMetadata(ctx, service, name, variant),
    spec: {
      ...(replicas !== undefined ? { replicas } : {}),
      revisionHistoryLimit: REVISION_HISTORY_LIMIT,
      minReadySeconds: release.minReadySeconds,
      progressDeadlineSeconds: release.progressDeadlineSeconds,
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: {
          maxSurge: intOrPercent(release.maxSurge),
          maxUnavailable: intOrPercent(release.maxUnavailable),
        },
      },
      selector: { matchLabels: { ...podSelector(ctx, service), ...variant } },
      template: renderPodTemplate(ctx, service, variant),
    },
  };
  const reason = replicas === 1 ? singleReplicaReason(ctx, service, variant) : undefined;
  const accepted = {
    ...(reason ? { 'single-replica': reason } : {}),
    ...(outageAccepted(service, replicas) ? { 'full-outage-rollout': OUTAGE_REASON } : {}),
  };
  return Object.keys(accepted).length > 0 ? withAcceptedFindings(object, accepted) : object;
}

const OUTAGE_REASON = 'the spec’s maxUnavailable for this replica count; gantry validate warns';

/**
 * Release settings that let a rollout stop every replica: gantry validate warns, the spec asked
 * for it, so the render says the finding is accepted. Replicas as the cluster will have them: the
 * HPA's minimum when the Deployment leaves them to it.
 */
function outageAccepted(service: ServiceModel, replicas: number | undefined): boolean {
  const desired = replicas ?? service.autoscale?.min ?? service.replicas;
  const { maxSurge, maxUnavailable } = service.release;
  return desired > 0 && resolveFenceposts(desired, maxSurge, maxUnavailable).unavailable >= desired;
}

/**
 * Why one replica is accepted here: the canary track, or the stable track beside it, or the
 * spec's choice (for a development environment; elsewhere gantry validate warns about it).
 */
function singleReplicaReason(
  ctx: RenderContext,
  service: ServiceModel,
  variant: Record<string, string>,
): string {
  if (variant[TRACK_LABEL] === 'canary') return 'the canary runs beside the stable track';
  if (variant[TRACK_LABEL] === 'stable' && service.replicas > 1)
    return `the stable track runs beside the canary (${service.replicas} replicas in all)`;
  const tier = ctx.model.environment?.tier ?? 'development';
  if (tier === 'development') return 'one replica is the spec’s choice for a development environment';
  return `one replica is the spec’s choice for a ${tier} environment; gantry validate warns`;
}

/** Kubernetes IntOrString: a count stays a number, a percentage becomes "25%". */
export function intOrPercent(value: IntOrPercent): number | string {
  return value.kind === 'count' ? value.value : `${value.value}%`;
}
