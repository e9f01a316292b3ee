import { isAbsolute, relative, resolve, sep } from 'node:path';
import { githubWorkflow } from '../../render/ci/github.ts';
import { gitlabPipeline } from '../../render/ci/gitlab.ts';
import { planPipeline } from '../../render/ci/plan.ts';
import { loadSpec } from '../../spec/load.ts';
import type { AppModel } from '../../spec/model.ts';
import { CliError, EXIT } from '../errors.ts';
import { writeFiles } from '../generated-files.ts';
import { failWithProblems } from '../report.ts';
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
  if (!base.ok) return failWithProblems(base.problems, text, options.file, 'no pipeline written');
  const loaded = base.model.environments.map((name) => load(name));
  const problems = loaded.flatMap((result) => (result.ok ? [] : result.problems));
  if (problems.length > 0) return failWithProblems(problems, text, options.file, 'no pipeline written');
  const environments = loaded.map((result) => result.model as AppModel);
  const trusted = base.model.ci?.provider;
  if (trusted !== undefined && trusted !== options.provider)
    throw new CliError(
      `--provider ${options.provider}, but ${options.file} says ci.provider: ${trusted}: the deploy roles gantry infra creates trust ${trusted}'s OIDC tokens only`,
      EXIT.usage,
      `gantry ci --provider ${trusted}, or change ci.provider and run gantry infra again`,
    );

  const plan = planPipeline({ specFile, base: base.model, environments });
  const files = options.provider === 'github' ? githubWorkflow(plan) : gitlabPipeline(plan);
  if (options.output === undefined) {
    for (const text of files.values()) process.stdout.write(text);
    return EXIT.ok;
  }
  writeFiles(options.output, files);
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
