/** `gantry render --format compose`: docker-compose.yml on stdout, or into -o DIR. */
import { basename } from 'node:path';
import { COMPOSE_FILE, renderCompose } from '../../../render/compose/compose.ts';
import { CliError, EXIT } from '../../errors.ts';
import { writeFiles } from '../../generated-files.ts';
import { printWarnings, specOf } from '../../spec.ts';
import { style } from '../../style.ts';
import { refuseFileOutput } from './output-dir.ts';
import type { Options } from './run.ts';

export function renderComposeFile(options: Options): number {
  const kubernetesOnly = [
    ['--namespace', options.namespace],
    ['--active', options.active],
    ['--traffic', options.traffic],
    ['--chart-version', options.chartVersion],
    ['--app-version', options.appVersion],
  ].filter(([, value]) => value !== undefined);
  if (kubernetesOnly.length > 0)
    throw new CliError(
      `${kubernetesOnly.map(([flag]) => flag).join(', ')}: only for Kubernetes output, not --format compose`,
      EXIT.usage,
      `gantry render --format compose -f ${options.file}${options.env ? ` --env ${options.env}` : ''}`,
    );
  refuseFileOutput(options);
  const { model, warnings, text } = specOf(
    { file: options.file, target: 'cluster', env: options.env },
    'nothing rendered',
  );
  printWarnings(warnings, text);
  const result = renderCompose(model, { specName: basename(options.file) });
  for (const note of result.notes) process.stderr.write(`${style.cyan('note', process.stderr)}: ${note}\n`);
  if (options.output === undefined) process.stdout.write(result.files.get(COMPOSE_FILE)!);
  else writeFiles(options.output, result.files);
  return EXIT.ok;
}
