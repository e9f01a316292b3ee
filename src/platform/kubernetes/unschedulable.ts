/**
 * Pods the scheduler cannot place, read from their PodScheduled condition (status False, reason
 * Unschedulable) — on a real cluster the usual reason a rollout never starts: no node with room,
 * an unbound PersistentVolumeClaim, a node selector nothing matches. Pure.
 */
import type { PodLike } from './image-pull.ts';

/** One line per distinct scheduler message: `pod db-0 cannot be scheduled: 0/3 nodes are available: …`. */
export function unschedulableLines(pods: readonly PodLike[]): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const pod of pods) {
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled?.status !== 'False' || scheduled.reason !== 'Unschedulable') continue;
    const message = scheduled.message ?? 'no reason given';
    if (seen.has(message)) continue;
    seen.add(message);
    lines.push(`pod ${pod.metadata.name} cannot be scheduled: ${message}`);
  }
  return lines;
}
