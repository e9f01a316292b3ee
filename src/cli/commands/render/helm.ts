/**
 * `gantry render --format helm -o DIR`: writes the chart (src/render/helm/chart.ts) with one
 * `written` / `unchanged` / `removed` line per file. A file an earlier run wrote that this one
 * no longer has (an environment or a kind gone) is removed, so a stale template never renders;
 * a directory holding someone else's chart is left alone.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_MARK, isGenerated } from '../../../render/generated.ts';
import { ChartBug, type ChartInput, identity, planHelmChart } from '../../../render/helm/chart.ts';
import { imageVersion } from '../../../render/kubernetes/labels.ts';
import type { K8sObject } from '../../../render/kubernetes/types.ts';
import type { NamespacedRender } from '../../../render/kustomize.ts';
import type { AppModel } from '../../../spec/model.ts';
import { CliError, EXIT } from '../../errors.ts';
import { writeFiles } from '../../generated-files.ts';
import { type Options, regenerateCommand } from './run.ts';

/** Semantic Versioning 2 (Helm refuses a chart version that is not). */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

export function writeHelmChart(
  options: Options,
  model: AppModel,
  base: NamespacedRender,
  environments: ReadonlyMap<string, NamespacedRender>,
  /** With --monitoring: the objects of the same renders without it. */
  withoutMonitoring: readonly K8sObject[],
): number {
  const dir = options.output!;
  const chartVersion = options.chartVersion ?? '0.1.0';
  if (!SEMVER.test(chartVersion))
    throw new CliError(
      `--chart-version ${chartVersion}: a chart version must be a semantic version (MAJOR.MINOR.PATCH)`,
      EXIT.usage,
      '--chart-version 1.4.2',
    );
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new CliError(
      `-o ${dir} is a file: a chart is a directory`,
      EXIT.usage,
      `-o ${dir.replace(/\.[^./]*$/, '')}-chart`,
    );
  const chartFile = join(dir, 'Chart.yaml');
  if (existsSync(chartFile) && !isGenerated(readFileSync(chartFile, 'utf8')))
    throw new CliError(
      `${chartFile} is not a chart Gantry wrote (it has no "${GENERATED_MARK}" line); nothing written`,
      EXIT.usage,
      'pass an empty or Gantry-written directory: -o deploy/chart',
    );
  const appVersion = options.appVersion ?? sharedImageVersion(model);
  const files = planChart({
    app: model.app,
    base,
    environments,
    chartVersion,
    ...(appVersion === undefined ? {} : { appVersion }),
    regenerate: regenerateCommand(options),
    ...(options.monitoring
      ? { monitoringOnly: monitoringOnly([base, ...environments.values()], withoutMonitoring) }
      : {}),
  });
  // values-<env>.yaml of an environment the spec no longer has, templates of kinds gone.
  writeFiles(dir, files, { stale: /^(values-.+\.yaml|templates\/[^/]+)$/ });
  if (environments.size === 0)
    process.stderr.write(`${options.file} declares no environments: only values.yaml was written\n`);
  return EXIT.ok;
}

/** A chart the planner cannot write is a bug in Gantry: said as such, without a stack trace. */
function planChart(input: ChartInput): Map<string, string> {
  try {
    return planHelmChart(input);
  } catch (error) {
    if (error instanceof ChartBug)
      throw new CliError(
        `cannot write the Helm chart: ${error.message} (this is a bug in Gantry)`,
        EXIT.failed,
      );
    throw error;
  }
}

/** The objects only --monitoring adds (PodMonitors, PrometheusRules, the dashboard). */
function monitoringOnly(
  renders: readonly NamespacedRender[],
  withoutMonitoring: readonly K8sObject[],
): Set<string> {
  const plain = new Set(withoutMonitoring.map(identity));
  return new Set(renders.flatMap((r) => r.objects.map(identity)).filter((id) => !plain.has(id)));
}

/** The services' image tag when they all share one: the chart's appVersion. */
function sharedImageVersion(model: AppModel): string | undefined {
  const versions = new Set(Object.values(model.services).map((s) => imageVersion(s.image)));
  return versions.size === 1 ? [...versions][0] : undefined;
}
