import type { Rule } from '../rule.ts';
import { podSpecOf, podSpecPath } from '../workload.ts';

export const serviceAccountTokenMounted: Rule = {
  id: 'service-account-token-mounted',
  severity: 'info',
  category: 'security',
  title: 'Service account token mounted',
  why: 'Every container gets an API token unless told otherwise; most apps never call the Kubernetes API, and a stolen token is a foothold in the cluster.',
  fix: 'automountServiceAccountToken: false',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
  aliases: {
    // In kube-linter's newest built-in checks, not yet in its generated docs.
    kubeLinter: ['automount-service-account-token'],
    polaris: ['automountServiceAccountToken'], // also passes when the named ServiceAccount disables it
    checkov: ['CKV_K8S_38'],
  },
  check(object) {
    const podSpec = podSpecOf(object);
    if (!podSpec || podSpec.automountServiceAccountToken === false) return [];
    return [
      {
        path: [...podSpecPath(object)!, 'automountServiceAccountToken'],
        message: 'automountServiceAccountToken is not false',
      },
    ];
  },
};
