import type { Aliases, Rule } from '../rule.ts';
import { podSpecOf, podSpecPath } from '../workload.ts';

/** Each host namespace, what sharing it gives the pod, and the other tools' check for it alone. */
const NAMESPACES: readonly { key: string; gives: string; aliases: Aliases }[] = [
  {
    key: 'hostNetwork',
    gives: "the node's network",
    aliases: { kubeLinter: ['host-network'], polaris: ['hostNetworkSet'], checkov: ['CKV_K8S_19'] },
  },
  {
    key: 'hostPID',
    gives: "the node's processes",
    aliases: { kubeLinter: ['host-pid'], polaris: ['hostPIDSet'], checkov: ['CKV_K8S_17'] },
  },
  {
    key: 'hostIPC',
    gives: "the node's shared memory",
    aliases: { kubeLinter: ['host-ipc'], polaris: ['hostIPCSet'], checkov: ['CKV_K8S_18'] },
  },
];

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
    return NAMESPACES.filter(({ key }) => podSpec[key] === true).map(({ key, gives, aliases }) => ({
      path: [...podSpecPath(object)!, key],
      message: `${key}: true shares ${gives} with the pod`,
      aliases,
    }));
  },
};
