/**
 * The shape of `gantry autoscale explain` input, as zod schemas: a Kubernetes
 * HorizontalPodAutoscaler (autoscaling/v2) plus `observed:` and optional `controller:`.
 * Limits follow the API server's validation where the algorithm depends on them (policies
 * need at least one entry, periods 1–1800 s, windows 0–3600 s). hpa-spec.ts reads input
 * against it.
 */
import { z } from 'zod';
import { parseMilli } from './quantity.ts';

const Quantity = z
  .union([z.number(), z.string()])
  .refine((value) => parseMilli(value) !== undefined, {
    error: 'expected a Kubernetes quantity such as 250m, 1.5, 2k or 512Mi',
  })
  .transform((value) => parseMilli(value)!)
  .describe('a Kubernetes quantity such as 250m, 1.5, 2k or 512Mi');

const Int = (min: number, max = 2_147_483_647) => z.number().int().min(min).max(max);
const Seconds = Int(0).describe('seconds, a whole number');

export const Target = z.strictObject({
  type: z.enum(['Utilization', 'Value', 'AverageValue']),
  averageUtilization: Int(1).optional().describe('percent of the pods’ requests, e.g. 70'),
  averageValue: Quantity.optional(),
  value: Quantity.optional(),
});

const MetricIdentifier = z.looseObject({ name: z.string().min(1).describe('the metric’s name') });

export const MetricEntry = z.strictObject({
  type: z.enum(['Resource', 'Pods', 'Object', 'External']),
  resource: z.strictObject({ name: z.string().min(1).describe('cpu or memory'), target: Target }).optional(),
  pods: z.strictObject({ metric: MetricIdentifier, target: Target }).optional(),
  object: z
    .strictObject({
      describedObject: z.looseObject({ kind: z.string().min(1), name: z.string().min(1) }),
      metric: MetricIdentifier,
      target: Target,
    })
    .optional(),
  external: z.strictObject({ metric: MetricIdentifier, target: Target }).optional(),
});

const Policy = z.strictObject({
  type: z.enum(['Pods', 'Percent']),
  value: Int(1).describe('pods, or percent of the replicas at the start of the period'),
  periodSeconds: Int(1, 1800).describe('1 to 1800 seconds'),
});

const Rules = z.strictObject({
  stabilizationWindowSeconds: Int(0, 3600).optional().describe('0 to 3600 seconds'),
  selectPolicy: z.enum(['Max', 'Min', 'Disabled']).optional(),
  policies: z.array(Policy).min(1).optional(),
  tolerance: z
    .union([z.number().nonnegative(), z.string().regex(/^\d*\.?\d+$/)])
    .transform(Number)
    .optional()
    .describe('a fraction such as 0.05'),
});

const Spec = z.strictObject({
  scaleTargetRef: z.looseObject({ kind: z.string(), name: z.string() }).optional(),
  minReplicas: Int(0).optional(),
  maxReplicas: Int(1).describe('the most replicas the autoscaler may set, e.g. 10'),
  metrics: z.array(MetricEntry).optional(),
  behavior: z.strictObject({ scaleUp: Rules.optional(), scaleDown: Rules.optional() }).optional(),
});

const PodResource = z.strictObject({
  request: Quantity.optional(),
  usage: Quantity.optional().describe(
    'what the metrics API reports; leave it out for a pod without a sample',
  ),
  sampledSecondsAgo: Seconds.optional(),
  windowSeconds: Int(1).optional(),
});

const Pod = z.strictObject({
  name: z.string().min(1).optional(),
  count: Int(1).optional().describe('this many identical pods'),
  phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed']).optional(),
  ready: z.boolean().optional(),
  deleting: z.boolean().optional(),
  startedSecondsAgo: Seconds.optional(),
  readyChangedSecondsAgo: Seconds.optional(),
  cpu: PodResource.optional(),
  memory: PodResource.optional(),
  metrics: z.record(z.string(), Quantity).optional(),
});

const Observation = z.strictObject({
  replicas: Int(0).describe('the scale target’s spec.replicas now, e.g. 4'),
  statusReplicas: Int(0).optional(),
  pods: z.array(Pod).optional(),
  objects: z.record(z.string(), Quantity).optional(),
  external: z.record(z.string(), z.union([Quantity, z.array(Quantity)])).optional(),
  recommendations: z
    .array(z.strictObject({ replicas: Int(0), ageSeconds: Seconds }))
    .optional()
    .describe('the controller’s recent recommendations with their ages'),
  scaleEvents: z
    .array(
      z.strictObject({
        change: z
          .number()
          .int()
          .refine((n) => n !== 0, 'must not be 0'),
        ageSeconds: Seconds,
      }),
    )
    .optional()
    .describe('recent scalings: +N added N replicas, -N removed N'),
});

const Controller = z.strictObject({
  tolerance: z.number().nonnegative().optional(),
  downscaleStabilizationWindowSeconds: Seconds.optional(),
  cpuInitializationPeriodSeconds: Seconds.optional(),
  initialReadinessDelaySeconds: Seconds.optional(),
  metricWindowSeconds: Int(1).optional(),
});

export const Input = z.strictObject({
  apiVersion: z.literal('autoscaling/v2'),
  kind: z.literal('HorizontalPodAutoscaler'),
  metadata: z.looseObject({ name: z.string().optional(), namespace: z.string().optional() }).optional(),
  spec: Spec,
  status: z.unknown().optional(),
  observed: Observation.describe('what the controller sees now: replicas, pods, recent history'),
  controller: Controller.optional(),
});

export type InputData = z.output<typeof Input>;
