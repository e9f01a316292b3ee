/**
 * What every release command on a cluster starts from: the spec of the environment, the
 * kubeconfig's connection, and the cluster Platform that fits how the service was applied
 * (blue-green colours, or the stable Deployment). Also the lines they print.
 */
import { BlueGreenClusterPlatform } from '../../platform/kubernetes/blue-green-platform.ts';
import { ClusterDay2 } from '../../platform/kubernetes/cluster-day2.ts';
import { KubernetesPlatform } from '../../platform/kubernetes/platform.ts';
import { podPreview } from '../../platform/kubernetes/pod-preview.ts';
import type { ClusterRelease } from '../../platform/kubernetes/release-annotation.ts';
import { connectForRelease } from '../../platform/kubernetes/release-api.ts';
import type { ServiceState } from '../../platform/platform.ts';
import type { ReleaseState } from '../../rollout/state.ts';
import { loadSpec } from '../../spec/load.ts';
import { effectiveAnalysis, type ServiceModel } from '../../spec/model.ts';
import type { ClusterOptions } from '../cluster-target.ts';
import { CliError, EXIT } from '../errors.ts';
import { countLabel, formatProblems } from '../report.ts';
import { readSpecText } from '../spec-file.ts';
import { style } from '../style.ts';

export const TICK_MS = 1000;

/**
 * The objects a release drives follow the spec's strategy as `gantry apply` rendered it: a
 * blue-green service has `<svc>-blue`/`<svc>-green` and a Service selecting one; the others
 * have the stable Deployment `<svc>` (and `<svc>-canary`).
 */
export type Session =
  | (Common & { layout: 'blue-green'; platform: BlueGreenClusterPlatform })
  | (Common & { layout: 'stable'; platform: KubernetesPlatform });

interface Common {
  spec: ServiceModel;
  namespace: string;
  where: string;
  cluster: ReturnType<typeof connectForRelease>['cluster'];
}

/** `digests`: version → image digest, for a deploy by digest (`gantry deploy --digest`). */
export function open(
  service: string,
  options: ClusterOptions,
  digests: Readonly<Record<string, string>> = {},
): Session {
  if (options.env === undefined)
    throw new CliError(
      'a release on a cluster needs --env: which environment of the spec to release',
      EXIT.usage,
      'e.g. --env prod (the environments are in the spec)',
    );
  const text = readSpecText(options.file);
  const loaded = loadSpec(text, { file: options.file, target: 'cluster', env: options.env });
  if (!loaded.model) {
    process.stderr.write(`${formatProblems(loaded.problems, text)}\n`);
    throw new CliError(`${options.file}: ${countLabel(loaded.problems)}`, EXIT.failed);
  }
  const spec = loaded.model.services[service];
  if (!spec)
    throw new CliError(
      `${options.file}: no service \`${service}\``,
      EXIT.usage,
      `services: ${Object.keys(loaded.model.services).join(', ')}`,
    );
  const namespace = options.namespace ?? loaded.model.namespace;
  const connection = connectForRelease({
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
  const analysis = effectiveAnalysis(spec.release.analysis);
  const common = {
    spec,
    namespace,
    where: `${connection.context} (${connection.server}), namespace ${namespace}`,
    cluster: connection.cluster,
  };
  // Smoke checks reach the new version's pods through a port-forward, as `gantry port-forward` does.
  const preview =
    spec.port === undefined
      ? undefined
      : podPreview(new ClusterDay2(connection.config), namespace, spec.port);
  if (spec.release.strategy === 'blue-green') {
    return {
      ...common,
      layout: 'blue-green',
      platform: new BlueGreenClusterPlatform(connection.api, namespace, analysis, preview, digests),
    };
  }
  return {
    ...common,
    layout: 'stable',
    platform: new KubernetesPlatform(connection.api, namespace, analysis, preview, digests),
  };
}

export function trafficLine(mode: ClusterRelease['traffic'], service: string, namespace: string): string {
  if (mode === 'service-selector')
    return `traffic: all at once, by the selector of the Service ${namespace}/${service} (${service}-blue or ${service}-green)`;
  return mode === 'gateway'
    ? `traffic: exact weights through the Gateway API HTTPRoute ${namespace}/${service}`
    : `traffic: by replica ratio (no Gateway API HTTPRoute ${namespace}/${service}): a version's share is its share of ready pods`;
}

/** The version serving now: the one with the most traffic. */
export function servingVersion(observed: ServiceState): string {
  return [...observed.versions].sort((a, b) => b.weight - a.weight)[0]?.version ?? 'none';
}

export const log = (line: string) =>
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

export function result(state: ReleaseState): number {
  if (state.status === 'succeeded') return EXIT.ok;
  process.stderr.write(
    `${style.red('✗', process.stderr)} ${state.service} ${state.version} ${state.status}: ${state.reason ?? state.message}\n`,
  );
  return EXIT.failed;
}
