import { join } from 'node:path';
import { generatedBanner } from '../../../render/generated.ts';
import {
  RenderBug,
  type RenderNote,
  type RenderOptions,
  renderKubernetes,
} from '../../../render/kubernetes/index.ts';
import { KUSTOMIZE_PATHS, kustomizeFiles, type NamespacedRender } from '../../../render/kustomize.ts';
import { objectFiles, yamlStreamChunks } from '../../../render/serialize.ts';
import type { AppModel } from '../../../spec/model.ts';
import { once } from '../../../spec/require.ts';
import { CliError, EXIT } from '../../errors.ts';
import { writeFiles } from '../../generated-files.ts';
import { environmentsOf, printWarnings, specOf } from '../../spec.ts';
import { style } from '../../style.ts';
import { refuseFileOutput } from './output-dir.ts';

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
  if (options.format !== 'helm') refuseFileOutput(options);
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
    return renderYaml(model, renderOptions, options);
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
  const dir = options.output!;
  const banner = generatedBanner('#', regenerateCommand(options));
  writeFiles(dir, kustomizeFiles(baseRender!, environments, banner), {
    stale: KUSTOMIZE_PATHS,
    report: false,
  });
  const dirs = [join(dir, 'base'), ...names.map((name) => join(dir, 'overlays', name))];
  process.stderr.write(`wrote ${dirs.join(', ')}\n`);
  if (names.length === 0)
    process.stderr.write(`${options.file} declares no environments: only the base was written\n`);
  return EXIT.ok;
}

function renderYaml(model: AppModel, renderOptions: RenderOptions, options: Options): number {
  const result = renderOrFail(model, renderOptions);
  printNotes(result.notes);
  if (options.output === undefined) {
    for (const chunk of yamlStreamChunks(result.objects)) process.stdout.write(chunk);
    return EXIT.ok;
  }
  const files = objectFiles(result.objects, generatedBanner('#', regenerateCommand(options)));
  // A file per object in one folder: an earlier render's file of an object no longer rendered goes.
  writeFiles(options.output, files, { stale: /^[^/]+\.yaml$/, report: false });
  process.stderr.write(`wrote ${files.size} files to ${options.output}\n`);
  return EXIT.ok;
}

/** The command that writes these files again, for their banner. */
export function regenerateCommand(options: Options): string {
  const flags: Array<[string, string | boolean | undefined]> = [
    ['--format', options.format === 'yaml' ? undefined : options.format],
    ['-f', options.file],
    ['--env', options.env],
    ['-o', options.output],
    ['--namespace', options.namespace],
    ['--active', options.active],
    ['--traffic', options.traffic],
    ['--monitoring', options.monitoring],
    ['--chart-version', options.chartVersion],
    ['--app-version', options.appVersion],
  ];
  const args = flags
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([flag, value]) => (value === true ? flag : `${flag} ${value}`));
  return ['gantry render', ...args].join(' ');
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
