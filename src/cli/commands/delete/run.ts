/** `gantry delete --env prod`: list what Gantry owns for the app, confirm, delete (delete-plan.ts decides what). */
import { createInterface } from 'node:readline/promises';
import { planDelete } from '../../../platform/kubernetes/delete-plan.ts';
import { describeObject, PRUNABLE_KINDS } from '../../../platform/kubernetes/kinds.ts';
import { type ListedObject, pruneSelector } from '../../../platform/kubernetes/prune.ts';
import { kubeErrorsAsync, openCluster } from '../../cluster-open.ts';
import { CliError, EXIT } from '../../errors.ts';
import { style } from '../../style.ts';
import type { ClusterOptions } from '../../target.ts';

export interface DeleteOptions extends ClusterOptions {
  yes?: boolean;
  includeNamespace?: boolean;
  output: 'text' | 'json';
}

export async function deleteFromCluster(options: DeleteOptions): Promise<number> {
  const { model, environment, namespace, connection, day2 } = openCluster(options, 'delete');
  const { cluster, context } = connection;
  const json = options.output === 'json';
  const out = (line: string) => {
    if (!json) process.stdout.write(`${line}\n`);
  };
  const selector = pruneSelector(model.app);
  const listed = await kubeErrorsAsync(async () =>
    (await Promise.all(PRUNABLE_KINDS.map((kind) => cluster.list(kind, namespace, selector)))).flat(),
  );
  const ns = await kubeErrorsAsync(() =>
    day2.get({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }),
  );
  const plan = planDelete(
    model.app,
    listed,
    ns as ListedObject | undefined,
    options.includeNamespace === true,
  );
  const where = `${model.app} (${environment}) in namespace ${namespace} on ${context}`;
  if (plan.objects.length === 0) {
    out(`nothing of ${where} to delete`);
    if (plan.namespaceKept) out(plan.namespaceKept);
    if (json) printJson([], plan.namespaceKept);
    return EXIT.ok;
  }
  if (!options.yes) {
    if (!process.stdin.isTTY || !process.stderr.isTTY)
      throw new CliError(
        `refusing to delete ${plan.objects.length} objects of ${where} without a confirmation`,
        EXIT.usage,
        'run it on a terminal to be asked, or pass --yes',
      );
    process.stderr.write(`about to delete from ${where}:\n`);
    for (const object of plan.objects) process.stderr.write(`  ${describeObject(object)}\n`);
    if (!(await confirm(`delete these ${plan.objects.length} objects? [y/N] `))) {
      process.stderr.write('nothing deleted\n');
      return EXIT.failed;
    }
  }
  for (const object of plan.objects) {
    await kubeErrorsAsync(() => cluster.remove(object, { dryRun: false }));
    out(`deleted ${describeObject(object)}`);
  }
  if (plan.namespaceKept) out(plan.namespaceKept);
  if (json) printJson(plan.objects, plan.namespaceKept);
  else out(`${style.green('✓')} ${where}: ${plan.objects.length} objects deleted`);
  return EXIT.ok;

  function printJson(deleted: ListedObject[], namespaceKept: string | undefined): void {
    const document = {
      app: model.app,
      environment,
      context,
      namespace,
      deleted: deleted.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name })),
      namespaceKept: namespaceKept ?? null,
    };
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  }
}

async function confirm(question: string): Promise<boolean> {
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await readline.question(question)).trim());
  } finally {
    readline.close();
  }
}
