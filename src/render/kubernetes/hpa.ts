/**
 * HorizontalPodAutoscaler (autoscaling/v2) for an autoscaled service: cpu and memory as
 * Utilization of requests, rps as the Pods metric `http_requests_per_second` (AverageValue;
 * needs a custom metrics adapter such as prometheus-adapter), min/max, and `behavior` written
 * out in full: the spec's fields over the defaults — scale up fast (double, or +4 pods, every
 * 15 s, no stabilisation), scale down slowly (300 s stabilisation window, at most the
 * Kubernetes default rate).
 */

import type { ServiceModel } from '../../spec/model.ts';
import { withAcceptedFindings } from './accepted-findings.ts';
import { scaledDeploymentName } from './deployment.ts';
import { serviceMetadata } from './names.ts';
import type { K8sObject, RenderContext } from './types.ts';

export const RPS_METRIC = 'http_requests_per_second';

type Behavior = NonNullable<NonNullable<ServiceModel['autoscale']>['behavior']>;
type Rules = NonNullable<Behavior['scaleUp']>;

export const DEFAULT_BEHAVIOR = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 100, periodSeconds: 15 },
      { type: 'Pods', value: 4, periodSeconds: 15 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  },
} as const satisfies Required<Behavior>;

export function renderHpa(ctx: RenderContext, service: ServiceModel): K8sObject[] {
  const scale = service.autoscale;
  if (!scale) return [];
  if (scale.rps !== undefined)
    ctx.note({
      level: 'info',
      message: `${service.name}: the HPA's rps target reads the Pods metric ${RPS_METRIC}; it needs a custom metrics adapter (e.g. prometheus-adapter) serving it`,
    });
  const utilization = (name: 'cpu' | 'memory', percent: number | undefined) =>
    percent === undefined
      ? []
      : [
          {
            type: 'Resource',
            resource: { name, target: { type: 'Utilization', averageUtilization: percent } },
          },
        ];
  const metrics = [
    ...utilization('cpu', scale.cpu),
    ...utilization('memory', scale.memory),
    ...(scale.rps === undefined
      ? []
      : [
          {
            type: 'Pods',
            pods: {
              metric: { name: RPS_METRIC },
              target: { type: 'AverageValue', averageValue: quantity(scale.rps) },
            },
          },
        ]),
  ];
  const hpa: K8sObject = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: serviceMetadata(ctx, service, service.name),
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: scaledDeploymentName(ctx, service),
      },
      minReplicas: scale.min,
      maxReplicas: scale.max,
      ...(metrics.length > 0 ? { metrics } : {}),
      behavior: {
        scaleUp: rules(DEFAULT_BEHAVIOR.scaleUp, scale.behavior?.scaleUp),
        scaleDown: rules(DEFAULT_BEHAVIOR.scaleDown, scale.behavior?.scaleDown),
      },
    },
  };
  // minReplicas 1 is the spec's choice (gantry validate warns outside development).
  return [
    scale.min === 1
      ? withAcceptedFindings(hpa, { 'hpa-replicas': 'minReplicas 1 is the spec’s choice' })
      : hpa,
  ];
}

function rules(defaults: Required<Rules>, spec: Rules | undefined): Required<Rules> {
  return {
    stabilizationWindowSeconds: spec?.stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
    selectPolicy: spec?.selectPolicy ?? defaults.selectPolicy,
    policies: (spec?.policies ?? defaults.policies).map((p) => ({ ...p })),
  };
}

/** A Kubernetes quantity: whole numbers as is, fractions in milli-units (0.5 → "500m"). */
function quantity(value: number): string {
  return Number.isInteger(value) ? String(value) : `${Math.round(value * 1000)}m`;
}
