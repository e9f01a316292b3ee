import { isAbsolute, relative, resolve, sep } from 'node:path';
import { githubWorkflow } from '../../render/ci/github.ts';
import { gitlabPipeline } from '../../render/ci/gitlab.ts';
import { planPipeline } from '../../render/ci/plan.ts';
import { writeGeneratedTree } from '../../render/generated.ts';
import { loadSpec } from '../../spec/load.ts';
import type { AppModel } from '../../spec/model.ts';
import type { Problem } from '../../spec/problem.ts';
import { CliError, EXIT } from '../errors.ts';
import { countLabel, formatProblems } from '../report.ts';
import { readSpecText } from '../spec-file.ts';

export interface Options {
  provider: 'github' | 'gitlab';
  file: string;
  output?: string;
}

export function ci(options: Options): number {
  const specFile = repositoryPath(options.file);
  const text = readSpecText(options.file);
  const load = (env?: string) =>
    loadSpec(text, { file: options.file, target: 'cluster', ...(env === undefined ? {} : { env }) });
  const base = load();
  if (!base.ok) return failSpec(base.problems, text, options.file);
  const loaded = base.model.environments.map((name) => load(name));
  const problems = loaded.flatMap((result) => (result.ok ? [] : result.problems));
  if (problems.length > 0) return failSpec(problems, text, options.file);
  const environments = loaded.map((result) => result.model as AppModel);

  const plan = planPipeline({ specFile, base: base.model, environments });
  const files = options.provider === 'github' ? githubWorkflow(plan) : gitlabPipeline(plan);
  if (options.output === undefined) {
    for (const text of files.values()) process.stdout.write(text);
    return EXIT.ok;
  }
  const result = writeGeneratedTree(options.output, files);
  for (const path of files.keys()) {
    const shown = relative('.', resolve(options.output, path)) || path;
    process.stderr.write(`${result.written.includes(path) ? 'written  ' : 'unchanged'} ${shown}\n`);
  }
  return EXIT.ok;
}

/**
 * The spec's path as the pipeline runs it: from the repository root, which is where `gantry ci`
 * runs. A path outside it (or absolute elsewhere) would not exist on the CI runner.
 */
function repositoryPath(file: string): string {
  const path = relative(process.cwd(), resolve(file));
  if (path.startsWith('..') || isAbsolute(path))
    throw new CliError(
      `${file} is outside the current directory; the pipeline runs from the repository root`,
      EXIT.usage,
      'run gantry ci from the repository root, with -f the spec path inside it',
    );
  return path.split(sep).join('/');
}

function failSpec(problems: Problem[], text: string, file: string): never {
  process.stderr.write(`${formatProblems(problems, text)}\n\n`);
  throw new CliError(
    `${file}: ${countLabel(problems)}; no pipeline written`,
    EXIT.failed,
    `run gantry validate -f ${file}`,
  );
}
