import type { Rule } from '../rule.ts';
import { podSpecOf, podSpecPath } from '../workload.ts';

/** `serviceAccount`, the pod spec's deprecated alias of serviceAccountName (gantry lint --fix renames it). */
export const deprecatedServiceAccountField: Rule = {
  id: 'deprecated-service-account-field',
  severity: 'warning',
  category: 'hygiene',
  title: 'Deprecated serviceAccount field',
  why: 'serviceAccount is a deprecated alias kept for old clients; tools and policies read serviceAccountName, so a pod set up through the alias can pass a review that checks the other field.',
  fix: 'serviceAccountName: web   # was serviceAccount: web',
  docs: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context',
  aliases: { kubeLinter: ['deprecated-service-account-field'] },
  check(object) {
    const podSpec = podSpecOf(object);
    const account = podSpec?.serviceAccount;
    if (typeof account !== 'string' || account === '') return [];
    return [
      {
        path: [...podSpecPath(object)!, 'serviceAccount'],
        message:
          podSpec!.serviceAccountName === undefined
            ? `serviceAccount: ${account} is the deprecated name of serviceAccountName`
            : 'serviceAccount is the deprecated name of serviceAccountName, and both are set',
      },
    ];
  },
};
