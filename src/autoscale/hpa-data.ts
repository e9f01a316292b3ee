/**
 * The data the HPA algorithm works on: an autoscaling/v2 HorizontalPodAutoscaler spec (already
 * read and validated), what is observed now (pods, their requests, usage, readiness and metric
 * values), and the controller's memory between syncs (recent recommendations and scale events).
 *
 * Every quantity is a milli-value (bigint), as the controller reads `Quantity.MilliValue()`;
 * every time is in milliseconds on the caller's clock (`now` and each history entry's `at`).
 */

export type MetricTarget =
  | { type: 'Utilization'; averageUtilization: number }
  | { type: 'AverageValue'; averageValue: bigint }
  | { type: 'Value'; value: bigint };

export type MetricSpec =
  /** cpu, memory…: Utilization (percent of requests) or AverageValue per pod. */
  | { type: 'Resource'; resource: string; target: MetricTarget }
  /** A per-pod metric (requests/s per replica): AverageValue. */
  | { type: 'Pods'; metric: string; target: { type: 'AverageValue'; averageValue: bigint } }
  /** A metric describing one object (an Ingress's requests/s): Value, or AverageValue per replica. */
  | { type: 'Object'; metric: string; object: string; target: MetricTarget }
  /** A metric from outside the cluster (a queue length): Value, or AverageValue per replica. */
  | { type: 'External'; metric: string; target: MetricTarget };

export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export type SelectPolicy = 'Max' | 'Min' | 'Disabled';

/** One direction of `spec.behavior` as written: any field may be missing. */
export interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: SelectPolicy;
  policies?: ScalingPolicy[];
  /** HPAConfigurableTolerance (alpha in 1.33): this direction's tolerance instead of the controller's. */
  tolerance?: number;
}

export interface Behavior {
  scaleUp?: ScalingRules;
  scaleDown?: ScalingRules;
}

export interface HpaSpec {
  /** For messages only. */
  name?: string;
  /** Defaults to 1, as the API does. */
  minReplicas?: number;
  maxReplicas: number;
  metrics: MetricSpec[];
  /** Absent: the legacy path (scale-up cap, controller-wide scale-down window). Present: API defaults fill the gaps. */
  behavior?: Behavior;
}

/** One resource of one pod, summed over its containers: the request and, if the metrics API has one, the usage. */
export interface PodResource {
  request?: bigint;
  usage?: bigint;
  /** When the usage sample was taken (default: now); matters only for CPU within the initialization period. */
  sampledAt?: number;
  /** The sample's window (default: the controller's metricWindowSeconds). */
  windowSeconds?: number;
}

export interface PodState {
  name: string;
  /** Default Running. Pending pods count as unready; Failed ones are ignored. */
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /** A pod with a deletionTimestamp: ignored. */
  deleting?: boolean;
  /** The Ready condition. Default true. */
  ready?: boolean;
  /** status.startTime. With neither this nor readyChangedAt, an unready pod is simply unready for CPU. */
  startedAt?: number;
  /** The Ready condition's lastTransitionTime (default: startedAt). */
  readyChangedAt?: number;
  resources?: Record<string, PodResource>;
  /** Pods metrics by name; a name missing here means the pod has no sample of it. */
  metrics?: Record<string, bigint>;
}

export interface Observed {
  /** The scale target's spec.replicas now. */
  currentReplicas: number;
  /** The target's status.replicas (Object/External AverageValue divide by it). Default: currentReplicas. */
  statusReplicas?: number;
  pods: PodState[];
  /** Object metric values by metric name. */
  objectMetrics?: Record<string, bigint>;
  /** External metric series values by metric name (the controller sums them). */
  externalMetrics?: Record<string, bigint[]>;
}

export interface Recommendation {
  replicas: number;
  at: number;
}

export interface ScaleEvent {
  /** How many replicas were added (scale-up list) or removed (scale-down list); never negative. */
  change: number;
  at: number;
}

/** What the controller remembers about one HPA between syncs. */
export interface History {
  recommendations: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

export const EMPTY_HISTORY: History = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };

/** kube-controller-manager flags (--horizontal-pod-autoscaler-*), with their defaults below. */
export interface ControllerConfig {
  tolerance: number;
  downscaleStabilizationWindowSeconds: number;
  cpuInitializationPeriodSeconds: number;
  initialReadinessDelaySeconds: number;
  /** The metrics API's sample window when a sample does not say (metrics-server: its resolution). */
  metricWindowSeconds: number;
}

export const DEFAULT_CONTROLLER: ControllerConfig = {
  tolerance: 0.1,
  downscaleStabilizationWindowSeconds: 300,
  cpuInitializationPeriodSeconds: 300,
  initialReadinessDelaySeconds: 30,
  metricWindowSeconds: 15,
};

/** The asymmetric tolerance band: no change while 1 − down ≤ ratio ≤ 1 + up. */
export interface Tolerances {
  down: number;
  up: number;
}

export function isWithin(tolerances: Tolerances, ratio: number): boolean {
  return 1 - tolerances.down <= ratio && ratio <= 1 + tolerances.up;
}
