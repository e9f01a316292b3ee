/**
 * Which fixes `gantry lint --fix` applies, and why the others wait for `--fix=unsafe`. A fix is
 * safe when it cannot change what the workload does: the same object under a newer apiVersion,
 * a deprecated field under its current name, a token unmounted from a pod that the input shows
 * has no use for it. Every other fix hardens something a workload may rely on, and says how it
 * may break. Pure (no YAML library), so every run can count what `--fix` would do.
 */
import type { KubeObject } from '../input.ts';
import { namespaceOf } from '../object-set.ts';
import type { Finding, RuleContext } from '../rule.ts';
import { BINDING_KINDS } from '../rules/rbac.ts';
import { field, isJson, podSpecOf } from '../workload.ts';

/** Why applying the fix may break a workload; absent for fixes that are always safe. */
export const FIX_RISKS: Readonly<Record<string, string | undefined>> = {
  'deprecated-api-version': undefined,
  'deprecated-service-account-field': undefined,
  'service-account-token-mounted':
    'a pod that calls the Kubernetes API (or logs in to Vault or another service with its token) loses its credentials',
  'privilege-escalation-allowed':
    'setuid programs (sudo, su, ping on older images) and binaries given file capabilities (setcap cap_net_bind_service to bind port 80 as a non-root user) stop gaining those privileges',
  'runs-as-root':
    'an image whose USER is root (nginx, mongo, many official images) no longer starts: the kubelet refuses it with CreateContainerConfigError',
  'read-only-root-filesystem':
    'a process that writes outside its mounted volumes (/tmp, caches, pid and lock files) fails; mount an emptyDir where it writes',
  'capabilities-not-dropped':
    'a process that needs a default capability fails: CHOWN or SETUID/SETGID to step down to its user, NET_BIND_SERVICE for ports below 1024 (the entrypoints of nginx, postgres, redis…)',
  'no-seccomp-profile':
    "system calls outside the container runtime's default profile (unshare for browser sandboxes, ptrace for debuggers, some io_uring) fail with EPERM",
  'image-pull-policy-not-always':
    'every pod start then pulls from the registry: a registry outage, a rate limit or a node that cannot reach the registry (pre-loaded images) keeps pods from starting',
};

export const FIXABLE_RULES: ReadonlySet<string> = new Set(Object.keys(FIX_RISKS));

/**
 * Why this finding's fix may break its workload, or undefined when it is safe. The token fix is
 * safe only for a pod on its namespace's default ServiceAccount that no binding in the input
 * names: a ServiceAccount of its own, or one bound to a role, is there to be used.
 */
export function fixRisk(finding: Finding, object: KubeObject, context: RuleContext): string | undefined {
  const risk = FIX_RISKS[finding.rule];
  if (risk === undefined || finding.rule !== 'service-account-token-mounted') return risk;
  const podSpec = podSpecOf(object);
  const account = podSpec?.serviceAccountName ?? podSpec?.serviceAccount;
  const name = typeof account === 'string' && account !== '' ? account : 'default';
  if (name !== 'default') return `it runs as ServiceAccount ${name}: ${risk}`;
  const binding = bindingOf(context, namespaceOf(object), name);
  return binding ? `its ServiceAccount default is bound by ${binding}: ${risk}` : undefined;
}

/** A RoleBinding or ClusterRoleBinding in the input naming the ServiceAccount (`RoleBinding/x`), if any. */
function bindingOf(context: RuleContext, namespace: string, name: string): string | undefined {
  for (const { object } of context.objects) {
    if (!BINDING_KINDS.includes(object.kind)) continue;
    const subjects = Array.isArray(object.subjects) ? object.subjects.filter(isJson) : [];
    const own = namespaceOf(object);
    const names = subjects.some(
      (s) =>
        s.kind === 'ServiceAccount' &&
        s.name === name &&
        (typeof s.namespace === 'string' ? s.namespace : own) === namespace,
    );
    if (names) return `${object.kind}/${String(field(object, 'metadata', 'name'))}`;
  }
  return undefined;
}
