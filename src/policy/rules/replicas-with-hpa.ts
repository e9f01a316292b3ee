import { objectSetOf } from '../object-set.ts';
import type { Rule } from '../rule.ts';
import { field } from '../workload.ts';

/**
 * A Deployment or StatefulSet that sets `spec.replicas` while an HPA in the set scales it: every
 * apply writes the number back, so a scaled-out workload drops to it until the HPA scales it up
 * again. No fixer: with client-side `kubectl apply` removing the field from a manifest scales the
 * workload to 1 on the next apply, so the move is a person's (the docs below describe it).
 */
export const replicasWithHpa: Rule = {
  id: 'replicas-with-hpa',
  severity: 'warning',
  category: 'reliability',
  title: 'replicas set on a workload an HPA scales',
  why: 'The HorizontalPodAutoscaler owns the replica count; a `replicas` in the manifest is written back on every apply, so a deploy during a peak scales the workload down to it until the HPA catches up.',
  fix: 'spec:\n  # no replicas: the HorizontalPodAutoscaler sets them\n  selector: …',
  docs: 'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling',
  aliases: { kubeScore: ['deployment-targeted-by-hpa-does-not-have-replicas-configured'] },
  crossObject: true,
  check(object, context) {
    if (object.kind !== 'Deployment' && object.kind !== 'StatefulSet') return [];
    const replicas = field(object, 'spec', 'replicas');
    if (replicas === undefined || replicas === null) return [];
    const hpas = objectSetOf(context.objects).hpasTargeting(object);
    if (hpas.length === 0) return [];
    const names = hpas.map((hpa) => String(field(hpa, 'metadata', 'name'))).join(', ');
    return [
      {
        path: ['spec', 'replicas'],
        // kube-score's check is about Deployments only.
        ...(object.kind === 'Deployment' ? {} : { aliases: {} }),
        message: `replicas: ${String(replicas)} is set, but HorizontalPodAutoscaler ${names} scales it: every apply resets the count`,
      },
    ];
  },
};
