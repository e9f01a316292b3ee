/**
 * `gantry port-forward <svc> --env prod [LOCAL:REMOTE]`: a local port on 127.0.0.1 forwarded to
 * a ready pod of the service, through the API server's port-forward (a WebSocket).
 */

import type { GantryCommand } from '../../command.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import { withClusterOptions } from '../../target.ts';
import type { PortForwardOptions } from './run.ts';

export const portForwardCommand: GantryCommand = {
  register(program, run) {
    withClusterOptions(
      program
        .command('port-forward')
        .description('forward a port on 127.0.0.1 to a ready pod of a service on a cluster'),
      'the cluster environment (required)',
    )
      .argument('<service>')
      .argument('[ports]', "LOCAL:REMOTE, PORT, or :REMOTE (default: the service's port on both sides)")
      .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
      .action((service: string, ports: string | undefined, options: PortForwardOptions) =>
        run(async () => (await import('./run.ts')).portForward(service, ports, options)),
      );
  },
};
