import type { Rule } from '../rule.ts';
import { field, isJson } from '../workload.ts';
import { BINDING_KINDS } from './rbac.ts';

/** The binding Kubernetes itself creates: cluster-admin for the system:masters group. */
const BOOTSTRAP_GROUP = 'system:masters';

export const clusterAdminBinding: Rule = {
  id: 'cluster-admin-binding',
  severity: 'error',
  category: 'security',
  title: 'Binding to cluster-admin',
  why: 'cluster-admin can do anything to any object, Secrets and RBAC included: whoever holds the bound account (a compromised pod, a CI token) owns the cluster, or the whole namespace for a RoleBinding.',
  fix: 'roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole   # or Role\n  name: deployer      # a role with only the verbs and resources it needs',
  docs: 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles',
  aliases: {
    kubeLinter: ['cluster-admin-role-binding'],
    polaris: ['clusterrolebindingClusterAdmin', 'rolebindingClusterAdminClusterRole'],
  },
  check(object) {
    if (!BINDING_KINDS.includes(object.kind)) return [];
    const roleRef = field(object, 'roleRef');
    if (field(roleRef, 'kind') !== 'ClusterRole' || field(roleRef, 'name') !== 'cluster-admin') return [];
    const subjects = (Array.isArray(object.subjects) ? object.subjects : []).filter(isJson);
    if (subjects.length > 0 && subjects.every((s) => s.kind === 'Group' && s.name === BOOTSTRAP_GROUP))
      return [];
    const names = subjects.map(subjectName);
    return [
      {
        path: ['roleRef', 'name'],
        aliases:
          object.kind === 'ClusterRoleBinding'
            ? { kubeLinter: ['cluster-admin-role-binding'], polaris: ['clusterrolebindingClusterAdmin'] }
            : { kubeLinter: ['cluster-admin-role-binding'], polaris: ['rolebindingClusterAdminClusterRole'] },
        message: `binds ClusterRole cluster-admin to ${names.length > 0 ? names.join(', ') : 'no subjects yet'}`,
      },
    ];
  },
};

/** `ServiceAccount ci/deployer`, `User jane`, `Group devs`. */
function subjectName(subject: Record<string, unknown>): string {
  const kind = typeof subject.kind === 'string' ? subject.kind : 'subject';
  const name = typeof subject.name === 'string' ? subject.name : '(unnamed)';
  const namespace = typeof subject.namespace === 'string' ? `${subject.namespace}/` : '';
  return `${kind} ${kind === 'ServiceAccount' ? namespace : ''}${name}`;
}
