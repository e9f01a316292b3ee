import {
  RenderBug,
  type RenderNote,
  type RenderOptions,
  renderKubernetes,
} from '../../render/kubernetes/index.ts';
import { type NamespacedRender, writeKustomize } from '../../render/kustomize.ts';
import { writeObjectFiles, yamlStreamChunks } from '../../render/serialize.ts';
import { loadSpec } from '../../spec/load.ts';
import type { AppModel } from '../../spec/model.ts';
import type { Problem } from '../../spec/problem.ts';
import { CliError, EXIT } from '../errors.ts';
import { countLabel, formatProblems } from '../report.ts';
import { readSpecText } from '../spec-file.ts';
import { style } from '../style.ts';

export interface Options {
  file: string;
  env?: string;
  format: 'yaml' | 'kustomize' | 'compose';
  output?: string;
  namespace?: string;
  active?: 'blue' | 'green';
  traffic?: 'replicas' | 'gateway';
  monitoring?: boolean;
  monitoringNamespace?: string;
}

export function render(options: Options): number {
  if (options.format === 'kustomize' && options.output === undefined)
    throw new CliError(
      '--format kustomize writes a directory tree: pass -o DIR',
      EXIT.usage,
      `gantry render --format kustomize -o deploy/ -f ${options.file}`,
    );
  const text = readSpecText(options.file);
  const renderOptions: RenderOptions = {
    ...(options.namespace ? { namespace: options.namespace } : {}),
    ...(options.active ? { active: options.active } : {}),
    ...(options.traffic ? { traffic: options.traffic } : {}),
    ...(options.monitoring ? { monitoring: { namespace: options.monitoringNamespace ?? 'monitoring' } } : {}),
  };

  const base = load(text, options.file, options.env);
  if (!base.model) return failed(base.problems, text, options);
  if (options.format === 'yaml') {
    printWarnings(base.problems, text);
    return renderYaml(base.model, renderOptions, options.output);
  }

  // Kustomize: the base spec, and the environments (or the one asked for) as overlays.
  const baseSpec = options.env === undefined ? base : load(text, options.file, undefined);
  const names = options.env === undefined ? base.model.environments : [options.env];
  const loaded = names.map((name) => ({ name, ...load(text, options.file, name) }));
  const problems = [...baseSpec.problems, ...loaded.flatMap((l) => l.problems)];
  if (!baseSpec.model || loaded.some((l) => !l.model)) return failed(dedupe(problems), text, options);
  const all = [baseSpec.model, ...loaded.map((l) => l.model!)];
  const [baseRender, ...envRenders] = all.map((model) => renderOrFail(model, renderOptions));
  printWarnings(dedupe(problems), text);
  printNotes([baseRender!, ...envRenders].flatMap((r) => r.notes));
  const environments = new Map(names.map((name, i) => [name, envRenders[i]!]));
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
    for (const chunk of yamlStreamChunks(result.objects)) process.stdout.write(chunk);
    return EXIT.ok;
  }
  const files = writeObjectFiles(output, result.objects);
  process.stderr.write(`wrote ${files.length} files to ${output}\n`);
  return EXIT.ok;
}

function load(
  text: string,
  file: string,
  env: string | undefined,
): { model?: AppModel; problems: Problem[] } {
  const loaded = loadSpec(text, { file, target: 'cluster', ...(env === undefined ? {} : { env }) });
  return { model: loaded.model, problems: loaded.problems };
}

/** Problems as `gantry validate` prints them; warnings alone do not stop the render. */
function failed(problems: Problem[], text: string, options: Options): number {
  process.stderr.write(`${formatProblems(problems, text)}\n\n`);
  process.stderr.write(
    `${style.red('✗', process.stderr)} ${options.file}: ${countLabel(problems)}; nothing rendered\n`,
  );
  return EXIT.failed;
}

function printWarnings(problems: Problem[], text: string): void {
  if (problems.length > 0) process.stderr.write(`${formatProblems(problems, text)}\n\n`);
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

function dedupe(problems: Problem[]): Problem[] {
  const key = (p: Problem) => `${p.file}:${p.line}:${p.column}:${p.path}:${p.message}`;
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(key(p)) && seen.add(key(p)));
}
