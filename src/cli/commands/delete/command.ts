/**
 * `gantry delete --env prod [--yes]`: delete everything Gantry applied for this app from the
 * cluster, after a confirmation on a terminal (or --yes); the Namespace only with
 * --include-namespace and only when it is labelled as Gantry's.
 */
import { Option } from 'commander';
import type { GantryCommand } from '../../command.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import { withClusterOptions } from '../../target.ts';
import type { DeleteOptions } from './run.ts';

export const deleteCommand: GantryCommand = {
  register(program, run) {
    withClusterOptions(
      program
        .command('delete')
        .description('delete every object Gantry applied for this app from a cluster environment'),
      'the cluster environment to delete from (required)',
    )
      .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
      .option('-y, --yes', 'do not ask for confirmation (needed when not on a terminal)')
      .option(
        '--include-namespace',
        "also delete the Namespace, when it is labelled as Gantry's for this app",
      )
      .addOption(
        new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
      )
      .action((options: DeleteOptions) =>
        run(async () => (await import('./run.ts')).deleteFromCluster(options)),
      );
  },
};
