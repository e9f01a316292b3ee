import type { Rule } from '../rule.ts';
import { missingProbe } from './probes.ts';

export const missingReadinessProbe: Rule = {
  id: 'missing-readiness-probe',
  severity: 'warning',
  category: 'reliability',
  title: 'Missing readiness probe',
  why: 'Without a readiness probe a pod gets traffic as soon as its process starts, before it can answer, and during rollouts users see errors.',
  fix: 'readinessProbe:\n  httpGet: { path: /ready, port: http }\n  periodSeconds: 5',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
  aliases: {
    kubeScore: ['pod-probes'], // also covers liveness and identical probes; skipped when no Service selects the pod
    kubeLinter: ['no-readiness-probe'],
    polaris: ['readinessProbeMissing'],
    checkov: ['CKV_K8S_9'],
  },
  check: (object) => missingProbe(object, 'readinessProbe'),
};
