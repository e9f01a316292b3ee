import { namespaceOf, objectSetOf } from '../object-set.ts';
import type { Rule } from '../rule.ts';
import { field, isJson } from '../workload.ts';

/**
 * An Ingress with a backend Service that is not in its namespace in the set: `service.name`
 * (networking.k8s.io/v1) or `serviceName` (the removed v1beta1 APIs), in the default backend and
 * in every rule path. Resource backends are skipped.
 */
export const danglingIngress: Rule = {
  id: 'dangling-ingress',
  severity: 'warning',
  category: 'reliability',
  title: 'Ingress backend Service not in the set',
  why: 'Requests routed to a Service that does not exist get a 503 from the ingress controller.',
  fix: 'backend:\n  service:\n    name: web # the metadata.name of a Service in the same namespace\n    port:\n      name: http',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/ingress/',
  aliases: {
    kubeScore: ['ingress-targets-service'],
    kubeLinter: ['dangling-ingress'],
  },
  check(object, context) {
    if (object.kind !== 'Ingress') return [];
    const set = objectSetOf(context.objects);
    const namespace = namespaceOf(object);
    return backendServices(object)
      .filter((name) => !set.find('Service', namespace, name))
      .map((name) => ({ message: `backend Service ${name} is not in the set` }));
  },
};

/** The Service names an Ingress routes to, each once, in order of appearance. */
export function backendServices(ingress: unknown): string[] {
  const backends: unknown[] = [field(ingress, 'spec', 'defaultBackend'), field(ingress, 'spec', 'backend')];
  const rules = field(ingress, 'spec', 'rules');
  for (const rule of Array.isArray(rules) ? rules : []) {
    const paths = field(rule, 'http', 'paths');
    for (const path of Array.isArray(paths) ? paths : []) backends.push(field(path, 'backend'));
  }
  const names = backends.filter(isJson).map((b) => field(b, 'service', 'name') ?? b.serviceName);
  return [...new Set(names.filter((name): name is string => typeof name === 'string' && name !== ''))];
}
