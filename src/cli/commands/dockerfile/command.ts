/**
 * `gantry dockerfile [SERVICE]`: a multi-stage Dockerfile per Node service (and a
 * .dockerignore per build context), consistent with the pods `gantry render` writes.
 */
import { Option } from 'commander';
import type { GantryCommand } from '../../command.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import type { Options } from './run.ts';

export const dockerfileCommand: GantryCommand = {
  register(program, run) {
    program
      .command('dockerfile')
      .description(
        'write a multi-stage Dockerfile per Node service (non-root, pinned base, HEALTHCHECK) and .dockerignore',
      )
      .argument('[service]', 'only this service (default: every Node service)')
      .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
      .option('-e, --env <name>', 'use this environment (its build settings and probes)')
      .option(
        '-o, --output <dir>',
        'write the files into this directory (paths as in the spec: build.context, build.dockerfile); use the spec folder',
      )
      .addOption(
        new Option('--format <format>', 'what to print: the files, or a JSON listing')
          .choices(['text', 'json'])
          .default('text'),
      )
      .action((service: string | undefined, options: Options) =>
        run(async () => (await import('./run.ts')).dockerfile(service, options)),
      );
  },
};
