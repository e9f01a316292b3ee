import type { Rule } from '../rule.ts';
import { workloadContainers } from '../workload.ts';
import { capabilityList } from './capabilities.ts';

export const capabilitiesNotDropped: Rule = {
  id: 'capabilities-not-dropped',
  severity: 'warning',
  category: 'security',
  title: 'Capabilities not dropped',
  why: 'Containers start with a default set of Linux capabilities (NET_RAW, CHOWN, SETUID…) that most never use and an attacker can; drop them all and add back only what is needed.',
  fix: 'securityContext:\n  capabilities:\n    drop: [ALL]',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container',
  aliases: {
    polaris: ['insecureCapabilities'], // passes on drop ALL or on dropping its whole list of default capabilities
    checkov: ['CKV_K8S_37'], // passes only on drop ALL
  },
  // NET_RAW alone: passing them does not pass this rule, so ignoring them does not silence it.
  related: { kubeLinter: ['drop-net-raw-capability'], checkov: ['CKV_K8S_28'] },
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    return workload.containers
      .filter(({ container }) => !capabilityList(container, 'drop').includes('ALL'))
      .map(({ name, path }) => ({
        container: name,
        path: [...path, 'securityContext', 'capabilities', 'drop'],
        message: 'capabilities.drop does not include ALL',
      }));
  },
};
