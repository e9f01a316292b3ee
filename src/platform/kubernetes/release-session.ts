/**
 * What a release on a cluster runs with: the service's spec, its namespace, and the cluster
 * Platform that fits how the service was applied (blue-green colours, or the stable Deployment and
 * its canary) — the same whether `gantry deploy --env` opened it from the spec file or
 * `gantry controller` from the release annotation.
 */
import { effectiveAnalysis, type ServiceModel } from '../../spec/model.ts';
import { BlueGreenClusterPlatform } from './blue-green-platform.ts';
import type { Connection } from './cluster.ts';
import type { Cluster } from './cluster-api.ts';
import { KubernetesPlatform, type TrafficMode } from './platform.ts';
import { podPreview } from './pod-preview.ts';

/**
 * The objects a release drives follow the spec's strategy as `gantry apply` rendered it: a
 * blue-green service has `<svc>-blue`/`<svc>-green` and a Service selecting one; the others
 * have the stable Deployment `<svc>` (and `<svc>-canary`).
 */
export type ReleaseSession =
  | (Common & { layout: 'blue-green'; platform: BlueGreenClusterPlatform })
  | (Common & { layout: 'stable'; platform: KubernetesPlatform });

interface Common {
  spec: ServiceModel;
  namespace: string;
  cluster: Cluster;
}

/** `digests`: version → image digest, for a deploy by digest (`gantry deploy --digest`). */
export function releaseSession(
  connection: Connection,
  namespace: string,
  spec: ServiceModel,
  digests: Readonly<Record<string, string>> = {},
): ReleaseSession {
  const analysis = effectiveAnalysis(spec.release.analysis);
  const common = { spec, namespace, cluster: connection.cluster };
  // Smoke checks and load tests reach the new version's pods through a port-forward.
  const preview = spec.port === undefined ? undefined : podPreview(connection.cluster, namespace, spec.port);
  if (spec.release.strategy === 'blue-green')
    return {
      ...common,
      layout: 'blue-green',
      platform: new BlueGreenClusterPlatform(connection.cluster, namespace, analysis, preview, digests),
    };
  return {
    ...common,
    layout: 'stable',
    platform: new KubernetesPlatform(connection.cluster, namespace, analysis, preview, digests),
  };
}

export function trafficLine(mode: TrafficMode, service: string, namespace: string): string {
  if (mode === 'service-selector')
    return `traffic: all at once, by the selector of the Service ${namespace}/${service} (${service}-blue or ${service}-green)`;
  return mode === 'gateway'
    ? `traffic: exact weights through the Gateway API HTTPRoute ${namespace}/${service}`
    : `traffic: by replica ratio (no Gateway API HTTPRoute ${namespace}/${service}): a version's share is its share of ready pods`;
}
