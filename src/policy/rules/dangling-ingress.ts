import { namespaceOf, objectSetOf } from '../object-set.ts';
import type { FieldPath, Rule } from '../rule.ts';
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
  crossObject: true,
  check(object, context) {
    if (object.kind !== 'Ingress') return [];
    const set = objectSetOf(context.objects);
    const namespace = namespaceOf(object);
    return backendServices(object)
      .filter(({ name }) => !set.find('Service', namespace, name))
      .map(({ name, path }) => ({ path, message: `backend Service ${name} is not in the set` }));
  },
};

/** The Services an Ingress routes to, each once (where it is first named), in order of appearance. */
export function backendServices(ingress: unknown): { name: string; path: FieldPath }[] {
  const backends: { backend: unknown; path: FieldPath }[] = [
    { backend: field(ingress, 'spec', 'defaultBackend'), path: ['spec', 'defaultBackend'] },
    { backend: field(ingress, 'spec', 'backend'), path: ['spec', 'backend'] },
  ];
  const rules = field(ingress, 'spec', 'rules');
  (Array.isArray(rules) ? rules : []).forEach((rule, r) => {
    const paths = field(rule, 'http', 'paths');
    (Array.isArray(paths) ? paths : []).forEach((path, p) => {
      backends.push({
        backend: field(path, 'backend'),
        path: ['spec', 'rules', r, 'http', 'paths', p, 'backend'],
      });
    });
  });
  const found = new Map<string, FieldPath>();
  for (const { backend, path } of backends) {
    if (!isJson(backend)) continue;
    const name = field(backend, 'service', 'name') ?? backend.serviceName;
    if (typeof name === 'string' && name !== '' && !found.has(name)) found.set(name, path);
  }
  return [...found].map(([name, path]) => ({ name, path }));
}
