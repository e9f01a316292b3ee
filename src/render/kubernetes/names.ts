/**
 * Object names and the labels that tie objects together, in one place so every module
 * (and the backing renderer) agrees on them.
 */
import type { ServiceModel } from '../../spec/model.ts';
import { imageVersion, labels, selectorLabels } from './labels.ts';
import type { K8sObject, RenderContext } from './types.ts';

/** The Secret a service's secrets live in (created by the user or by an ExternalSecret). */
export function secretName(ctx: RenderContext, service: ServiceModel): string {
  return `${ctx.model.app}-${service.name}-secrets`;
}

export function configMapName(service: ServiceModel): string {
  return `${service.name}-config`;
}

/** Each service runs under its own ServiceAccount, named like the service. */
export function serviceAccountName(service: ServiceModel): string {
  return service.name;
}

/** Pod label that tells blue from green (blue-green) and stable from canary (canary). */
export const COLOUR_LABEL = 'version';
export const TRACK_LABEL = 'track';

/** metadata for an object that belongs to one service: name, namespace and the recommended labels. */
export function serviceMetadata(
  ctx: RenderContext,
  service: ServiceModel,
  name: string,
  extraLabels: Record<string, string> = {},
): K8sObject['metadata'] {
  return {
    name,
    namespace: ctx.namespace,
    labels: { ...labels(ctx, service.name, imageVersion(service.image)), ...extraLabels },
  };
}

/**
 * Labels for app-wide objects (Namespace, the default-deny NetworkPolicy): component is the
 * app; version is the services' common image version, or `mixed` when they differ.
 */
export function appLabels(ctx: RenderContext): Record<string, string> {
  const versions = [...new Set(Object.values(ctx.model.services).map((s) => imageVersion(s.image)))];
  return labels(ctx, ctx.model.app, versions.length === 1 ? versions[0]! : 'mixed');
}

export function podSelector(ctx: RenderContext, service: ServiceModel): Record<string, string> {
  return selectorLabels(ctx, service.name);
}
