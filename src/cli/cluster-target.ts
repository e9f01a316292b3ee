/**
 * Where a day-2 command (status, logs, restart) goes: the local daemon or the cluster.
 *
 * The spec has no per-environment "this one is a cluster" field; the environment is chosen per
 * command. The local commands never took `--env` (the daemon's environment is fixed at `gantry
 * up`), so: `--env`, `--context` or `--kubeconfig` means the cluster — except `--env X` while this
 * spec's local daemon runs environment X, which stays local so `gantry up --env dev` followed by
 * `gantry status --env dev` means what it says. Without any of them, everything is as it was.
 * Kept light (no client-node): every command imports it; cluster-open.ts is loaded lazily.
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

/** Pure: `localEnvironment` is the running local daemon's environment (null: none; undefined: no daemon). */
export function chooseTarget(
  options: { env?: string; context?: string; kubeconfig?: string },
  localEnvironment: string | null | undefined,
): 'local' | 'cluster' {
  if (options.context !== undefined || options.kubeconfig !== undefined) return 'cluster';
  if (options.env === undefined) return 'local';
  return localEnvironment === options.env ? 'local' : 'cluster';
}

export function targetsCluster(options: ClusterOptions): boolean {
  if (chooseTarget(options, undefined) === 'local') return false; // no cluster flag: nothing to look up
  const state = stateDirOf(options);
  const daemon = state.daemonInfo() ?? restarting(state);
  return chooseTarget(options, daemon ? daemon.environment : undefined) === 'cluster';
}

/** The options every day-2 command takes to reach a cluster. */
export function withClusterOptions(command: Command, envHelp: string): Command {
  return command
    .option('-e, --env <name>', envHelp)
    .option('--context <name>', 'the kubeconfig context (default: its current context)')
    .option('--kubeconfig <path>', 'the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
    .option('-n, --namespace <ns>', "the cluster namespace (default: the environment's)");
}
