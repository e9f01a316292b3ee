import type { Aliases, Rule } from '../rule.ts';
import { workloadContainers } from '../workload.ts';
import { capabilityList } from './capabilities.ts';

/** Capabilities that hand a container the node (or its network): never add these. */
export const DANGEROUS_CAPABILITIES: readonly string[] = [
  'ALL',
  'SYS_ADMIN',
  'NET_ADMIN',
  'NET_RAW',
  'SYS_PTRACE',
];

/** Which other tools' checks flag each added capability (Polaris: ALL, SYS_ADMIN, NET_ADMIN; Checkov: SYS_ADMIN). */
const ALIASES: Readonly<Record<string, Aliases>> = {
  ALL: { polaris: ['dangerousCapabilities'] },
  SYS_ADMIN: { polaris: ['dangerousCapabilities'], checkov: ['CKV_K8S_39'] },
  NET_ADMIN: { polaris: ['dangerousCapabilities'] },
};

export const dangerousCapabilities: Rule = {
  id: 'dangerous-capabilities',
  severity: 'error',
  category: 'security',
  title: 'Dangerous capabilities added',
  why: 'SYS_ADMIN is nearly root on the node, SYS_PTRACE reads other processes, NET_ADMIN and NET_RAW spoof and sniff the network, ALL is all of them: each one is a short path out of the container.',
  fix: 'securityContext:\n  capabilities:\n    drop: [ALL]\n    add: [NET_BIND_SERVICE] # only what the process needs',
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  aliases: {
    // kube-linter has no added-capability check (drop-net-raw-capability is about drop: see capabilities-not-dropped).
    polaris: ['dangerousCapabilities'], // ALL, SYS_ADMIN, NET_ADMIN added
    checkov: ['CKV_K8S_39'], // SYS_ADMIN added only; CKV_K8S_28 checks the drop list, CKV_K8S_25 any added capability
  },
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    return workload.containers.flatMap(({ container, name, path }) => {
      const added = capabilityList(container, 'add');
      return added.flatMap((capability, index) =>
        DANGEROUS_CAPABILITIES.includes(capability) && added.indexOf(capability) === index
          ? [
              {
                container: name,
                path: [...path, 'securityContext', 'capabilities', 'add', index],
                message: `adds capability ${capability}`,
                aliases: ALIASES[capability] ?? {},
              },
            ]
          : [],
      );
    });
  },
};
