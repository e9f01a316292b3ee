/**
 * `gantry simulate`: what the service's HorizontalPodAutoscaler would do over a load profile,
 * in simulated time — replicas, unserved load and why, before paying for it.
 */
import { Option } from 'commander';
import type { GantryCommand } from '../../command.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import type { Options } from './run.ts';

export const simulateCommand: GantryCommand = {
  register(program, run) {
    program
      .command('simulate')
      .description(
        "run the service's HPA (as `gantry render` writes it) in simulated time over a load profile: replicas, unserved load and the reasons, as a chart or JSON",
      )
      .requiredOption(
        '-l, --load <spec>',
        'requests per second over time: a CSV file of seconds,rps or a list like 0:100,600:2000,1200:300 (linear between points; times may be 10m)',
      )
      .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
      .option('-e, --env <name>', 'simulate this environment (its autoscale settings)')
      .option('-s, --service <name>', 'the autoscaled service (needed when there are several)')
      .option(
        '-c, --capacity <rps>',
        'requests per second one ready replica serves, at 100% of its cpu request (default: the spec’s rps target)',
      )
      .option('--step <seconds>', 'the HPA sync period: one decision per step', '15')
      .option('--readiness-delay <seconds>', 'how long a new replica takes to become ready', '30')
      .option(
        '--duration <seconds>',
        'how long to simulate (default: the profile’s end plus the scale-down window and policy period)',
      )
      .addOption(
        new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
      )
      .action((options: Options) => run(async () => (await import('./run.ts')).runSimulation(options)));
  },
};
