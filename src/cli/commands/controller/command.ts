/**
 * `gantry controller`: the release manager's home on a cluster (src/controller/). `run` drives the
 * releases of the namespaces it watches, as one of several replicas electing a leader by a Lease;
 * `install` prints what runs it in the cluster, least privilege, for `kubectl apply -f -`.
 */
import { Option } from 'commander';
import type { GantryCommand } from '../../command.ts';
import type { InstallOptions, RunOptions } from './run.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

export const controllerCommand: GantryCommand = {
  register(program, run) {
    const controller = program
      .command('controller')
      .description(
        'drive releases on a cluster from inside it, so they go on when the deploy that started them stops',
      );
    controller
      .command('run', { isDefault: true })
      .description('drive the releases of the watched namespaces (the leader of the replicas does)')
      .option(
        '--watch-namespace <ns>',
        'a namespace whose releases it drives (repeatable; default: all)',
        collect,
        [],
      )
      .option('--lease-namespace <ns>', 'where the replicas elect a leader', 'gantry-system')
      .option('--lease-duration <seconds>', 'how long a leader holds the Lease without renewing it', '15')
      .option('--identity <name>', 'this replica in the Lease (default: $POD_NAME, else host and pid)')
      .option('--listen <host:port>', '/healthz, /readyz and /metrics', '127.0.0.1:8080')
      .option('--kubeconfig <path>', 'the kubeconfig (default: in-cluster, $KUBECONFIG, ~/.kube/config)')
      .option('--context <name>', 'the kubeconfig context')
      .action((options: RunOptions) => run(async () => (await import('./run.ts')).runController(options)));
    controller
      .command('install')
      .description(
        "print the controller's manifests (namespace, RBAC, Deployment, PDB) for kubectl apply -f -",
      )
      .option('--namespace <ns>', 'its namespace', 'gantry-system')
      .option('--image <image>', 'the gantry image it runs (default: ghcr.io/gantry-dev/gantry:VERSION)')
      .option(
        '--watch-namespace <ns>',
        'a namespace it may drive releases in (repeatable; default: all)',
        collect,
        [],
      )
      .addOption(
        new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'),
      )
      .action((options: InstallOptions) => run(async () => (await import('./run.ts')).install(options)));
  },
};
