import { KubeError } from '../../../platform/kubernetes/api-failure.ts';
import { applyPlan } from '../../../platform/kubernetes/apply.ts';
import { planApply } from '../../../platform/kubernetes/apply-plan.ts';
import { connect } from '../../../platform/kubernetes/cluster.ts';
import { describeObject } from '../../../platform/kubernetes/kinds.ts';
import type { ListedObject } from '../../../platform/kubernetes/prune.ts';
import {
  type K8sObject,
  RenderBug,
  type RenderNote,
  renderKubernetes,
} from '../../../render/kubernetes/index.ts';
import { parseDuration } from '../../../spec/units.ts';
import { RolloutProgress } from '../../apply-progress.ts';
import { CliError, EXIT } from '../../errors.ts';
import { printWarnings, specOf } from '../../spec.ts';
import { style } from '../../style.ts';

export interface Options {
  file: string;
  env: string;
  context?: string;
  kubeconfig?: string;
  namespace?: string;
  dryRun?: 'server';
  prune?: boolean;
  forceConflicts?: boolean;
  timeout: string;
  output: 'text' | 'json';
}

export async function apply(options: Options): Promise<number> {
  const timeoutMs = parseDuration(options.timeout);
  if (timeoutMs === undefined || timeoutMs <= 0)
    throw new CliError(
      `--timeout ${options.timeout}: not a duration`,
      EXIT.usage,
      'use e.g. 90s, 10m or 1m30s',
    );
  const { model, warnings, text } = specOf(
    { file: options.file, target: 'cluster', env: options.env },
    'nothing applied',
  );
  printWarnings(warnings, text);
  const rendered = renderOrFail(() =>
    renderKubernetes(model, options.namespace ? { namespace: options.namespace } : {}),
  );
  const json = options.output === 'json';
  const dryRun = options.dryRun === 'server';
  if (!json) printNotes(rendered.notes);

  const out = (line: string) => {
    if (!json) process.stdout.write(`${line}\n`);
  };
  const suffix = dryRun ? ' (server dry run)' : '';
  const progress = new RolloutProgress();
  try {
    const { cluster, context, server } = connect({
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.context ? { context: options.context } : {}),
    });
    out(`applying ${model.app} (${options.env}) to ${context} (${server})${suffix}`);
    const result = await applyPlan(
      cluster,
      planApply(rendered.objects, rendered.notes),
      {
        app: model.app,
        namespace: options.namespace ?? model.namespace,
        dryRun,
        force: options.forceConflicts === true,
        prune: options.prune === true,
        wait: { timeoutMs },
      },
      {
        applied: (object) => out(`applied ${describeObject(object)}${suffix}`),
        pruned: (object) => out(`pruned ${describeObject(object)}${suffix}`),
        kept: (object, fields) =>
          out(
            `kept ${describeObject(object)} ${fields.map((f) => f.field).join(', ')} as a release set them (${[...new Set(fields.map((f) => f.manager))].join(', ')}; --force-conflicts takes them back)`,
          ),
        rollout: (workload, status) => {
          if (!json) progress.update(describeObject(workload), status);
        },
      },
    );
    if (json) {
      const ref = (o: K8sObject | ListedObject) => ({
        apiVersion: o.apiVersion,
        kind: o.kind,
        namespace: o.metadata.namespace ?? null,
        name: o.metadata.name,
      });
      const document = {
        app: model.app,
        environment: options.env,
        context,
        server,
        dryRun,
        applied: result.applied.map(ref),
        pruned: result.pruned.map(ref),
        rolledOut: result.waited.map(ref),
      };
      process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    } else if (!dryRun) {
      out(
        `${style.green('✓')} ${model.app} (${options.env}): ${result.applied.length} objects applied, ${result.waited.length} workloads rolled out`,
      );
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof KubeError) throw new CliError(error.message, EXIT.failed, error.hint);
    throw error;
  }
}

function renderOrFail<T>(render: () => T): T {
  try {
    return render();
  } catch (error) {
    if (error instanceof RenderBug) throw new CliError(error.message, EXIT.failed);
    throw error;
  }
}

function printNotes(notes: readonly RenderNote[]): void {
  for (const note of notes) {
    const label =
      note.level === 'warning' ? style.yellow('warning', process.stderr) : style.cyan('note', process.stderr);
    process.stderr.write(`${label}: ${note.message}\n`);
  }
}
