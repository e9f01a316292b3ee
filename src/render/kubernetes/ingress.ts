/**
 * Ingress from a service's routes: ingressClassName from the spec, path rules (Prefix) per
 * host, a TLS Secret per host (`shop.example.com` → `shop-example-com-tls`, filled by the
 * user or cert-manager). A route's rateLimit becomes the NGINX annotation `limit-rps`
 * (requests per second per client IP). An annotation applies to a whole Ingress, so routes
 * with different limits get one Ingress each. Other controllers: Traefik uses a RateLimit
 * Middleware, HAProxy `haproxy.org/rate-limit-requests`, Gateway API has no standard field.
 * A canary with `--traffic gateway` is reached through its HTTPRoute instead.
 */
import type { ServiceModel } from '../../spec/model.ts';
import { serviceMetadata } from './names.ts';
import { HTTP_PORT_NAME } from './pod-template.ts';
import type { K8sObject, RenderContext } from './types.ts';

export const RATE_LIMIT_ANNOTATION = 'nginx.ingress.kubernetes.io/limit-rps';

type Route = ServiceModel['routes'][number];

export function renderIngresses(ctx: RenderContext, service: ServiceModel): K8sObject[] {
  if (service.routes.length === 0 || service.port === undefined) return [];
  if (service.release.strategy === 'canary' && ctx.options.traffic === 'gateway') return [];
  const groups = groupBy(service.routes, (route) => route.rateLimit?.rps);
  if (groups.some(([rps]) => rps !== undefined) && ctx.model.ingress.className !== 'nginx')
    ctx.note({
      level: 'warning',
      message: `${service.name}: rateLimit is rendered as the NGINX annotation ${RATE_LIMIT_ANNOTATION}, which the \`${ctx.model.ingress.className}\` ingress class may ignore; configure its own rate limiting`,
    });
  return groups.map(([rps, routes], index) =>
    ingress(ctx, service, index === 0 ? service.name : `${service.name}-${index + 1}`, routes, rps),
  );
}

/** The Secret holding a host's certificate: dots become dashes, a leading `*.` becomes `wildcard-`. */
export function tlsSecretName(host: string): string {
  return `${host.replace(/^\*\./, 'wildcard.').replaceAll('.', '-')}-tls`;
}

function ingress(
  ctx: RenderContext,
  service: ServiceModel,
  name: string,
  routes: Route[],
  rps: number | undefined,
): K8sObject {
  const metadata = serviceMetadata(ctx, service, name);
  if (rps !== undefined) metadata.annotations = { [RATE_LIMIT_ANNOTATION]: String(rps) };
  const hosts = groupBy(routes, (route) => route.host);
  const tlsHosts = [...new Set(routes.filter((r) => r.tls).map((r) => r.host))];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata,
    spec: {
      ingressClassName: ctx.model.ingress.className,
      ...(tlsHosts.length > 0
        ? { tls: tlsHosts.map((host) => ({ hosts: [host], secretName: tlsSecretName(host) })) }
        : {}),
      rules: hosts.map(([host, hostRoutes]) => ({
        host,
        http: {
          paths: hostRoutes.map((route) => ({
            path: route.path,
            pathType: 'Prefix',
            backend: { service: { name: service.name, port: { name: HTTP_PORT_NAME } } },
          })),
        },
      })),
    },
  };
}

/** Groups in order of first appearance. */
function groupBy<T, K>(items: T[], key: (item: T) => K): [K, T[]][] {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups];
}
