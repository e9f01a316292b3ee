/**
 * The Namespace, only when `--namespace` is given (otherwise it is assumed to exist).
 * Pod Security `restricted` is audited and warned about; it is not enforced, because some
 * backing images (databases) cannot run under it.
 */
import { appLabels } from './names.ts';
import type { K8sObject, RenderContext } from './types.ts';

export function renderNamespace(ctx: RenderContext): K8sObject[] {
  if (ctx.options.namespace === undefined) return [];
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ctx.namespace,
        labels: {
          ...appLabels(ctx),
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    },
  ];
}
