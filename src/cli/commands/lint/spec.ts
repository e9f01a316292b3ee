/** `gantry lint --spec`: the objects `gantry render` makes of the spec, linted like files. */
import { renderKubernetes } from '../../../render/kubernetes/index.ts';
import { toYamlStream } from '../../../render/serialize.ts';
import type { AppModel } from '../../../spec/model.ts';
import { environmentsOf, specOf } from '../../spec.ts';
import type { LintSet, Options } from './run.ts';

/**
 * What `gantry render` makes of the spec: the one environment asked for, else every
 * environment (each its own set: cross-object rules never mix environments), else the base.
 * The "file" names the render, and lines are lines of `gantry render` output.
 */
export function renderedSets(options: Options): LintSet[] {
  const models = modelsToLint(options);
  return models.map((model) => {
    const env = model.environment?.name;
    const name = `<render ${options.file}${env === undefined ? '' : ` --env ${env}`}>`;
    const rendered = toYamlStream(renderKubernetes(model).objects);
    return { sources: [{ file: name, read: () => rendered }] };
  });
}

/** The one environment asked for; else every declared one; else the base. */
function modelsToLint(options: Options): AppModel[] {
  const target = { file: options.file, target: 'cluster' } as const;
  if (options.env !== undefined) return [specOf({ ...target, env: options.env }, 'nothing to lint').model];
  const { base, environments } = environmentsOf(target, 'nothing to lint');
  return environments.length > 0 ? environments : [base];
}
