/**
 * runAsNonRoot: true in the pod's securityContext, so the kubelet refuses to start the container
 * as root. Left alone: an explicit `runAsUser: 0` (root on purpose) and an explicit
 * `runAsNonRoot: false`. When another container of the pod runs as UID 0 on purpose, the pod-level
 * setting would stop it from starting, so the setting goes on the flagged container instead.
 */
import type { YAMLMap } from 'yaml';
import { field } from '../workload.ts';
import { eachContainer } from './containers.ts';
import type { Fixer } from './fixer.ts';
import { childMap, notEditable, podSpecNode, setScalar, type Target, toJs } from './tree.ts';

const POD_KEYS_FIRST = { before: ['initContainers', 'containers'] };

export const runsAsRootFixer: Fixer = {
  rule: 'runs-as-root',
  fix: (target, finding) =>
    eachContainer(target, finding, (container) => {
      const podSpec = podSpecNode(target)!;
      const pod = field(toJs(target, podSpec), 'securityContext');
      const own = field(toJs(target, container), 'securityContext');
      const user = field(own, 'runAsUser') ?? field(pod, 'runAsUser');
      if (user === 0) return [{ skip: 'runAsUser: 0 is set explicitly (root on purpose); left as is' }];
      const nonRoot = field(own, 'runAsNonRoot') ?? field(pod, 'runAsNonRoot');
      if (typeof user === 'number' || nonRoot === true) return [];
      if (nonRoot === false)
        return [
          {
            skip: 'runAsNonRoot: false is set explicitly; set it to true by hand if the image has a non-root USER',
          },
        ];
      if (rootOnPurpose(target, podSpec)) {
        const securityContext = childMap(target, container, 'securityContext');
        if (!securityContext || !setScalar(target, securityContext, 'runAsNonRoot', true))
          return [{ skip: notEditable('securityContext') }];
        return [
          {
            change:
              'set securityContext.runAsNonRoot: true (not on the pod: another container runs as UID 0)',
          },
        ];
      }
      const securityContext = childMap(target, podSpec, 'securityContext', POD_KEYS_FIRST);
      if (!securityContext || !setScalar(target, securityContext, 'runAsNonRoot', true))
        return [{ container: undefined, skip: notEditable('the pod securityContext') }];
      return [{ container: undefined, change: 'set pod securityContext.runAsNonRoot: true' }];
    }),
};

/** True when a container would run as UID 0 and takes runAsNonRoot from the pod. */
function rootOnPurpose(target: Target, podSpec: YAMLMap): boolean {
  const spec = toJs(target, podSpec);
  const pod = field(spec, 'securityContext');
  const containers = [field(spec, 'initContainers'), field(spec, 'containers')].flatMap((list) =>
    Array.isArray(list) ? list : [],
  );
  return containers.some((container) => {
    const own = field(container, 'securityContext');
    return (
      field(own, 'runAsNonRoot') === undefined && (field(own, 'runAsUser') ?? field(pod, 'runAsUser')) === 0
    );
  });
}
