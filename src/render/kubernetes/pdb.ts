/**
 * PodDisruptionBudget (policy/v1) from `disruption`, or minAvailable 1 by default when the
 * service runs at least 2 replicas (autoscale.min when autoscaled). Never a budget that
 * blocks every eviction (node drains would hang): none for a single replica, and a budget
 * that would allow no disruption at the minimum size is left out with a warning.
 * It selects every pod of the service (both colours, both tracks).
 */
import type { ServiceModel } from '../../spec/model.ts';
import type { IntOrPercent } from '../../spec/units.ts';
import { intOrPercent } from './deployment.ts';
import { podSelector, serviceMetadata } from './names.ts';
import type { K8sObject, RenderContext } from './types.ts';

export function renderPdb(ctx: RenderContext, service: ServiceModel): K8sObject[] {
  const replicas = service.autoscale?.min ?? service.replicas;
  const spec = service.disruption;
  if (replicas < 2) {
    if (spec)
      ctx.note({
        level: 'warning',
        message: `${service.name}: no PodDisruptionBudget with a single replica (it would block every node drain)`,
      });
    return [];
  }
  const budget: Record<string, IntOrPercent> = spec?.maxUnavailable
    ? { maxUnavailable: spec.maxUnavailable }
    : { minAvailable: spec?.minAvailable ?? { kind: 'count', value: 1 } };
  if (allowedDisruptions(budget, replicas) < 1) {
    ctx.note({
      level: 'warning',
      message: `${service.name}: the disruption budget would allow no eviction at ${replicas} replicas, so no PodDisruptionBudget is rendered`,
    });
    return [];
  }
  return [
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: serviceMetadata(ctx, service, service.name),
      spec: {
        ...Object.fromEntries(Object.entries(budget).map(([key, value]) => [key, intOrPercent(value)])),
        selector: { matchLabels: podSelector(ctx, service) },
      },
    },
  ];
}

/** Evictions a budget allows with `replicas` healthy pods (Kubernetes rounds percentages up). */
export function allowedDisruptions(budget: Record<string, IntOrPercent>, replicas: number): number {
  const scaled = (value: IntOrPercent) =>
    value.kind === 'count' ? value.value : Math.ceil((value.value * replicas) / 100);
  if (budget.maxUnavailable) return scaled(budget.maxUnavailable);
  return replicas - scaled(budget.minAvailable ?? { kind: 'count', value: 0 });
}
