/**
 * `gantry cost`: what the spec will cost a month, per environment, before anyone pays for it —
 * every line with its quantity, unit price, monthly cost and the price row it comes from. On AWS
 * it prices what `gantry infra` builds (the same facts), in one region the price table covers.
 */
import { Option } from 'commander';
import type { GantryCommand } from '../../command.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import type { Options } from './run.ts';

export const costCommand: GantryCommand = {
  register(program, run) {
    program
      .command('cost')
      .description(
        'estimate the monthly cloud bill of gantry.yaml per environment, line by line with sources',
      )
      .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
      .option('-e, --env <name>', 'estimate this environment (default: every environment, or the base spec)')
      .option('--all-envs', 'estimate every environment the spec declares (the default without --env)')
      .addOption(
        new Option('--provider <provider>', 'cloud provider').choices(['aws', 'gcp', 'azure']).default('aws'),
      )
      .addOption(
        new Option(
          '--target <target>',
          'what runs it (default: eks on aws, gke on gcp, aks on azure)',
        ).choices(['eks', 'ecs', 'gke', 'aks']),
      )
      .addOption(
        new Option('--pricing <option>', 'price compute at on-demand, spot or a 1-/3-year commitment')
          .choices(['on-demand', 'spot', 'savings-1y', 'savings-3y'])
          .default('on-demand'),
      )
      .option(
        '--usage <file|preset>',
        'traffic figures (egressGB, natGB, lcu, logsGB, peakHoursPerDay): a YAML/JSON file or small|medium|large',
      )
      .option(
        '--node-type <type>',
        'Kubernetes node type, or `cheapest` (default m6i.large / e2-standard-2 / Standard_D2s_v5)',
      )
      .option(
        '--zones <n>',
        'availability zones (default: AWS as gantry infra builds them, 2 and 3 in production; GCP/Azure by tier 1/2/3)',
      )
      .option(
        '--region <region>',
        "price this region (default: the environment's aws.region, else us-east-1); the price table must have it",
      )
      .option('--arm', 'ECS: Graviton (ARM) Fargate prices')
      .option('--spot-share <percent>', 'with --pricing spot: the share of compute on spot (default 100)')
      .option(
        '--prices <file>',
        'your own price table, same shape as data/prices.json (region, negotiated rates)',
      )
      .addOption(
        new Option('-o, --output <format>', 'output format')
          .choices(['table', 'json', 'markdown'])
          .default('table'),
      )
      .action((options: Options) => run(async () => (await import('./run.ts')).cost(options)));
  },
};
