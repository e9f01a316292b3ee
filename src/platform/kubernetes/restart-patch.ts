/**
 * `gantry restart <svc> --env prod`: the partial Deployment a server-side apply sends to restart
 * its pods, as `kubectl rollout restart` does — a new `kubectl.kubernetes.io/restartedAt`
 * annotation on the pod template changes the template, so the controller rolls every pod.
 *
 * Its own field manager (`gantry-restart`), not `gantry`: with server-side apply, a manager's
 * apply that leaves out fields it applied before removes them, so this partial object under
 * `gantry` would strip the Deployment of everything `gantry apply` set. Under its own manager it
 * owns this one annotation and nothing else (kubectl uses `kubectl-rollout` for the same reason).
 * Pure: the caller passes `now`.
 */
import type { K8sObject } from '../../render/kubernetes/index.ts';

export const RESTART_FIELD_MANAGER = 'gantry-restart';
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

export function restartPatch(deployment: { name: string; namespace: string }, now: Date): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: deployment.name, namespace: deployment.namespace },
    spec: { template: { metadata: { annotations: { [RESTARTED_AT]: now.toISOString() } } } },
  };
}
