/**
 * Where a command that acts locally or on a cluster goes — status, logs, restart and the release
 * commands: this machine's daemon, or the environment's cluster. Chosen once, in main, before the
 * command runs (its options carry `where`); the command then calls its local or its cluster half.
 *
 * The spec has no per-environment "this one is a cluster" field; the environment is chosen per
 * command. The local commands never took `--env` (the daemon's environment is fixed at `gantry
 * up`), so: `--env`, `--context` or `--kubeconfig` means the cluster — except `--env X` while this
 * spec's local daemon runs environment X, which stays local so `gantry up --env dev` followed by
 * `gantry status --env dev` means what it says. Without any of them, everything is as it was.
 * Kept light (no client-node): every command imports it; the cluster halves are loaded lazily.
 */
import type { Command } from 'commander';
import { restarting, stateDirOf } from './daemon-client.ts';

export interface ClusterOptions {
  file: string;
  stateDir?: string;
  env?: string;
  context?: string;
  kubeconfig?: string;
  namespace?: string;
}

export type Where = 'local' | 'cluster';

/** The options of a command `withTarget` declared, with where main chose it runs. */
export interface Targeted extends ClusterOptions {
  where: Where;
}

/** Pure: `localEnvironment` is the running local daemon's environment (null: none; undefined: no daemon). */
export function chooseTarget(
  options: { env?: string; context?: string; kubeconfig?: string },
  localEnvironment: string | null | undefined,
): Where {
  if (options.context !== undefined || options.kubeconfig !== undefined) return 'cluster';
  if (options.env === undefined) return 'local';
  return localEnvironment === options.env ? 'local' : 'cluster';
}

/** chooseTarget with the local daemon's environment, read only when a cluster flag makes it matter. */
export function resolveTarget(options: ClusterOptions): Where {
  if (chooseTarget(options, undefined) === 'local') return 'local'; // no cluster flag: nothing to look up
  const state = stateDirOf(options);
  const daemon = state.daemonInfo() ?? restarting(state);
  return chooseTarget(options, daemon ? daemon.environment : undefined);
}

/** The options every command that can reach a cluster takes. */
export function withClusterOptions(command: Command, envHelp: string): Command {
  return command
    .option('-e, --env <name>', envHelp)
    .option('--context <name>', 'the kubeconfig context (default: its current context)')
    .option('--kubeconfig <path>', 'the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
    .option('-n, --namespace <ns>', "the cluster namespace (default: the environment's)");
}

const TARGETED = new WeakSet<Command>();

/** A command that runs locally or on a cluster: its cluster options, and main sets `where` before it runs. */
export function withTarget(command: Command, envHelp: string): Command {
  TARGETED.add(command);
  return withClusterOptions(command, envHelp);
}

/** main's preAction hook: where a targeted command runs, decided here and nowhere else. */
export function chooseWhere(command: Command): void {
  if (TARGETED.has(command)) command.setOptionValue('where', resolveTarget(command.opts() as ClusterOptions));
}
