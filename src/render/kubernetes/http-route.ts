/**
 * Canary with `--traffic gateway`: a Gateway API (v1) HTTPRoute sends exactly `weight` % of
 * the route's requests to `<service>-canary` and the rest to `<service>-stable`, whatever the
 * replica counts. It attaches to a Gateway named after the app in the same namespace; the
 * Gateway API CRDs, an implementation and that Gateway must exist (a note says so).
 */
import type { ServiceModel } from '../../spec/model.ts';
import { renderedCanaryWeight } from './canary-split.ts';
import { serviceMetadata } from './names.ts';
import type { K8sObject, RenderContext } from './types.ts';

export function renderHttpRoutes(ctx: RenderContext, service: ServiceModel): K8sObject[] {
  if (service.release.strategy !== 'canary' || ctx.options.traffic !== 'gateway') return [];
  if (service.port === undefined) return [];
  const weight = renderedCanaryWeight(service.release.steps, ctx.options.canaryWeight);
  const backendRefs = [
    { name: `${service.name}-stable`, port: service.port, weight: 100 - weight },
    { name: `${service.name}-canary`, port: service.port, weight },
  ];
  const hosts = [...new Set(service.routes.map((route) => route.host))];
  const paths = [...new Set(service.routes.map((route) => route.path))];
  ctx.note({
    level: 'info',
    message: `${service.name}: the HTTPRoute needs the Gateway API CRDs (v1), a Gateway implementation and a Gateway named \`${ctx.model.app}\` in namespace ${ctx.namespace}; its data plane must run in namespace ${ctx.model.ingress.controllerNamespace} (ingress.controllerNamespace) for the NetworkPolicy to let it in; calls from inside the cluster to the \`${service.name}\` Service bypass the weights`,
  });
  return [
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: serviceMetadata(ctx, service, service.name),
      spec: {
        parentRefs: [{ name: ctx.model.app }],
        ...(hosts.length > 0 ? { hostnames: hosts } : {}),
        rules: [
          {
            matches: (paths.length > 0 ? paths : ['/']).map((value) => ({
              path: { type: 'PathPrefix', value },
            })),
            backendRefs,
          },
        ],
      },
    },
  ];
}
