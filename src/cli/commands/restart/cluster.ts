/**
 * `gantry restart <svc> --env prod`: a rollout restart of every Deployment of the service (the
 * stable one and a canary or colour beside it), through server-side apply of the pod template's
 * restartedAt annotation (restart-patch.ts says why under its own field manager), then the same
 * rollout wait `gantry apply` uses.
 */

import { describeObject } from '../../../platform/kubernetes/kinds.ts';
import { pruneSelector } from '../../../platform/kubernetes/prune.ts';
import { RESTART_FIELD_MANAGER, restartPatch } from '../../../platform/kubernetes/restart-patch.ts';
import { waitForRollouts } from '../../../platform/kubernetes/rollout-wait.ts';
import type { K8sObject } from '../../../render/kubernetes/index.ts';
import { parseDuration } from '../../../spec/units.ts';
import { RolloutProgress } from '../../apply-progress.ts';
import { kubeErrorsAsync, openCluster, serviceOrFail } from '../../cluster-open.ts';
import { CliError, EXIT } from '../../errors.ts';
import { style } from '../../style.ts';
import type { ClusterOptions } from '../../target.ts';

export interface ClusterRestartOptions extends ClusterOptions {
  wait: boolean;
  timeout: string;
  output?: string;
}

export async function clusterRestart(service: string, options: ClusterRestartOptions): Promise<number> {
  // The local command's --timeout is in seconds; a bare number means the same here.
  const timeoutMs = /^\d+$/.test(options.timeout)
    ? Number(options.timeout) * 1000
    : parseDuration(options.timeout);
  if (timeoutMs === undefined || timeoutMs <= 0)
    throw new CliError(
      `--timeout ${options.timeout}: not a duration`,
      EXIT.usage,
      'e.g. 300 (seconds), 90s or 10m',
    );
  const { model, namespace, connection, day2 } = openCluster(options, 'restart');
  serviceOrFail(model, service);
  const json = options.output === 'json';
  const out = (line: string) => {
    if (!json) process.stdout.write(`${line}\n`);
  };
  const deployments = await kubeErrorsAsync(() =>
    day2.list({ apiVersion: 'apps/v1', kind: 'Deployment' }, namespace, {
      labelSelector: `${pruneSelector(model.app)},app.kubernetes.io/name=${service}`,
    }),
  );
  if (deployments.length === 0)
    throw new CliError(
      `no Deployment of ${service} in namespace ${namespace} on ${connection.context}`,
      EXIT.failed,
      `apply it first: gantry apply --env ${options.env}`,
    );
  const now = new Date();
  const restarted: K8sObject[] = [];
  for (const deployment of deployments) {
    const ref = { name: deployment.metadata.name, namespace };
    restarted.push(await kubeErrorsAsync(() => day2.applyAs(restartPatch(ref, now), RESTART_FIELD_MANAGER)));
    out(`restarting ${describeObject({ kind: 'Deployment', metadata: ref })}`);
  }
  if (options.wait) {
    const progress = new RolloutProgress();
    await kubeErrorsAsync(() =>
      waitForRollouts(
        connection.cluster,
        restarted.map((d) => ({ ...d, metadata: { ...d.metadata, namespace } })),
        { timeoutMs },
        (workload, status) => {
          if (!json) progress.update(describeObject(workload), status);
        },
      ),
    );
  }
  if (json) {
    const names = restarted.map((d) => d.metadata.name);
    const document = {
      service,
      namespace,
      restartedAt: now.toISOString(),
      deployments: names,
      waited: options.wait,
    };
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  } else if (options.wait) out(`${style.green('✓')} ${service}: every pod replaced and ready`);
  return EXIT.ok;
}
