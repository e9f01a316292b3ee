/**
 * Every rendered object is checked against the official OpenAPI schema of its kind
 * (kubernetes-models, and its CRD packages for Gateway API, External Secrets,
 * CloudNativePG and the prometheus-operator). A failure is a bug in Gantry, reported with the
 * object and the field.
 */

import { Cluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1';
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1';
import { PodMonitor, PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { K8sObject } from './types.ts';

type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace as unknown as Model,
  'v1/ConfigMap': ConfigMap as unknown as Model,
  'v1/Secret': Secret as unknown as Model,
  'v1/Service': Service as unknown as Model,
  'v1/ServiceAccount': ServiceAccount as unknown as Model,
  'apps/v1/Deployment': Deployment as unknown as Model,
  'apps/v1/StatefulSet': StatefulSet as unknown as Model,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as unknown as Model,
  'networking.k8s.io/v1/Ingress': Ingress as unknown as Model,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as Model,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as Model,
  'gateway.networking.k8s.io/v1/HTTPRoute': HTTPRoute as unknown as Model,
  'external-secrets.io/v1/ExternalSecret': ExternalSecret as unknown as Model,
  'postgresql.cnpg.io/v1/Cluster': Cluster as unknown as Model,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor as unknown as Model,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule as unknown as Model,
};

export class RenderBug extends Error {}

/** Throws RenderBug naming the object and the schema error; unknown kinds are a bug too. */
export function validateObject(object: K8sObject): void {
  const key = `${object.apiVersion}/${object.kind}`;
  const model = MODELS[key];
  const where = `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
  if (!model) throw new RenderBug(`${where}: no schema for ${key} (this is a bug in Gantry)`);
  try {
    // The model copies the object (dropping undefined values, as the YAML output does); the
    // object itself is never changed, so no structuredClone first (a second deep copy, for nothing).
    new model(object as never).validate();
  } catch (error) {
    throw new RenderBug(
      `${where} does not match the ${key} schema: ${(error as Error).message} (this is a bug in Gantry)`,
    );
  }
}
