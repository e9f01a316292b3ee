/**
 * seccompProfile.type: RuntimeDefault in the pod's securityContext. A container's own profile wins
 * over the pod's, so a container that sets one (Unconfined, say) is left alone and reported, as is
 * a pod that sets a profile other than RuntimeDefault or Localhost explicitly.
 */
import { field } from '../workload.ts';
import { eachContainer } from './containers.ts';
import type { Fixer } from './fixer.ts';
import { childMap, notEditable, podSpecNode, setScalar, toJs } from './tree.ts';

const CONFINED: readonly unknown[] = ['RuntimeDefault', 'Localhost'];

export const noSeccompProfileFixer: Fixer = {
  rule: 'no-seccomp-profile',
  fix: (target, finding) =>
    eachContainer(target, finding, (container) => {
      const podSpec = podSpecNode(target)!;
      const own = field(toJs(target, container), 'securityContext', 'seccompProfile', 'type');
      const pod = field(toJs(target, podSpec), 'securityContext', 'seccompProfile');
      if (CONFINED.includes(own ?? field(pod, 'type'))) return [];
      if (own !== undefined)
        return [{ skip: `the container sets seccompProfile.type ${String(own)} itself; left as is` }];
      if (field(pod, 'type') !== undefined || field(pod, 'localhostProfile') !== undefined)
        return [{ container: undefined, skip: 'the pod sets its seccompProfile explicitly; left as is' }];
      const securityContext = childMap(target, podSpec, 'securityContext', {
        before: ['initContainers', 'containers'],
      });
      const profile = securityContext && childMap(target, securityContext, 'seccompProfile');
      if (!profile || !setScalar(target, profile, 'type', 'RuntimeDefault'))
        return [
          {
            container: undefined,
            skip: notEditable('the pod securityContext.seccompProfile'),
          },
        ];
      return [
        { container: undefined, change: 'set pod securityContext.seccompProfile.type: RuntimeDefault' },
      ];
    }),
};
