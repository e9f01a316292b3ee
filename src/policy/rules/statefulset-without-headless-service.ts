import { formatLabels, formatSelector, selectorMatches } from '../label-selector.ts';
import { namespaceOf, objectSetOf, podLabelsOf } from '../object-set.ts';
import type { Rule } from '../rule.ts';
import { field, isJson } from '../workload.ts';

/**
 * A StatefulSet without a governing headless Service in the set: no `spec.serviceName`, a
 * serviceName that names no Service in its namespace, a Service that is not headless
 * (`clusterIP: None`), or one whose selector does not select the StatefulSet's pods.
 */
export const statefulsetWithoutHeadlessService: Rule = {
  id: 'statefulset-without-headless-service',
  severity: 'warning',
  category: 'reliability',
  title: 'StatefulSet without a governing headless Service',
  why: 'The headless Service named by serviceName gives each pod its stable DNS name (db-0.db); without it peers and clients cannot address a replica, which is why the workload is a StatefulSet.',
  fix: "apiVersion: v1\nkind: Service\nmetadata:\n  name: db # the StatefulSet's spec.serviceName\nspec:\n  clusterIP: None\n  selector:\n    app: db\n  ports:\n    - name: db\n      port: 5432",
  docs: 'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id',
  aliases: {
    kubeScore: ['statefulset-has-servicename'],
  },
  crossObject: true,
  check(object, context) {
    if (object.kind !== 'StatefulSet') return [];
    const name = field(object, 'spec', 'serviceName');
    const path = ['spec', 'serviceName'];
    if (typeof name !== 'string' || name === '')
      return [{ path, message: 'has no serviceName: its pods get no stable DNS names' }];
    const service = objectSetOf(context.objects).find('Service', namespaceOf(object), name);
    if (!service) return [{ path, message: `serviceName ${name} names no Service in the set` }];
    if (field(service, 'spec', 'clusterIP') !== 'None')
      return [{ path, message: `Service ${name} is not headless (clusterIP: None is not set)` }];
    const selector = field(service, 'spec', 'selector');
    const labels = podLabelsOf(object);
    if (isJson(selector) && Object.keys(selector).length > 0 && !selectorMatches(selector, labels))
      return [
        {
          path,
          message: `Service ${name} selector ${formatSelector(selector)} does not select its pods (${formatLabels(labels)})`,
        },
      ];
    return [];
  },
};
