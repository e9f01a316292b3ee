/** A dedicated ServiceAccount per service, without an API token: the apps never call the API server. */
import type { ServiceModel } from '../../spec/model.ts';
import { serviceAccountName, serviceMetadata } from './names.ts';
import type { K8sObject, RenderContext } from './types.ts';

export function renderServiceAccount(ctx: RenderContext, service: ServiceModel): K8sObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: serviceMetadata(ctx, service, serviceAccountName(service)),
      automountServiceAccountToken: false,
    },
  ];
}
