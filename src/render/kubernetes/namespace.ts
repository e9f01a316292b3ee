/**
 * The Namespace, only when `--namespace` is given (otherwise it is assumed to exist).
 * Pod Security `restricted` is enforced: every pod Gantry renders (services and backing
 * services) meets it, so anything added by hand that does not is refused at admission.
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
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    },
  ];
}
