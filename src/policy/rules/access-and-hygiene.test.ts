/**
 * The access and hygiene rules: for each, tutorial-style manifests that fail with the exact
 * violations, manifests that pass, and the workload rules under every workload kind.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { DEPRECATED_APIS, deprecatedApi } from '../deprecated-apis.ts';
import type { KubeObject } from '../input.ts';
import type { Rule, Violation } from '../rule.ts';
import { WORKLOAD_KINDS } from '../workload.ts';
import { ACCESS_AND_HYGIENE_RULES } from './access-and-hygiene.ts';
import { clusterAdminBinding } from './cluster-admin-binding.ts';
import { defaultNamespace } from './default-namespace.ts';
import { deprecatedApiVersion } from './deprecated-api-version.ts';
import { imagePullPolicyNotAlways } from './image-pull-policy-not-always.ts';
import { ingressWithoutTls } from './ingress-without-tls.ts';
import { missingNamespace } from './missing-namespace.ts';
import { missingRecommendedLabel, requiredLabelsRule } from './missing-recommended-label.ts';
import { rbacPodsExec } from './rbac-pods-exec.ts';
import { rbacSecretsAccess } from './rbac-secrets-access.ts';
import { rbacWildcard } from './rbac-wildcard.ts';
import { secretInConfigMap } from './secret-in-configmap.ts';
import { serviceExposed } from './service-exposed.ts';

const context = { objects: [] };
const object = (yaml: string) => parse(yaml) as KubeObject;

interface Row {
  name: string;
  rule: Rule;
  yaml: string;
  violations: Violation[];
}

const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';

const rows: Row[] = [
  // secret-in-configmap
  {
    name: 'secret-in-configmap: passwords, keys and a private key in a tutorial ConfigMap',
    rule: secretInConfigMap,
    yaml: `
apiVersion: v1
kind: ConfigMap
metadata: { name: wordpress-config }
data:
  WORDPRESS_DB_HOST: mysql
  WORDPRESS_DB_PASSWORD: hunter2
  db.password: hunter2
  api-key: sk_live_123
  stripeApiKey: sk_live_456
  PIN_SECRET: 1234
  token_auth_enabled: "true"
  SMTP_PASSWORD_FILE: /run/secrets/smtp
  tls-secret-name: wordpress-tls
  MYSQL_ROOT_PASSWORD: ""
  ADMIN_TOKEN: \${ADMIN_TOKEN}
  server.key: |
    -----BEGIN RSA PRIVATE KEY-----
    MIIEowIBAAKCAQEA
    -----END RSA PRIVATE KEY-----
binaryData:
  client.key: ${btoa(PEM_KEY)}
  logo.png: iVBORw0KGgo=
`,
    violations: [
      { message: 'data key WORDPRESS_DB_PASSWORD holds a literal value' },
      { message: 'data key db.password holds a literal value' },
      { message: 'data key api-key holds a literal value' },
      { message: 'data key stripeApiKey holds a literal value' },
      { message: 'data key PIN_SECRET holds a literal value' },
      { message: 'data key server.key holds a PEM private key' },
      { message: 'binaryData key client.key holds a PEM private key' },
    ],
  },
  {
    name: 'secret-in-configmap: plain settings and a CA certificate pass',
    rule: secretInConfigMap,
    yaml: `
apiVersion: v1
kind: ConfigMap
metadata: { name: nginx-config }
data:
  LOG_LEVEL: debug
  DB_PASSWORD_FILE: /run/secrets/db
  secretName: nginx-tls
  ca.crt: |
    -----BEGIN CERTIFICATE-----
    MIIDdzCCAl+gAwIBAgIE
    -----END CERTIFICATE-----
`,
    violations: [],
  },
  {
    name: 'secret-in-configmap: a Secret may hold passwords',
    rule: secretInConfigMap,
    yaml: `
apiVersion: v1
kind: Secret
metadata: { name: db }
stringData: { DB_PASSWORD: hunter2 }
data: { API_KEY: c2tfbGl2ZQ== }
`,
    violations: [],
  },
  // rbac-wildcard
  {
    name: 'rbac-wildcard: the all-powerful ClusterRole from a tutorial',
    rule: rbacWildcard,
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: operator }
rules:
  - { apiGroups: ["*"], resources: ["*"], verbs: ["*"] }
  - { apiGroups: [""], resources: [pods], verbs: [get, list] }
  - { apiGroups: [apps], resources: ["*/scale"], verbs: [update] }
  - { apiGroups: [""], resources: [configmaps], verbs: ["*"] }
`,
    violations: [
      { message: 'rules[0] uses "*" in apiGroups, resources, verbs' },
      { message: 'rules[2] uses "*" in resources' },
      { message: 'rules[3] uses "*" in verbs' },
    ],
  },
  {
    name: 'rbac-wildcard: explicit lists pass',
    rule: rbacWildcard,
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: deployer, namespace: shop }
rules:
  - { apiGroups: [apps], resources: [deployments], verbs: [get, list, watch, patch] }
`,
    violations: [],
  },
  // cluster-admin-binding
  {
    name: 'cluster-admin-binding: tiller gets cluster-admin',
    rule: clusterAdminBinding,
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: tiller }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects:
  - { kind: ServiceAccount, name: tiller, namespace: kube-system }
  - { kind: User, name: jane, apiGroup: rbac.authorization.k8s.io }
`,
    violations: [
      { message: 'binds ClusterRole cluster-admin to ServiceAccount kube-system/tiller, User jane' },
    ],
  },
  {
    name: 'cluster-admin-binding: a RoleBinding to the cluster-admin ClusterRole',
    rule: clusterAdminBinding,
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: devs-admin, namespace: ci }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [{ kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io }]
`,
    violations: [{ message: 'binds ClusterRole cluster-admin to Group devs' }],
  },
  {
    name: 'cluster-admin-binding: the bootstrap binding for system:masters passes',
    rule: clusterAdminBinding,
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: cluster-admin }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [{ kind: Group, name: "system:masters", apiGroup: rbac.authorization.k8s.io }]
`,
    violations: [],
  },
  {
    name: 'cluster-admin-binding: view, and a Role that happens to be called cluster-admin, pass',
    rule: clusterAdminBinding,
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: readers, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: cluster-admin }
subjects: [{ kind: ServiceAccount, name: web, namespace: shop }]
`,
    violations: [],
  },
  // rbac-pods-exec
  {
    name: 'rbac-pods-exec: a debugging Role with exec and attach',
    rule: rbacPodsExec,
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: debug, namespace: shop }
rules:
  - { apiGroups: [""], resources: [pods, pods/exec], verbs: [create] }
  - { apiGroups: [""], resources: [pods/attach], verbs: [get, list] }
  - { apiGroups: ["*"], resources: ["*"], verbs: ["*"] }
  - { apiGroups: [""], resources: ["*/exec"], verbs: [create] }
`,
    violations: [
      { message: 'rules[0] grants create on pods/exec' },
      { message: 'rules[1] grants get on pods/attach' },
      { message: 'rules[2] grants * on * (covers pods/exec, pods/attach)' },
      { message: 'rules[3] grants create on */exec (covers pods/exec, pods/attach)' },
    ],
  },
  {
    name: 'rbac-pods-exec: logs, port-forward and other groups pass',
    rule: rbacPodsExec,
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: developer }
rules:
  - { apiGroups: [""], resources: [pods, pods/log], verbs: [get, list, watch] }
  - { apiGroups: [""], resources: [pods/portforward], verbs: [create] }
  - { apiGroups: [""], resources: [pods/exec], verbs: [list] }
  - { apiGroups: [metrics.k8s.io], resources: ["*"], verbs: [get] }
`,
    violations: [],
  },
  // rbac-secrets-access
  {
    name: 'rbac-secrets-access: the secret-reader example',
    rule: rbacSecretsAccess,
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: secret-reader }
rules:
  - { apiGroups: [""], resources: [secrets], verbs: [get, watch, list] }
  - { apiGroups: [""], resources: ["*"], verbs: [list] }
  - { apiGroups: ["*"], resources: [secrets, configmaps], verbs: ["*"] }
`,
    violations: [
      { message: 'rules[0] grants get, watch, list on secrets' },
      { message: 'rules[1] grants list on * (covers secrets)' },
      { message: 'rules[2] grants * on secrets' },
    ],
  },
  {
    name: 'rbac-secrets-access: named Secrets, writes only and other groups pass',
    rule: rbacSecretsAccess,
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: app, namespace: shop }
rules:
  - { apiGroups: [""], resources: [secrets], resourceNames: [app-config], verbs: [get] }
  - { apiGroups: [""], resources: [secrets], verbs: [create] }
  - { apiGroups: [external-secrets.io], resources: ["*"], verbs: [get] }
`,
    violations: [],
  },
  // deprecated-api-version
  {
    name: 'deprecated-api-version: an extensions/v1beta1 Deployment without a selector',
    rule: deprecatedApiVersion,
    yaml: `
apiVersion: extensions/v1beta1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx }] }
`,
    violations: [
      {
        message:
          'extensions/v1beta1 Deployment was removed in Kubernetes 1.16; use apps/v1: fields changed, port it by hand',
      },
    ],
  },
  {
    name: 'deprecated-api-version: an apps/v1beta2 Deployment with a selector only needs a new apiVersion',
    rule: deprecatedApiVersion,
    yaml: `
apiVersion: apps/v1beta2
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx }] }
`,
    violations: [
      {
        message:
          'apps/v1beta2 Deployment was removed in Kubernetes 1.16; use apps/v1: only the apiVersion changes (gantry lint --fix can do it)',
      },
    ],
  },
  {
    name: 'deprecated-api-version: an extensions/v1beta1 DaemonSet relying on the OnDelete default',
    rule: deprecatedApiVersion,
    yaml: `
apiVersion: extensions/v1beta1
kind: DaemonSet
metadata: { name: fluentd }
spec:
  selector: { matchLabels: { app: fluentd } }
  template:
    metadata: { labels: { app: fluentd } }
    spec: { containers: [{ name: fluentd, image: fluentd }] }
`,
    violations: [
      {
        message:
          'extensions/v1beta1 DaemonSet was removed in Kubernetes 1.16; use apps/v1: fields changed, port it by hand',
      },
    ],
  },
  {
    name: 'deprecated-api-version: a networking.k8s.io/v1beta1 Ingress',
    rule: deprecatedApiVersion,
    yaml: `
apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata: { name: web }
spec: { backend: { serviceName: web, servicePort: 80 } }
`,
    violations: [
      {
        message:
          'networking.k8s.io/v1beta1 Ingress was removed in Kubernetes 1.22; use networking.k8s.io/v1: fields changed, port it by hand',
      },
    ],
  },
  {
    name: 'deprecated-api-version: a batch/v1beta1 CronJob',
    rule: deprecatedApiVersion,
    yaml: `
apiVersion: batch/v1beta1
kind: CronJob
metadata: { name: backup }
spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template: { spec: { containers: [{ name: b, image: busybox }] } } } } }
`,
    violations: [
      {
        message:
          'batch/v1beta1 CronJob was removed in Kubernetes 1.25; use batch/v1: only the apiVersion changes (gantry lint --fix can do it)',
      },
    ],
  },
  {
    name: 'deprecated-api-version: a policy/v1beta1 PDB whose empty selector would select every pod in v1',
    rule: deprecatedApiVersion,
    yaml: `
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: { name: web }
spec: { minAvailable: 1, selector: {} }
`,
    violations: [
      {
        message:
          'policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25; use policy/v1: fields changed, port it by hand',
      },
    ],
  },
  {
    name: 'deprecated-api-version: a PodSecurityPolicy has no replacement',
    rule: deprecatedApiVersion,
    yaml: `
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: { name: restricted }
spec: { privileged: false }
`,
    violations: [
      {
        message:
          'policy/v1beta1 PodSecurityPolicy was removed in Kubernetes 1.25 without a replacement; use Pod Security Admission (namespace labels pod-security.kubernetes.io/*)',
      },
    ],
  },
  {
    name: 'deprecated-api-version: current versions and custom resources pass',
    rule: deprecatedApiVersion,
    yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
`,
    violations: [],
  },
  {
    name: 'deprecated-api-version: a custom resource at v1beta1 is not ours to judge',
    rule: deprecatedApiVersion,
    yaml: `
apiVersion: cert-manager.io/v1beta1
kind: Certificate
metadata: { name: web }
`,
    violations: [],
  },
  // default-namespace
  {
    name: 'default-namespace: a Deployment pinned to default',
    rule: defaultNamespace,
    yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default }
`,
    violations: [{ message: 'metadata.namespace is default' }],
  },
  {
    name: 'default-namespace: no namespace (left to kustomize or kubectl -n) passes',
    rule: defaultNamespace,
    yaml: `
apiVersion: v1
kind: Service
metadata: { name: web }
`,
    violations: [],
  },
  {
    name: 'default-namespace: the built-in default ServiceAccount passes',
    rule: defaultNamespace,
    yaml: `
apiVersion: v1
kind: ServiceAccount
metadata: { name: default, namespace: default }
automountServiceAccountToken: false
`,
    violations: [],
  },
  {
    name: 'default-namespace: cluster-scoped kinds pass',
    rule: defaultNamespace,
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: reader, namespace: default }
`,
    violations: [],
  },
  // missing-namespace
  {
    name: 'missing-namespace: a Service left to kubectl -n',
    rule: missingNamespace,
    yaml: `
apiVersion: v1
kind: Service
metadata: { name: web }
`,
    violations: [{ message: 'metadata.namespace is not set: it goes where kubectl points' }],
  },
  {
    name: 'missing-namespace: a namespaced object, and cluster-scoped kinds and custom resources, pass',
    rule: missingNamespace,
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: reader }
`,
    violations: [],
  },
  // ingress-without-tls
  {
    name: 'ingress-without-tls: the tutorial Ingress',
    rule: ingressWithoutTls,
    yaml: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web }
spec:
  rules:
    - host: shop.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }
`,
    violations: [{ message: 'no spec.tls: served over plain HTTP only' }],
  },
  {
    name: 'ingress-without-tls: hosts the certificate does not cover',
    rule: ingressWithoutTls,
    yaml: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web }
spec:
  tls: [{ hosts: [shop.example.com, "*.apps.example.com"], secretName: shop-tls }]
  rules:
    - host: shop.example.com
    - host: api.example.com
    - host: web.apps.example.com
    - host: a.b.apps.example.com
    - host: api.example.com
`,
    violations: [{ message: 'hosts api.example.com, a.b.apps.example.com not covered by spec.tls' }],
  },
  {
    name: 'ingress-without-tls: covered hosts, and a tls entry without hosts, pass',
    rule: ingressWithoutTls,
    yaml: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web }
spec:
  tls: [{ hosts: ["*.example.com"], secretName: wildcard-tls }, { secretName: default-tls }]
  rules: [{ host: shop.example.com }, { host: other.org }]
`,
    violations: [],
  },
  // service-exposed
  {
    name: 'service-exposed: a NodePort from the tutorial',
    rule: serviceExposed,
    yaml: `
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { type: NodePort, selector: { app: web }, ports: [{ port: 80, nodePort: 30080 }] }
`,
    violations: [{ message: 'type NodePort without a gantry.dev/exposed annotation saying why' }],
  },
  {
    name: 'service-exposed: a LoadBalancer with an empty note',
    rule: serviceExposed,
    yaml: `
apiVersion: v1
kind: Service
metadata: { name: web, annotations: { gantry.dev/exposed: " " } }
spec: { type: LoadBalancer, ports: [{ port: 80 }] }
`,
    violations: [{ message: 'type LoadBalancer without a gantry.dev/exposed annotation saying why' }],
  },
  {
    name: 'service-exposed: a noted LoadBalancer and a ClusterIP pass',
    rule: serviceExposed,
    yaml: `
apiVersion: v1
kind: Service
metadata: { name: mqtt, annotations: { gantry.dev/exposed: "devices connect directly" } }
spec: { type: LoadBalancer, ports: [{ port: 8883 }] }
`,
    violations: [],
  },
  // missing-recommended-label
  {
    name: 'missing-recommended-label: a Service labelled app: web only',
    rule: missingRecommendedLabel,
    yaml: `
apiVersion: v1
kind: Service
metadata: { name: web, labels: { app: web } }
`,
    violations: [{ message: 'no label app.kubernetes.io/name' }],
  },
  {
    name: 'missing-recommended-label: an empty value counts as missing',
    rule: missingRecommendedLabel,
    yaml: `
apiVersion: v1
kind: ConfigMap
metadata: { name: web, labels: { app.kubernetes.io/name: "" } }
`,
    violations: [{ message: 'no label app.kubernetes.io/name' }],
  },
  {
    name: 'missing-recommended-label: a configured list names every missing label',
    rule: requiredLabelsRule(['app.kubernetes.io/name', 'app.kubernetes.io/part-of', 'team']),
    yaml: `
apiVersion: v1
kind: Service
metadata: { name: web, labels: { app.kubernetes.io/name: web } }
`,
    violations: [{ message: 'no labels app.kubernetes.io/part-of, team' }],
  },
  {
    name: 'missing-recommended-label: Namespaces, RBAC and custom resources pass',
    rule: missingRecommendedLabel,
    yaml: `
apiVersion: v1
kind: Namespace
metadata: { name: shop }
`,
    violations: [],
  },
  // image-pull-policy-not-always
  {
    name: 'image-pull-policy-not-always: pinned images default to IfNotPresent',
    rule: imagePullPolicyNotAlways,
    yaml: `
apiVersion: v1
kind: Pod
metadata: { name: web }
spec:
  initContainers: [{ name: migrate, image: "ghcr.io/acme/api:1.4.2", imagePullPolicy: IfNotPresent }]
  containers:
    - { name: web, image: "nginx:1.27.3" }
    - { name: sidecar, image: "envoy:latest", imagePullPolicy: Never }
    - { name: pinned, image: "nginx@sha256:0123456789abcdef" }
    - { name: ok, image: "nginx:1.27.3", imagePullPolicy: Always }
    - { name: noimage }
`,
    violations: [
      { container: 'migrate', message: 'imagePullPolicy is IfNotPresent' },
      { container: 'web', message: 'imagePullPolicy is not set (IfNotPresent for a pinned image)' },
      { container: 'sidecar', message: 'imagePullPolicy is Never' },
      { container: 'pinned', message: 'imagePullPolicy is not set (IfNotPresent for a pinned image)' },
    ],
  },
  {
    name: 'image-pull-policy-not-always: Always, and the Always default of :latest, pass',
    rule: imagePullPolicyNotAlways,
    yaml: `
apiVersion: v1
kind: Pod
metadata: { name: web }
spec:
  containers:
    - { name: web, image: "nginx:1.27.3", imagePullPolicy: Always }
    - { name: latest, image: "nginx:latest" }
    - { name: untagged, image: nginx }
`,
    violations: [],
  },
];

/** Violations without where they are and which checks they are (tested in engine.test.ts). */
const bare = (violations: readonly Violation[]) =>
  violations.map(({ path: _path, aliases: _aliases, ...rest }) => rest);

describe('access and hygiene rules: failing and passing manifests', () => {
  for (const row of rows)
    it(row.name, () => {
      assert.deepEqual(bare(row.rule.check(object(row.yaml), context)), row.violations);
    });
  it('every rule in the group has a failing and a passing row', () => {
    for (const rule of ACCESS_AND_HYGIENE_RULES) {
      const own = rows.filter((row) => row.rule.id === rule.id);
      assert.ok(
        own.some((row) => row.violations.length > 0),
        `${rule.id} has a failing row`,
      );
      assert.ok(
        own.some((row) => row.violations.length === 0),
        `${rule.id} has a passing row`,
      );
    }
  });
});

/** The same tutorial pod (YAML spec) under the given workload kind, labels given per level. */
function workload(
  kind: string,
  podSpecYaml: string,
  labels: { own?: object; pod?: object } = {},
): KubeObject {
  const spec = parse(podSpecYaml) as Record<string, unknown>;
  const template = { metadata: { labels: labels.pod ?? { app: 'web' } }, spec };
  const metadata = { name: 'web', labels: labels.own ?? { app: 'web' } };
  if (kind === 'Pod') return { apiVersion: 'v1', kind, metadata, spec };
  if (kind === 'CronJob')
    return {
      apiVersion: 'batch/v1',
      kind,
      metadata,
      spec: { schedule: '@daily', jobTemplate: { spec: { template } } },
    };
  return { apiVersion: 'apps/v1', kind, metadata, spec: { template } };
}

const TUTORIAL_POD = `
containers:
  - name: web
    image: nginx:1.27
    env: [{ name: MYSQL_ROOT_PASSWORD, value: hunter2 }]
`;
const NAMED = { 'app.kubernetes.io/name': 'web' };

describe('access and hygiene rules: every workload kind', () => {
  for (const kind of WORKLOAD_KINDS) {
    it(`image-pull-policy-not-always on a ${kind}`, () => {
      assert.deepEqual(bare(imagePullPolicyNotAlways.check(workload(kind, TUTORIAL_POD), context)), [
        { container: 'web', message: 'imagePullPolicy is not set (IfNotPresent for a pinned image)' },
      ]);
      const always = workload(
        kind,
        TUTORIAL_POD.replace('image: nginx:1.27', 'image: nginx:1.27\n    imagePullPolicy: Always'),
      );
      assert.deepEqual(bare(imagePullPolicyNotAlways.check(always, context)), []);
    });
    it(`missing-recommended-label on a ${kind}`, () => {
      const expected = [
        {
          message:
            kind === 'Pod'
              ? 'no label app.kubernetes.io/name'
              : 'no label app.kubernetes.io/name (on the object and its pod template)',
        },
      ];
      assert.deepEqual(bare(missingRecommendedLabel.check(workload(kind, TUTORIAL_POD), context)), expected);
      const labelled = workload(kind, TUTORIAL_POD, { own: NAMED, pod: NAMED });
      assert.deepEqual(bare(missingRecommendedLabel.check(labelled, context)), []);
    });
    it(`default-namespace on a ${kind}`, () => {
      const pinned = workload(kind, TUTORIAL_POD);
      (pinned.metadata as Record<string, unknown>).namespace = 'default';
      assert.deepEqual(bare(defaultNamespace.check(pinned, context)), [
        { message: 'metadata.namespace is default' },
      ]);
      assert.deepEqual(bare(defaultNamespace.check(workload(kind, TUTORIAL_POD), context)), []);
    });
  }
  it('missing-recommended-label: a labelled workload whose pod template is not, and the reverse', () => {
    assert.deepEqual(
      bare(missingRecommendedLabel.check(workload('Deployment', TUTORIAL_POD, { own: NAMED }), context)),
      [{ message: 'pod template has no label app.kubernetes.io/name' }],
    );
    assert.deepEqual(
      bare(missingRecommendedLabel.check(workload('StatefulSet', TUTORIAL_POD, { pod: NAMED }), context)),
      [{ message: 'no label app.kubernetes.io/name' }],
    );
  });
  it('missing-recommended-label: different labels missing on the object and the template', () => {
    const rule = requiredLabelsRule(['app.kubernetes.io/name', 'team']);
    const object = workload('Deployment', TUTORIAL_POD, { own: NAMED, pod: { team: 'shop' } });
    assert.deepEqual(bare(rule.check(object, context)), [
      { message: 'no label team' },
      { message: 'pod template has no label app.kubernetes.io/name' },
    ]);
  });
  it('the RBAC and ConfigMap rules leave workloads alone', () => {
    for (const rule of [
      secretInConfigMap,
      rbacWildcard,
      clusterAdminBinding,
      rbacPodsExec,
      rbacSecretsAccess,
    ])
      for (const kind of WORKLOAD_KINDS)
        assert.deepEqual(bare(rule.check(workload(kind, TUTORIAL_POD), context)), []);
  });
});

describe('removed API versions table', () => {
  it('lists each apiVersion and kind once, with a release and a different replacement', () => {
    const keys = DEPRECATED_APIS.map((api) => `${api.apiVersion} ${api.kind}`);
    assert.equal(new Set(keys).size, keys.length);
    for (const api of DEPRECATED_APIS) {
      assert.match(api.removedIn, /^1\.\d+$/);
      assert.notEqual(api.replacement, api.apiVersion);
      assert.ok(api.replacement || api.alternative, `${api.apiVersion} ${api.kind} says what to use instead`);
    }
  });
  const cases: { name: string; yaml: string; replacement?: string; sameFields?: boolean }[] = [
    {
      name: 'apps/v1beta1 StatefulSet keeps its meaning only with an explicit updateStrategy',
      yaml: 'apiVersion: apps/v1beta1\nkind: StatefulSet\nspec: { selector: {}, updateStrategy: { type: OnDelete } }',
      replacement: 'apps/v1',
      sameFields: true,
    },
    {
      name: 'apps/v1beta1 StatefulSet without one would switch to RollingUpdate',
      yaml: 'apiVersion: apps/v1beta1\nkind: StatefulSet\nspec: { selector: {} }',
      replacement: 'apps/v1',
      sameFields: false,
    },
    {
      name: 'apps/v1beta1 ReplicaSet is in the guide too',
      yaml: 'apiVersion: apps/v1beta1\nkind: ReplicaSet\nspec: { selector: { matchLabels: { a: b } } }',
      replacement: 'apps/v1',
      sameFields: true,
    },
    {
      name: 'extensions/v1beta1 Deployment with rollbackTo',
      yaml: 'apiVersion: extensions/v1beta1\nkind: Deployment\nspec: { selector: {}, rollbackTo: { revision: 2 } }',
      replacement: 'apps/v1',
      sameFields: false,
    },
    {
      name: 'policy/v1beta1 PDB without a selector selects nothing in both versions',
      yaml: 'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nspec: { minAvailable: 1 }',
      replacement: 'policy/v1',
      sameFields: true,
    },
    {
      name: 'policy/v1beta1 PDB with matchLabels: {} is an empty selector',
      yaml: 'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nspec: { selector: { matchLabels: {} } }',
      replacement: 'policy/v1',
      sameFields: false,
    },
    {
      name: 'SubjectAccessReview spec.group became spec.groups',
      yaml: 'apiVersion: authorization.k8s.io/v1beta1\nkind: SubjectAccessReview\nspec: { group: [devs] }',
      replacement: 'authorization.k8s.io/v1',
      sameFields: false,
    },
    {
      name: 'TokenReview moves as is',
      yaml: 'apiVersion: authentication.k8s.io/v1beta1\nkind: TokenReview\nspec: { token: x }',
      replacement: 'authentication.k8s.io/v1',
      sameFields: true,
    },
    {
      name: 'autoscaling/v2beta2 HPA already has the v2 shape',
      yaml: 'apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nspec: { minReplicas: 2 }',
      replacement: 'autoscaling/v2',
      sameFields: true,
    },
    {
      name: 'flowcontrol v1beta2 PriorityLevelConfiguration with assuredConcurrencyShares',
      yaml: 'apiVersion: flowcontrol.apiserver.k8s.io/v1beta2\nkind: PriorityLevelConfiguration\nspec: { limited: { assuredConcurrencyShares: 5 } }',
      replacement: 'flowcontrol.apiserver.k8s.io/v1',
      sameFields: false,
    },
    {
      name: 'flowcontrol v1beta3 FlowSchema moves as is',
      yaml: 'apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nspec: {}',
      replacement: 'flowcontrol.apiserver.k8s.io/v1',
      sameFields: true,
    },
    {
      name: 'flowcontrol v1beta3 PriorityLevelConfiguration with an explicit 0 means 30 before v1',
      yaml: 'apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: PriorityLevelConfiguration\nspec: { limited: { nominalConcurrencyShares: 0 } }',
      replacement: 'flowcontrol.apiserver.k8s.io/v1',
      sameFields: false,
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const obj = object(c.yaml);
      const api = deprecatedApi(obj);
      assert.ok(api);
      assert.equal(api.replacement, c.replacement);
      assert.equal(api.sameFields(obj), c.sameFields);
    });
  it('served versions are not in it', () => {
    for (const yaml of [
      'apiVersion: apps/v1\nkind: Deployment',
      'apiVersion: policy/v1\nkind: PodDisruptionBudget',
    ])
      assert.equal(deprecatedApi(object(yaml)), undefined);
  });
});

describe('access and hygiene rules: malformed objects of their own kinds', () => {
  const malformed: KubeObject[] = [
    { kind: 'ConfigMap', data: ['x'], binaryData: 'y' },
    {
      kind: 'ConfigMap',
      data: { a: null, b: { c: 1 }, PASSWORD: ['x'] },
      binaryData: { k: '%%%not base64' },
    },
    { kind: 'Role', rules: 'x' },
    { kind: 'ClusterRole', rules: [null, 3, { verbs: '*', resources: [1, null], apiGroups: {} }] },
    { kind: 'ClusterRoleBinding', roleRef: 'cluster-admin', subjects: 'x' },
    {
      kind: 'RoleBinding',
      roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [null, 'x', {}],
    },
    { kind: 'Ingress', spec: { tls: 'x', rules: 'y' } },
    {
      kind: 'Ingress',
      spec: { tls: [null, { hosts: [3, null] }], rules: [null, { host: 5 }, { host: 'a.example.com' }] },
    },
    { kind: 'Service', metadata: 'x', spec: { type: ['NodePort'] } },
    {
      kind: 'Deployment',
      apiVersion: 'extensions/v1beta1',
      spec: 'x',
      metadata: { labels: 'x', namespace: 7 },
    },
    { kind: 'PodDisruptionBudget', apiVersion: 'policy/v1beta1', spec: { selector: 'x' } },
    { kind: 'CronJob', spec: { jobTemplate: { spec: { template: 'x' } } } },
  ];
  for (const rule of ACCESS_AND_HYGIENE_RULES)
    it(`${rule.id} never throws`, () => {
      for (const object of malformed)
        assert.doesNotThrow(() => rule.check(object, context), JSON.stringify(object));
    });
  it('a binding to cluster-admin without subjects still says so', () => {
    assert.deepEqual(
      bare(
        clusterAdminBinding.check(
          { kind: 'ClusterRoleBinding', roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } },
          context,
        ),
      ),
      [{ message: 'binds ClusterRole cluster-admin to no subjects yet' }],
    );
  });
});
