/** `gantry history SERVICE`: every revision — version, strategy, result, analysis, reason, start and end. */
import { Option } from 'commander';
import type { ReleaseState } from '../../../rollout/state.ts';
import type { GantryCommand } from '../../command.ts';
import { connect } from '../../daemon-client.ts';
import { EXIT } from '../../errors.ts';
import { formatHistory, onCluster, path, withReleaseOptions } from '../../release/view.ts';
import type { Targeted } from '../../target.ts';

export const historyCommand: GantryCommand = {
  register(program, run) {
    withReleaseOptions(
      program
        .command('history')
        .description('every revision of a service: version, strategy, result, reason, start and end')
        .argument('<service>')
        .addOption(
          new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
        ),
    ).action((service: string, options: Targeted & { output: string }) =>
      run(async () => {
        if (options.where === 'cluster')
          return onCluster(async () => (await import('./cluster.ts')).historyOnCluster(service, options));
        const history = await connect(options).request<ReleaseState[]>('GET', path(service, 'history'));
        if (options.output === 'json') {
          process.stdout.write(`${JSON.stringify(history, null, 2)}\n`);
          return EXIT.ok;
        }
        process.stdout.write(formatHistory(history));
        return EXIT.ok;
      }),
    );
  },
};
