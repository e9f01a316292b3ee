/**
 * What a simulated period costs, from `gantry cost`'s estimate of the environment at the
 * service's min and at its max replicas: the period's average replica count places it
 * between the two, linearly. Node cost really grows in steps (a node is bought whole), so
 * this is the expected cost, not a bill; `gantry cost` shows the lines behind both figures.
 */
import { costOverPeriod, type EnvironmentEstimate } from '../cost/estimate.ts';

export interface SimulationCost {
  /** US dollars over the simulated period. */
  total: number;
  hours: number;
  averageReplicas: number;
  /** Where the average sits between min (0) and max (1) replicas. */
  fractionAtMax: number;
  /** The environment's monthly estimate at min and at max replicas. */
  monthly: { min: number; max: number };
  basis: { provider: string; target: string; pricing: string };
}

export function simulationCost(
  estimate: Pick<EnvironmentEstimate, 'totals' | 'provider' | 'target' | 'pricing'>,
  replicas: { min: number; max: number },
  replicaSeconds: number,
  durationSeconds: number,
): SimulationCost {
  const hours = durationSeconds / 3600;
  const averageReplicas = durationSeconds > 0 ? replicaSeconds / durationSeconds : replicas.min;
  const span = replicas.max - replicas.min;
  const fractionAtMax = span > 0 ? Math.min(1, Math.max(0, (averageReplicas - replicas.min) / span)) : 0;
  return {
    total: costOverPeriod(estimate, hours, fractionAtMax),
    hours,
    averageReplicas,
    fractionAtMax,
    monthly: { min: estimate.totals.min, max: estimate.totals.max },
    basis: { provider: estimate.provider, target: estimate.target, pricing: estimate.pricing },
  };
}
