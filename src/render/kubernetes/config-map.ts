/** `<service>-config`: the spec's env (plain values only; secrets never go here), keys sorted. */
import type { ServiceModel } from '../../spec/model.ts';
import { configMapName, serviceMetadata } from './names.ts';
import { configData } from './pod-template.ts';
import type { K8sObject, RenderContext } from './types.ts';

export function renderConfigMap(ctx: RenderContext, service: ServiceModel): K8sObject[] {
  const data = configData(service);
  if (!data) return [];
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: serviceMetadata(ctx, service, configMapName(service)),
      data,
    },
  ];
}
