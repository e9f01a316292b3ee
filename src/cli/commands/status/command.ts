/** `gantry status`: every service's URL, version, replicas, restarts and traffic. */
import { Option } from 'commander';
import type { GantryCommand } from '../../command.ts';
import { connect } from '../../daemon-client.ts';
import { dashboardLink } from '../../dashboard-link.ts';
import { EXIT } from '../../errors.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import { formatReplicas, formatStatus } from '../../status-table.ts';
import { type Targeted, withTarget } from '../../target.ts';

export const statusCommand: GantryCommand = {
  register(program, run) {
    withTarget(
      program.command('status').description('show services, replicas and traffic of the running app'),
      'a cluster environment: show it from the cluster (Deployments, HPAs, warning events)',
    )
      .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
      .option('--state-dir <dir>', 'state directory (default: .gantry beside the spec)')
      .option('-r, --replicas', 'also list every replica')
      .addOption(
        new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
      )
      .action((options: Targeted & { replicas?: boolean; output: string }) =>
        run(async () => {
          if (options.where === 'cluster') return (await import('./cluster.ts')).clusterStatusRun(options);
          const client = connect(options);
          const status = await client.status();
          if (options.output === 'json') {
            process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
            return EXIT.ok;
          }
          process.stdout.write(
            `${formatStatus(status)}\n${options.replicas ? `\n${formatReplicas(status)}\n` : ''}`,
          );
          // A fresh one-time link each time: the last one may have been used already.
          const link = await dashboardLink(client);
          if (link) process.stdout.write(`\ndashboard: ${link}\n`);
          return EXIT.ok;
        }),
      );
  },
};
