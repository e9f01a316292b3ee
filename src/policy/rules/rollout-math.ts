/**
 * The arithmetic of replica counts and rollout budgets, as the Kubernetes controllers do it.
 * Pure; inputs are whatever the YAML held, so anything malformed gives undefined.
 *
 * IntOrString scaling (intstr.GetScaledValueFromIntOrPercent):
 *   int n   → n
 *   "p%"    → p × total / 100, rounded up or down as the caller's controller does
 * Deployment fenceposts (deployment/util ResolveFenceposts), defaults 25 % / 25 %:
 *   maxSurge       = ceil(surge% × replicas)        (percent rounds UP)
 *   maxUnavailable = floor(unavailable% × replicas) (percent rounds DOWN)
 *   both 0         → maxUnavailable = 1, so a rollout can always make progress
 * Worked example: 3 replicas, defaults → maxSurge ceil(0.75) = 1, maxUnavailable floor(0.75) = 0.
 */

/** An int or an integer percentage ("25%") scaled against `total`; undefined when malformed. */
export function scaled(value: unknown, total: number, roundUp: boolean): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const percent = percentOf(value);
  if (percent === undefined) return undefined;
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** The number in "25%", or undefined when the value is not an integer percentage. */
export function percentOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+)%$/.exec(value.trim());
  return match ? Number(match[1]) : undefined;
}

/** A Deployment's RollingUpdate budget for `replicas`, defaults applied; undefined when malformed. */
export function deploymentFenceposts(
  replicas: number,
  maxSurge: unknown,
  maxUnavailable: unknown,
): { maxSurge: number; maxUnavailable: number } | undefined {
  const surge = scaled(maxSurge ?? '25%', replicas, true);
  const unavailable = scaled(maxUnavailable ?? '25%', replicas, false);
  if (surge === undefined || unavailable === undefined) return undefined;
  if (surge === 0 && unavailable === 0) return { maxSurge: 0, maxUnavailable: 1 };
  return { maxSurge: surge, maxUnavailable: unavailable };
}
