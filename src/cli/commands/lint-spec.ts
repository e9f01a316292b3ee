/** `gantry lint --spec`: the objects `gantry render` makes of the spec, linted like files. */
import { renderKubernetes } from '../../render/kubernetes/index.ts';
import { toYamlStream } from '../../render/serialize.ts';
import { loadSpec } from '../../spec/load.ts';
import { CliError, EXIT } from '../errors.ts';
import { formatProblems } from '../report.ts';
import { readSpecText } from '../spec-file.ts';
import type { LintSet, Options } from './lint-run.ts';

/**
 * What `gantry render` makes of the spec: the one environment asked for, else every
 * environment (each its own set: cross-object rules never mix environments), else the base.
 * The "file" names the render, and lines are lines of `gantry render` output.
 */
export function renderedSets(options: Options): LintSet[] {
  const text = readSpecText(options.file);
  const probe = loadSpec(text, { file: options.file, target: 'cluster' });
  const environments =
    options.env !== undefined
      ? [options.env]
      : probe.model?.environments.length
        ? probe.model.environments
        : [undefined];
  return environments.map((env) => {
    const loaded = loadSpec(text, {
      file: options.file,
      target: 'cluster',
      ...(env === undefined ? {} : { env }),
    });
    if (!loaded.model)
      throw new CliError(
        `${formatProblems(loaded.problems, text)}\n\n${options.file} is not valid: nothing to lint`,
        EXIT.failed,
        `gantry validate -f ${options.file}`,
      );
    const name = `<render ${options.file}${env === undefined ? '' : ` --env ${env}`}>`;
    const rendered = toYamlStream(renderKubernetes(loaded.model).objects);
    return { sources: [{ file: name, read: () => rendered }] };
  });
}
