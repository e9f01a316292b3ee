/** Opening a cluster for a day-2 command: the spec for the environment, the kubeconfig, the adapter. */
import { KubeError } from '../platform/kubernetes/api-failure.ts';
import { type Connection, connect } from '../platform/kubernetes/cluster.ts';
import type { ClusterDay2 } from '../platform/kubernetes/cluster-api.ts';
import type { AppModel } from '../spec/model.ts';
import { CliError, EXIT } from './errors.ts';
import { specOf } from './spec.ts';
import type { ClusterOptions } from './target.ts';

export interface OpenCluster {
  model: AppModel;
  environment: string;
  namespace: string;
  connection: Connection;
  day2: ClusterDay2;
}

/** Loads the spec for the cluster (its `image` requirements), then connects with the kubeconfig. */
export function openCluster(options: ClusterOptions, command: string): OpenCluster {
  if (options.env === undefined)
    throw new CliError(
      `gantry ${command} on a cluster needs --env: which environment's objects to act on`,
      EXIT.usage,
      `e.g. gantry ${command} --env prod`,
    );
  const loaded = specOf({ file: options.file, target: 'cluster', env: options.env }, 'nothing done');
  const connection = kubeErrors(() =>
    connect({
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.context ? { context: options.context } : {}),
    }),
  );
  return {
    model: loaded.model,
    environment: options.env,
    namespace: options.namespace ?? loaded.model.namespace,
    connection,
    day2: connection.cluster,
  };
}

/** A Kubernetes domain error as the CLI's message and hint; anything else as it is (a bug). */
function worded(error: unknown): unknown {
  return error instanceof KubeError ? new CliError(error.message, EXIT.failed, error.hint) : error;
}

export function kubeErrors<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw worded(error);
  }
}

export async function kubeErrorsAsync<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw worded(error);
  }
}

/** The service must be in the spec: a typo should not look like an empty cluster. */
export function serviceOrFail(model: AppModel, service: string): void {
  if (!model.services[service])
    throw new CliError(
      `no service \`${service}\` in ${model.file}`,
      EXIT.usage,
      `services: ${Object.keys(model.services).join(', ')}`,
    );
}
