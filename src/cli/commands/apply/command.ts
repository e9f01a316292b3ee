/**
 * `gantry apply`: server-side apply of the rendered objects to a Kubernetes cluster with the
 * user's kubeconfig, in dependency order; optional prune of what is no longer rendered; then a
 * wait for every Deployment and StatefulSet to roll out.
 */
import { Option } from 'commander';
import type { GantryCommand } from '../../command.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import type { Options } from './run.ts';

export const applyCommand: GantryCommand = {
  register(program, run) {
    program
      .command('apply')
      .description(
        'apply the rendered manifests of one environment to a Kubernetes cluster and wait for the rollout',
      )
      .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
      .requiredOption('-e, --env <name>', 'the environment to apply')
      .option('--context <name>', 'the kubeconfig context (default: its current context)')
      .option('--kubeconfig <path>', 'the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
      .option('-n, --namespace <ns>', 'put every object in this namespace and apply the Namespace too')
      .addOption(
        new Option(
          '--dry-run <mode>',
          'server: the API server validates and admits everything, persists nothing',
        ).choices(['server']),
      )
      .option('--prune', 'delete objects Gantry applied for this app that are no longer rendered')
      .option('--force-conflicts', 'take over fields another field manager owns (server-side apply force)')
      .option('--timeout <duration>', 'how long to wait for the rollout', '10m')
      .addOption(
        new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
      )
      .action((options: Options) => run(async () => (await import('./run.ts')).apply(options)));
  },
};
