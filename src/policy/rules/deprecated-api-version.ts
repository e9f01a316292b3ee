import { deprecatedApi } from '../deprecated-apis.ts';
import type { Rule } from '../rule.ts';

export const deprecatedApiVersion: Rule = {
  id: 'deprecated-api-version',
  severity: 'error',
  category: 'hygiene',
  title: 'Removed API version',
  why: 'The API server no longer serves this apiVersion, so `kubectl apply` rejects the object on any cluster at or past that release, usually discovered during a cluster upgrade.',
  fix: 'apiVersion: apps/v1   # was extensions/v1beta1\nkind: Deployment',
  docs: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/',
  aliases: {
    kubeScore: ['stable-version'],
    kubeLinter: ['no-extensions-v1beta'], // the extensions group only
  },
  check(object) {
    const api = deprecatedApi(object);
    if (!api) return [];
    const removed = `${api.apiVersion} ${api.kind} was removed in Kubernetes ${api.removedIn}`;
    if (!api.replacement)
      return [
        {
          path: ['apiVersion'],
          message: `${removed} without a replacement${api.alternative ? `; use ${api.alternative}` : ''}`,
        },
      ];
    const how = api.sameFields(object)
      ? 'only the apiVersion changes (gantry lint --fix can do it)'
      : 'fields changed, port it by hand';
    return [{ path: ['apiVersion'], message: `${removed}; use ${api.replacement}: ${how}` }];
  },
};
