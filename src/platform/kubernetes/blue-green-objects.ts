/**
 * Blue-green on a cluster, as values: `gantry render` writes `<service>-blue` and
 * `<service>-green` and a Service `<service>` whose selector picks one colour (label `version`).
 * A release brings the idle colour up at the new image, then moves the Service's selector to it;
 * the old colour stays until scaleDownDelaySeconds have passed. Which colour runs which version
 * and how much of it is available is read here from the objects; platform code sends the patches.
 * Pure: objects in, objects out.
 */
import type { Colour } from '../../render/kubernetes/deployment.ts';
import type { K8sObject } from '../../render/kubernetes/types.ts';
import type { VersionState } from '../platform.ts';
import { COLOUR_LABEL, type DeploymentLike, deploymentVersion } from './release-objects.ts';

export const COLOURS: readonly Colour[] = ['blue', 'green'];

export interface ServiceLike extends K8sObject {
  spec?: { selector?: Record<string, string>; [key: string]: unknown };
}

export interface ColourDeployment {
  colour: Colour;
  deployment: DeploymentLike | undefined;
}

export const otherColour = (colour: Colour): Colour => (colour === 'blue' ? 'green' : 'blue');

/** The colour the Service sends traffic to; undefined when its selector names no colour. */
export function activeColourOf(service: ServiceLike): Colour | undefined {
  const colour = service.spec?.selector?.[COLOUR_LABEL];
  return colour === 'blue' || colour === 'green' ? colour : undefined;
}

/**
 * Pods of the Deployment's current template that are available: 0 until the controller has seen
 * the latest change (observedGeneration), so the status of the pods an image change replaces
 * never counts for the new version.
 *   available = min(updatedReplicas, availableReplicas) when observedGeneration ≥ generation, else 0
 * e.g. generation 3, observed 3, updated 4, available 4 → 4; observed 2 → 0.
 */
export function availableOfTemplate(deployment: DeploymentLike): number {
  const status = deployment.status as
    | { observedGeneration?: number; updatedReplicas?: number; availableReplicas?: number }
    | undefined;
  const generation = (deployment.metadata as { generation?: number }).generation ?? 0;
  if ((status?.observedGeneration ?? 0) < generation) return 0;
  return Math.min(status?.updatedReplicas ?? 0, status?.availableReplicas ?? 0);
}

/**
 * What a blue-green release observes: the active colour's version with all the traffic, and the
 * idle colour's version when it runs something else (an idle colour at the active version is
 * spare capacity the next release takes over, not a version of its own).
 */
export function observeColours(colours: readonly ColourDeployment[], active: Colour): VersionState[] {
  const versions: VersionState[] = [];
  const activeOne = colours.find((c) => c.colour === active)?.deployment;
  const activeVersion = activeOne ? deploymentVersion(activeOne) : undefined;
  for (const { colour, deployment } of colours) {
    if (!deployment) continue;
    const version = deploymentVersion(deployment);
    const desired = deployment.spec?.replicas ?? 1;
    const current = (deployment.status as { replicas?: number } | undefined)?.replicas ?? 0;
    if (colour !== active && (version === activeVersion || (desired === 0 && current === 0))) continue;
    versions.push({
      version,
      desired,
      current,
      ready: availableOfTemplate(deployment),
      weight: colour === active ? 100 : 0,
    });
  }
  return versions;
}

/**
 * The colour that runs (or is to run) a version: the active one when it runs it, else the idle
 * one — which takes the version's image when it runs another (`needsImage`).
 */
export function colourFor(
  colours: readonly ColourDeployment[],
  active: Colour,
  version: string,
): { colour: Colour; needsImage: boolean } {
  const runs = (colour: Colour) => {
    const deployment = colours.find((c) => c.colour === colour)?.deployment;
    return deployment !== undefined && deploymentVersion(deployment) === version;
  };
  if (runs(active)) return { colour: active, needsImage: false };
  const idle = otherColour(active);
  return { colour: idle, needsImage: !runs(idle) };
}

/** The partial Service the selector manager applies: the whole selector, at another colour (the map is atomic). */
export function selectorPatch(service: ServiceLike, colour: Colour): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: service.metadata.name, namespace: service.metadata.namespace ?? 'default' },
    spec: { selector: { ...service.spec?.selector, [COLOUR_LABEL]: colour } },
  } as K8sObject;
}

/** The label selector of a colour's pods, as the API's `labelSelector` takes it. */
export function podSelectorOf(deployment: DeploymentLike): string {
  return Object.entries(deployment.spec?.selector?.matchLabels ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}
