/**
 * A pure checker for the Pod Security Standards `restricted` profile (plus our own rule: a
 * read-only root filesystem), applied to a pod spec. Returns every violation, each naming the
 * field; an empty list means the pod would be admitted under `enforce: restricted`.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
type Json = Record<string, unknown>;

const ALLOWED_VOLUMES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

export function restrictedViolations(podSpec: Json, options: { readOnlyRoot?: boolean } = {}): string[] {
  const problems: string[] = [];
  const pod = (podSpec.securityContext ?? {}) as Json;
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'])
    if (podSpec[field] === true) problems.push(`spec.${field} must not be true`);
  for (const volume of (podSpec.volumes ?? []) as Json[]) {
    const type = Object.keys(volume).find((key) => key !== 'name');
    if (!type || !ALLOWED_VOLUMES.includes(type))
      problems.push(`volume ${String(volume.name)}: type ${type} is not allowed`);
  }
  if (pod.runAsUser === 0) problems.push('spec.securityContext.runAsUser must not be 0');
  const containers = [
    ...((podSpec.initContainers ?? []) as Json[]),
    ...((podSpec.containers ?? []) as Json[]),
  ];
  for (const container of containers) {
    const at = `container ${String(container.name)}`;
    const own = (container.securityContext ?? {}) as Json;
    if (own.privileged === true) problems.push(`${at}: privileged must not be true`);
    if (own.allowPrivilegeEscalation !== false)
      problems.push(`${at}: allowPrivilegeEscalation must be false`);
    const runAsNonRoot = own.runAsNonRoot ?? pod.runAsNonRoot;
    if (runAsNonRoot !== true) problems.push(`${at}: runAsNonRoot must be true (pod or container)`);
    if (own.runAsUser === 0) problems.push(`${at}: runAsUser must not be 0`);
    const seccomp = ((own.seccompProfile ?? pod.seccompProfile) as Json | undefined)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
      problems.push(`${at}: seccompProfile.type must be RuntimeDefault or Localhost (pod or container)`);
    const capabilities = (own.capabilities ?? {}) as { drop?: string[]; add?: string[] };
    if (!capabilities.drop?.includes('ALL')) problems.push(`${at}: capabilities.drop must include ALL`);
    const added = (capabilities.add ?? []).filter((c) => c !== 'NET_BIND_SERVICE');
    if (added.length > 0)
      problems.push(`${at}: capabilities.add may only hold NET_BIND_SERVICE, not ${added.join(', ')}`);
    for (const port of (container.ports ?? []) as Json[])
      if (port.hostPort !== undefined && port.hostPort !== 0)
        problems.push(`${at}: hostPort must not be set`);
    if (options.readOnlyRoot && own.readOnlyRootFilesystem !== true)
      problems.push(`${at}: readOnlyRootFilesystem must be true`);
  }
  return problems;
}
