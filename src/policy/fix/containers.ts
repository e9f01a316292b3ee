/** Shared by the per-container fixers: each container the finding names, with its securityContext. */
import type { YAMLMap } from 'yaml';
import type { Finding } from '../rule.ts';
import type { Outcome } from './fixer.ts';
import { childMap, containerNodes, notEditable, podSpecNode, type Target } from './tree.ts';

/**
 * Runs `fix` on every container named by the finding (an init container and a container may share
 * a name; fixing a container that is already right changes nothing), giving it the container's
 * securityContext, created when missing.
 */
export function eachSecurityContext(
  target: Target,
  finding: Finding,
  fix: (securityContext: YAMLMap, container: YAMLMap) => Outcome[],
): Outcome[] {
  return eachContainer(target, finding, (container) => {
    const securityContext = childMap(target, container, 'securityContext');
    if (!securityContext) return [{ skip: notEditable('securityContext') }];
    return fix(securityContext, container);
  });
}

/** As `eachSecurityContext`, for fixes outside it; an outcome with `container: undefined` is about the pod. */
export function eachContainer(
  target: Target,
  finding: Finding,
  fix: (container: YAMLMap) => Outcome[],
): Outcome[] {
  const podSpec = podSpecNode(target);
  const name = finding.container;
  if (!podSpec || name === undefined) return [];
  return containerNodes(target, podSpec, name).flatMap((container) =>
    fix(container).map((outcome) => ({ container: name, ...outcome }) as Outcome),
  );
}
