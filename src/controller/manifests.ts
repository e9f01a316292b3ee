/**
 * What `gantry controller install` prints: the controller's namespace (Pod Security "restricted"),
 * its ServiceAccount, the least privilege it needs — the objects a release drives in the namespaces
 * it watches, and only its own Lease in its namespace; never Secrets — two replicas that elect a
 * leader, their PodDisruptionBudget, probes and resources. Pure: options in, objects out.
 */
import type { K8sObject } from '../render/kubernetes/index.ts';

export interface InstallOptions {
  namespace: string;
  image: string;
  /** The namespaces it drives releases in; empty: every namespace (a ClusterRoleBinding). */
  watch: string[];
}

export const CONTROLLER_NAME = 'gantry-controller';
export const CONTROLLER_PORT = 8080;
/** The Lease the replicas compete for (leader election). */
export const LEASE_NAME = 'gantry-controller';

const labels = { 'app.kubernetes.io/name': CONTROLLER_NAME, 'app.kubernetes.io/part-of': 'gantry' };
const RUN_AS = 10001;

/** Where in-cluster clients (client-node's loadFromCluster) read the token, CA and namespace. */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** What the kubelet would mount by itself, asked for explicitly: lint and auditors see the token is meant. */
const apiTokenVolume = {
  name: 'api-token',
  projected: {
    sources: [
      { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      {
        downwardAPI: {
          items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
        },
      },
    ],
  },
};

/** What a release does to the objects `gantry apply` created (release-objects.ts, release-driver.ts). */
const RELEASE_RULES = [
  // Image, replicas and the release annotation of the stable Deployment; the canary and the colours.
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'create', 'patch'] },
  // Blue-green's selector switch and its release annotation.
  { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'patch'] },
  // A ready pod of the new version for smoke checks and load tests, and why pods cannot start.
  { apiGroups: [''], resources: ['pods', 'events'], verbs: ['get', 'list'] },
  { apiGroups: [''], resources: ['pods/portforward'], verbs: ['create'] },
  // Exact canary weights, where the Gateway API serves the service's HTTPRoute.
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: ['get', 'list', 'patch'] },
];

export function controllerManifests(options: InstallOptions): K8sObject[] {
  const { namespace } = options;
  const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace, labels, ...extra });
  const subject = { kind: 'ServiceAccount', name: CONTROLLER_NAME, namespace };
  const releases = `${CONTROLLER_NAME}-releases`;
  const bindings: K8sObject[] =
    options.watch.length === 0
      ? [
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            metadata: { name: releases, labels },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: releases },
            subjects: [subject],
          },
        ]
      : options.watch.map((watched) => ({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: releases, namespace: watched, labels },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: releases },
          subjects: [subject],
        }));
  const args = [
    'controller',
    '--listen',
    `0.0.0.0:${CONTROLLER_PORT}`,
    '--lease-namespace',
    namespace,
    ...options.watch.flatMap((watched) => ['--watch-namespace', watched]),
  ];
  const probe = (path: string) => ({
    httpGet: { path, port: 'http' },
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: namespace,
        labels: {
          ...labels,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(CONTROLLER_NAME) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: releases, labels },
      rules: RELEASE_RULES,
    },
    ...bindings,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(`${CONTROLLER_NAME}-lease`),
      rules: [
        // `create` cannot be limited by name (the object does not exist yet); the rest can.
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          resourceNames: [LEASE_NAME],
          verbs: ['get', 'update'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(`${CONTROLLER_NAME}-lease`),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${CONTROLLER_NAME}-lease` },
      subjects: [subject],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(CONTROLLER_NAME),
      spec: {
        // Two replicas elect a leader: one drives, the other takes over within a Lease's duration.
        replicas: 2,
        revisionHistoryLimit: 5,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: CONTROLLER_NAME,
            // It does call the API, with a token it asks for by name: bound to the pod, an hour
            // long (the kubelet renews it), where in-cluster clients read one.
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: RUN_AS,
              runAsGroup: RUN_AS,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'controller',
                image: options.image,
                imagePullPolicy: 'Always',
                args,
                env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
                ports: [{ name: 'http', containerPort: CONTROLLER_PORT, protocol: 'TCP' }],
                livenessProbe: probe('/healthz'),
                readinessProbe: probe('/readyz'),
                resources: {
                  requests: { cpu: '50m', memory: '96Mi', 'ephemeral-storage': '64Mi' },
                  limits: { memory: '256Mi', 'ephemeral-storage': '128Mi' },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'api-token', mountPath: SERVICE_ACCOUNT_DIR, readOnly: true },
                ],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }, apiTokenVolume],
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: labels },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(CONTROLLER_NAME),
      spec: { minAvailable: 1, selector: { matchLabels: labels } },
    },
  ];
}
