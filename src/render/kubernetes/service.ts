/**
 * The ClusterIP Service: named port `http` (targetPort by name, so the container port can
 * change without touching the Service) plus the service's extra ports. The selector follows
 * the strategy: blue-green selects the active colour, a replica-ratio canary selects both
 * tracks; with `--traffic gateway`, `<service>-stable` and `<service>-canary` select one
 * track each for the HTTPRoute's weighted backends.
 */
import type { ServiceModel } from '../../spec/model.ts';
import { activeColour } from './deployment.ts';
import { COLOUR_LABEL, podSelector, serviceMetadata, TRACK_LABEL } from './names.ts';
import { HTTP_PORT_NAME } from './pod-template.ts';
import type { K8sObject, RenderContext } from './types.ts';

export function renderServices(ctx: RenderContext, service: ServiceModel): K8sObject[] {
  if (service.port === undefined) return [];
  const selector = podSelector(ctx, service);
  if (service.release.strategy === 'blue-green')
    return [clusterIp(ctx, service, service.name, { ...selector, [COLOUR_LABEL]: activeColour(ctx) })];
  const main = clusterIp(ctx, service, service.name, selector);
  if (service.release.strategy === 'canary' && ctx.options.traffic === 'gateway')
    return [
      main,
      ...(['stable', 'canary'] as const).map((track) =>
        clusterIp(ctx, service, `${service.name}-${track}`, { ...selector, [TRACK_LABEL]: track }),
      ),
    ];
  return [main];
}

/** Every port a service exposes, by name: `http` first, then the extra ones. */
export function servicePorts(service: ServiceModel): { name: string; port: number }[] {
  if (service.port === undefined) return [];
  return [{ name: HTTP_PORT_NAME, port: service.port }, ...(service.ports ?? [])];
}

function clusterIp(
  ctx: RenderContext,
  service: ServiceModel,
  name: string,
  selector: Record<string, string>,
): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: serviceMetadata(ctx, service, name),
    spec: {
      type: 'ClusterIP',
      selector,
      ports: servicePorts(service).map((p) => ({
        name: p.name,
        port: p.port,
        targetPort: p.name,
        protocol: 'TCP',
      })),
    },
  };
}
