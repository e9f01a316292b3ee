import type { Rule } from '../rule.ts';
import { missingProbe } from './probes.ts';

export const missingLivenessProbe: Rule = {
  id: 'missing-liveness-probe',
  severity: 'warning',
  category: 'reliability',
  title: 'Missing liveness probe',
  why: 'Without a liveness probe a deadlocked process stays up and keeps its slot; the kubelet only restarts what exits.',
  fix: 'livenessProbe:\n  httpGet: { path: /healthz, port: http }\n  periodSeconds: 10\n  failureThreshold: 6',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
  aliases: {
    kubeScore: ['pod-probes'], // partial: it only notes a missing liveness probe (graded OK)
    kubeLinter: ['no-liveness-probe'],
    polaris: ['livenessProbeMissing'],
    checkov: ['CKV_K8S_8'],
  },
  check: (object) => missingProbe(object, 'livenessProbe'),
};
