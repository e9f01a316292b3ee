/**
 * The replica-ratio canary (Kubernetes docs, "Canary deployments"): one Service selects the
 * stable and the canary Deployment alike, so each pod takes an equal share of requests and
 * the canary's share of traffic is its share of pods.
 *
 *   canary = max(1, round(total × weight / 100)),  stable = total − canary (at least 1 while weight < 100)
 *
 * e.g. 10 replicas at weight 10 → 9 stable + 1 canary (10 %); 3 replicas at weight 10 → 2 + 1
 * (33 %: with few replicas the ratio is coarse — `--traffic gateway` gives exact weights).
 */
export interface CanarySplit {
  stable: number;
  canary: number;
  /** The share of pods (hence of requests) the canary really gets, in %. */
  effectiveWeight: number;
}

export function canarySplit(total: number, weight: number): CanarySplit {
  const canary = Math.max(1, Math.round((total * weight) / 100));
  const stable = weight >= 100 ? Math.max(total - canary, 0) : Math.max(total - canary, 1);
  return { stable, canary, effectiveWeight: Math.round((canary / (stable + canary)) * 1000) / 10 };
}

/** The weight a render sizes the canary for: the option, else the spec's first weight step, else 10. */
export function renderedCanaryWeight(
  steps: readonly { weight?: number | undefined }[] | undefined,
  option?: number,
): number {
  return option ?? steps?.find((step) => step.weight !== undefined)?.weight ?? 10;
}
