/** `gantry down`: stop every replica gracefully, the load balancers, backing services and the daemon. */
import { isAlive } from '../../../local/process.ts';
import type { GantryCommand } from '../../command.ts';
import { connect, type DaemonClient, restarting, sleep, stateDirOf } from '../../daemon-client.ts';
import { CliError, EXIT } from '../../errors.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import { style } from '../../style.ts';

export const downCommand: GantryCommand = {
  register(program, run) {
    program
      .command('down')
      .description('stop the app and the local control plane (backing data is kept)')
      .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
      .option('--state-dir <dir>', 'state directory (default: .gantry beside the spec)')
      .action((options: { file: string; stateDir?: string }) =>
        run(async () => {
          const state = stateDirOf(options);
          if (!state.daemonInfo() && !restarting(state)) {
            process.stdout.write('nothing is running\n');
            return EXIT.ok;
          }
          await stopDaemon(connect(options));
          process.stdout.write(`${style.green('✓')} stopped\n`);
          return EXIT.ok;
        }),
      );
  },
};

/** Asks the daemon to stop and waits until it (and its supervisor) are gone. */
export async function stopDaemon(client: DaemonClient, timeoutMs = 120_000): Promise<void> {
  await client.request('POST', '/v1/shutdown');
  const deadline = Date.now() + timeoutMs;
  const { pid, supervisor } = client.info;
  while (isAlive(pid) || (supervisor !== undefined && isAlive(supervisor))) {
    if (Date.now() > deadline)
      throw new CliError(`the daemon (pid ${pid}) did not stop within ${timeoutMs / 1000}s`, EXIT.failed);
    await sleep(100);
  }
}
