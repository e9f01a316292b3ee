import { isAbsolute, relative, resolve, sep } from 'node:path';
import { githubWorkflow } from '../../../render/ci/github.ts';
import { gitlabPipeline } from '../../../render/ci/gitlab.ts';
import { planPipeline } from '../../../render/ci/plan.ts';
import { CliError, EXIT } from '../../errors.ts';
import { writeFiles } from '../../generated-files.ts';
import { environmentsOf } from '../../spec.ts';

export interface Options {
  provider: 'github' | 'gitlab';
  file: string;
  output?: string;
}

export function ci(options: Options): number {
  const specFile = repositoryPath(options.file);
  const { base, environments } = environmentsOf(
    { file: options.file, target: 'cluster' },
    'no pipeline written',
  );
  const trusted = base.ci?.provider;
  if (trusted !== undefined && trusted !== options.provider)
    throw new CliError(
      `--provider ${options.provider}, but ${options.file} says ci.provider: ${trusted}: the deploy roles gantry infra creates trust ${trusted}'s OIDC tokens only`,
      EXIT.usage,
      `gantry ci --provider ${trusted}, or change ci.provider and run gantry infra again`,
    );

  const plan = planPipeline({ specFile, base, environments });
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
