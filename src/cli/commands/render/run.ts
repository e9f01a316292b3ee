import {
  RenderBug,
  type RenderNote,
  type RenderOptions,
  renderKubernetes,
} from '../../../render/kubernetes/index.ts';
import { type NamespacedRender, writeKustomize } from '../../../render/kustomize.ts';
import { toYamlStream, writeObjectFiles } from '../../../render/serialize.ts';
import type { AppModel } from '../../../spec/model.ts';
import { once } from '../../../spec/require.ts';
import { CliError, EXIT } from '../../errors.ts';
import { environmentsOf, printWarnings, specOf } from '../../spec.ts';
import { style } from '../../style.ts';

export interface Options {
  file: string;
  env?: string;
  format: 'yaml' | 'kustomize' | 'helm' | 'compose';
  output?: string;
  namespace?: string;
  active?: 'blue' | 'green';
  traffic?: 'replicas' | 'gateway';
  monitoring?: boolean;
  monitoringNamespace?: string;
  chartVersion?: string;
  appVersion?: string;
}

export async function render(options: Options): Promise<number> {
  if ((options.format === 'kustomize' || options.format === 'helm') && options.output === undefined)
    throw new CliError(
      `--format ${options.format} writes a directory tree: pass -o DIR`,
      EXIT.usage,
      `gantry render --format ${options.format} -o deploy/${options.format === 'helm' ? 'chart' : ''} -f ${options.file}`,
    );
  if (options.format !== 'helm')
    for (const [flag, value] of [
      ['--chart-version', options.chartVersion],
      ['--app-version', options.appVersion],
    ])
      if (value !== undefined)
        throw new CliError(
          `${flag} is only for --format helm`,
          EXIT.usage,
          `gantry render --format helm ${flag} ${value} -o DIR`,
        );
  const renderOptions: RenderOptions = {
    ...(options.namespace ? { namespace: options.namespace } : {}),
    ...(options.active ? { active: options.active } : {}),
    ...(options.traffic ? { traffic: options.traffic } : {}),
    ...(options.monitoring ? { monitoring: { namespace: options.monitoringNamespace ?? 'monitoring' } } : {}),
  };

  const target = { file: options.file, target: 'cluster' } as const;
  if (options.format === 'yaml') {
    const { model, warnings, text } = specOf({ ...target, env: options.env }, 'nothing rendered');
    printWarnings(warnings, text);
    return renderYaml(model, renderOptions, options.output);
  }

  // Kustomize and Helm: the base spec, and the environments (or the one asked for) as overlays.
  const {
    base,
    environments: declared,
    warnings,
    text,
  } = options.env === undefined
    ? environmentsOf(target, 'nothing rendered')
    : oneEnvironment(options.file, options.env);
  const names = declared.map((model) => model.environment!.name);
  const all = [base, ...declared];
  const [baseRender, ...envRenders] = all.map((model) => renderOrFail(model, renderOptions));
  printWarnings(warnings, text);
  printNotes([baseRender!, ...envRenders].flatMap((r) => r.notes));
  const environments = new Map(names.map((name, i) => [name, envRenders[i]!]));
  if (options.format === 'helm') {
    const { writeHelmChart } = await import('./helm.ts');
    // --monitoring: what the same renders hold without it tells which objects monitoring adds.
    const { monitoring, ...withoutMonitoring } = renderOptions;
    const plain = monitoring ? all.flatMap((m) => renderOrFail(m, withoutMonitoring).objects) : [];
    return writeHelmChart(options, base, baseRender!, environments, plain);
  }
  const dirs = writeKustomize(options.output!, baseRender!, environments);
  process.stderr.write(`wrote ${dirs.join(', ')}\n`);
  if (names.length === 0)
    process.stderr.write(`${options.file} declares no environments: only the base was written\n`);
  return EXIT.ok;
}

function renderYaml(model: AppModel, renderOptions: RenderOptions, output: string | undefined): number {
  const result = renderOrFail(model, renderOptions);
  printNotes(result.notes);
  if (output === undefined) {
    process.stdout.write(toYamlStream(result.objects));
    return EXIT.ok;
  }
  const files = writeObjectFiles(output, result.objects);
  process.stderr.write(`wrote ${files.length} files to ${output}\n`);
  return EXIT.ok;
}

/** The base and the one environment `--env` names, as environmentsOf gives every one. */
function oneEnvironment(file: string, env: string) {
  const base = specOf({ file, target: 'cluster' }, 'nothing rendered');
  const selected = specOf({ file, target: 'cluster', env }, 'nothing rendered');
  return {
    base: base.model,
    environments: [selected.model],
    warnings: once([...base.warnings, ...selected.warnings]),
    text: base.text,
  };
}

function renderOrFail(model: AppModel, options: RenderOptions): NamespacedRender & { notes: RenderNote[] } {
  try {
    const result = renderKubernetes(model, options);
    return { ...result, namespace: options.namespace ?? model.namespace };
  } catch (error) {
    if (error instanceof RenderBug) throw new CliError(error.message, EXIT.failed);
    throw error;
  }
}

function printNotes(notes: RenderNote[]): void {
  const seen = new Set<string>();
  for (const note of notes) {
    if (seen.has(note.message)) continue;
    seen.add(note.message);
    const label =
      note.level === 'warning' ? style.yellow('warning', process.stderr) : style.cyan('note', process.stderr);
    process.stderr.write(`${label}: ${note.message}\n`);
  }
}
