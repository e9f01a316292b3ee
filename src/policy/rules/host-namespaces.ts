import type { Rule } from '../rule.ts';
import { podSpecOf } from '../workload.ts';

const NAMESPACES = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

export const hostNamespaces: Rule = {
  id: 'host-namespaces',
  severity: 'error',
  category: 'security',
  title: 'Host namespaces shared',
  why: "hostNetwork sees and binds the node's network, hostPID sees (and can signal) every process on the node, hostIPC shares its memory segments: the pod is no longer isolated from the node.",
  fix: 'hostNetwork: false\nhostPID: false\nhostIPC: false',
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  aliases: {
    kubeLinter: ['host-network', 'host-pid', 'host-ipc'],
    polaris: ['hostNetworkSet', 'hostPIDSet', 'hostIPCSet'],
    checkov: ['CKV_K8S_17', 'CKV_K8S_18', 'CKV_K8S_19'], // hostPID, hostIPC, hostNetwork
  },
  check(object) {
    const podSpec = podSpecOf(object);
    if (!podSpec) return [];
    const shared = NAMESPACES.filter((key) => podSpec[key] === true);
    return shared.length === 0
      ? []
      : [{ message: `shares host namespaces: ${shared.map((k) => `${k}: true`).join(', ')}` }];
  },
};
