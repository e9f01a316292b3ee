/** `gantry rollout status SERVICE`: the current release — its steps, weights, replicas per version, analysis. */
import { Option } from 'commander';
import type { GantryCommand } from '../../command.ts';
import { connect } from '../../daemon-client.ts';
import { EXIT } from '../../errors.ts';
import {
  describeRollout,
  onCluster,
  path,
  type Rollout,
  resultCode,
  watch,
  withReleaseOptions,
} from '../../release/view.ts';
import type { Targeted } from '../../target.ts';

export const rolloutCommand: GantryCommand = {
  register(program, run) {
    const rollout = program.command('rollout').description('releases in progress');
    withReleaseOptions(
      rollout
        .command('status')
        .description('the current release of a service: step, weights, replicas per version, analysis')
        .argument('<service>')
        .option('-w, --watch', 'follow it until it ends')
        .addOption(
          new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
        ),
    ).action((service: string, options: Targeted & { watch?: boolean; output: string }) =>
      run(async () => {
        if (options.where === 'cluster')
          return onCluster(async () => (await import('./cluster.ts')).statusOnCluster(service, options));
        const client = connect(options);
        const state = await client.request<Rollout>('GET', path(service, 'rollout'));
        if (options.output === 'json') {
          process.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
          return EXIT.ok;
        }
        if (
          options.watch &&
          state.release &&
          (state.release.status === 'progressing' || state.release.status === 'paused')
        )
          return resultCode(await watch(client, service, state.release.id, 24 * 3600 * 1000));
        process.stdout.write(`${describeRollout(service, state)}\n`);
        return EXIT.ok;
      }),
    );
  },
};
