/**
 * Pods that operators create from custom resources: a Service, PodDisruptionBudget or
 * NetworkPolicy in the same input may select them, and they are no typo. For the operators most
 * manifests carry (the Prometheus operator's Prometheus, Alertmanager and ThanosRuler, Elastic's
 * Elasticsearch and Kibana, CloudNativePG's Cluster, Strimzi's Kafka), the labels their pods get,
 * from each operator's own code: the operator's labels, plus the CR's `podMetadata.labels`
 * (Prometheus operator) or `inheritedMetadata.labels` (CloudNativePG) where it has them. Any other custom resource may create pods too, which the dangling rules say (info).
 */
import type { KubeObject } from './input.ts';
import { type Labels, toLabels } from './label-selector.ts';
import { field } from './workload.ts';

type PodLabels = (name: string, object: KubeObject) => Record<string, string>;

const prometheusOperator =
  (app: string, own: string): PodLabels =>
  (name) => ({
    'app.kubernetes.io/name': app,
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/managed-by': 'prometheus-operator',
    [own]: name,
  });

/** `group/Kind` → the labels of the pods the operator makes for a CR named `name`. */
const OPERATOR_PODS: Readonly<Record<string, PodLabels>> = {
  'monitoring.coreos.com/Prometheus': (name, object) => ({
    ...prometheusOperator('prometheus', 'prometheus')(name, object),
    'operator.prometheus.io/name': name,
  }),
  'monitoring.coreos.com/PrometheusAgent': (name, object) => ({
    ...prometheusOperator('prometheus-agent', 'prometheus')(name, object),
    'operator.prometheus.io/name': name,
  }),
  'monitoring.coreos.com/Alertmanager': prometheusOperator('alertmanager', 'alertmanager'),
  'monitoring.coreos.com/ThanosRuler': prometheusOperator('thanos-ruler', 'thanos-ruler'),
  'elasticsearch.k8s.elastic.co/Elasticsearch': (name) => ({
    'common.k8s.elastic.co/type': 'elasticsearch',
    'elasticsearch.k8s.elastic.co/cluster-name': name,
  }),
  'kibana.k8s.elastic.co/Kibana': (name) => ({
    'common.k8s.elastic.co/type': 'kibana',
    'kibana.k8s.elastic.co/name': name,
  }),
  // CloudNativePG gives its pods the Cluster's inheritedMetadata labels (below) and its own.
  'postgresql.cnpg.io/Cluster': (name) => ({ 'cnpg.io/cluster': name }),
  'kafka.strimzi.io/Kafka': (name) => ({
    'strimzi.io/cluster': name,
    'strimzi.io/kind': 'Kafka',
    'strimzi.io/name': `${name}-kafka`,
  }),
};

/** The API groups of Kubernetes' own kinds: `apps`, `batch`, `*.k8s.io`, and the core group. */
const BUILT_IN_GROUP = /^(|apps|batch|autoscaling|policy|extensions|[a-z0-9.-]*\.k8s\.io)$/;

const groupOf = (object: KubeObject) => {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
};

/** The labels of the pods an operator makes for this custom resource, or undefined when it is not a known one. */
export function operatorPodLabels(object: KubeObject): Labels | undefined {
  const labels = OPERATOR_PODS[`${groupOf(object)}/${object.kind}`];
  const name = field(object, 'metadata', 'name');
  if (!labels || typeof name !== 'string') return undefined;
  const own =
    field(object, 'spec', 'podMetadata', 'labels') ?? field(object, 'spec', 'inheritedMetadata', 'labels');
  return { ...toLabels(own), ...labels(name, object) };
}

/** A custom resource: a kind from an API group that is not Kubernetes' own (and not a CRD itself). */
export function isCustomResource(object: KubeObject): boolean {
  return !BUILT_IN_GROUP.test(groupOf(object));
}
