/**
 * A realistic corpus for `gantry lint` benchmarks and the side-by-side with kube-score and Checkov:
 * ten projects modelled on the open-source deployments people lint — a demo shop of eleven
 * microservices, an ingress controller, a certificate operator, a monitoring stack (operator CRs,
 * ServiceMonitors, rules, dashboards in ConfigMaps, a node exporter), a CNI, a policy engine, a
 * GitOps install (with a List), batch jobs, a platform team's services and a service mesh's
 * sample app — written as their manifests are: some hardened,
 * many not, YAML 1.1 booleans here and there, CRDs with schemas, webhooks, RBAC. Deterministic:
 * the same files every run. `copies` repeats it in more namespaces for the speed runs.
 *
 *   node --import tsx bench/lint-corpus.ts DIR [COPIES]   writes it (prints objects and kinds)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

type Obj = Record<string, unknown>;

const meta = (name: string, namespace?: string, labels: Obj = {}, annotations?: Obj): Obj => ({
  name,
  ...(namespace ? { namespace } : {}),
  labels: { 'app.kubernetes.io/name': name, ...labels },
  ...(annotations ? { annotations } : {}),
});

interface ContainerOptions {
  image: string;
  port?: number;
  hardened?: boolean;
  probes?: boolean;
  resources?: 'full' | 'limits' | 'none';
  env?: Obj[];
  privileged?: boolean;
  args?: string[];
}

function container(name: string, o: ContainerOptions): Obj {
  return {
    name,
    image: o.image,
    ...(o.args ? { args: o.args } : {}),
    ...(o.port ? { ports: [{ name: 'http', containerPort: o.port }] } : {}),
    ...(o.env ? { env: o.env } : {}),
    ...(o.resources === 'full'
      ? { resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } } }
      : o.resources === 'limits'
        ? { resources: { limits: { cpu: '500m', memory: '512Mi' } } }
        : {}),
    ...(o.probes && o.port
      ? {
          readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, failureThreshold: 6 },
        }
      : {}),
    ...(o.hardened
      ? {
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
          },
        }
      : o.privileged
        ? { securityContext: { privileged: true } }
        : {}),
  };
}

function deployment(
  name: string,
  namespace: string,
  replicas: number | undefined,
  pod: Obj,
  extra: Obj = {},
): Obj {
  const labels = { 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, namespace),
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: pod },
      ...extra,
    },
  };
}

const service = (name: string, namespace: string, port: number, extra: Obj = {}, selector?: Obj): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta(name, namespace),
  spec: {
    selector: selector ?? { 'app.kubernetes.io/name': name },
    ports: [{ name: 'http', port, targetPort: port }],
    ...extra,
  },
});

const serviceAccount = (name: string, namespace: string): Obj => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: meta(name, namespace),
});

const clusterRole = (name: string, rules: Obj[]): Obj => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: meta(name),
  rules,
});

const binding = (
  kind: 'ClusterRoleBinding' | 'RoleBinding',
  name: string,
  role: string,
  sa: string,
  ns: string,
): Obj => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: meta(name, kind === 'RoleBinding' ? ns : undefined),
  roleRef: {
    apiGroup: 'rbac.authorization.k8s.io',
    kind: kind === 'RoleBinding' ? 'Role' : 'ClusterRole',
    name: role,
  },
  subjects: [{ kind: 'ServiceAccount', name: sa, namespace: ns }],
});

const role = (name: string, namespace: string, rules: Obj[]): Obj => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: meta(name, namespace),
  rules,
});

const namespace = (name: string): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

/** A CRD with a schema of `fields` properties (each a small object): CRDs are the big documents of an install. */
function crd(group: string, kind: string, fields: number): Obj {
  const plural = `${kind.toLowerCase()}s`;
  const properties: Obj = {};
  for (let i = 0; i < fields; i++)
    properties[`field${i}`] = {
      type: 'object',
      description: `Field ${i} of ${kind}: configures part ${i} of the resource as its controller reads it.`,
      properties: {
        enabled: { type: 'boolean' },
        value: { type: 'string' },
        count: { type: 'integer', minimum: 0 },
      },
    };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties } } },
          },
        },
      ],
    },
  };
}

/** A Grafana dashboard as a ConfigMap: the long documents of a monitoring stack. */
function dashboard(name: string, ns: string, panels: number): Obj {
  const json = {
    title: name,
    panels: Array.from({ length: panels }, (_, i) => ({
      id: i,
      type: 'timeseries',
      title: `Panel ${i}`,
      targets: [
        { expr: `sum(rate(http_requests_total{job="${name}",code=~"5.."}[5m])) by (instance, pod_${i})` },
      ],
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    })),
  };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(`grafana-dashboard-${name}`, ns, { grafana_dashboard: '1' }),
    data: { [`${name}.json`]: JSON.stringify(json, null, 2) },
  };
}

// ---- the projects -------------------------------------------------------------------------

function shop(ns: string): Obj[] {
  const names = [
    'frontend',
    'cartservice',
    'productcatalog',
    'currency',
    'payment',
    'shipping',
    'email',
    'checkout',
    'recommendation',
    'ad',
  ];
  const objects: Obj[] = [namespace(ns)];
  names.forEach((name, i) => {
    const hardened = i % 3 === 0;
    const image =
      i % 4 === 1
        ? `gcr.io/google-samples/microservices-demo/${name}:latest`
        : `gcr.io/google-samples/microservices-demo/${name}:v0.10.${i}`;
    const env = [
      { name: 'PORT', value: String(8080 + i) },
      ...(name === 'payment' ? [{ name: 'STRIPE_API_KEY', value: 'sk_test_0123456789' }] : []),
      ...(name === 'cartservice' ? [{ name: 'REDIS_SECRET_NAME', value: 'redis-auth' }] : []),
    ];
    objects.push(
      serviceAccount(name, ns),
      deployment(name, ns, i % 2 === 0 ? 2 : undefined, {
        serviceAccountName: name,
        ...(hardened
          ? {
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 1000,
                seccompProfile: { type: 'RuntimeDefault' },
              },
            }
          : {}),
        containers: [
          container('server', {
            image,
            port: 8080 + i,
            hardened,
            probes: i % 2 === 0,
            resources: i % 5 === 0 ? 'limits' : 'full',
            env,
          }),
        ],
      }),
      service(name, ns, 8080 + i),
    );
    if (i % 3 === 0)
      objects.push({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: meta(name, ns),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          minReplicas: i === 0 ? 1 : 2,
          maxReplicas: 10,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
            },
          ],
        },
      });
  });
  objects.push(
    service('frontend-external', ns, 80, { type: 'LoadBalancer' }, { 'app.kubernetes.io/name': 'frontend' }),
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('redis-cart', ns),
      spec: {
        serviceName: 'redis-cart',
        selector: { matchLabels: { 'app.kubernetes.io/name': 'redis-cart' } },
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': 'redis-cart' } },
          spec: {
            containers: [container('redis', { image: 'redis:7.2-alpine', port: 6379, resources: 'full' })],
            volumes: [{ name: 'data', emptyDir: {} }],
          },
        },
      },
    },
    service('redis-cart', ns, 6379, { clusterIP: 'None' }),
    deployment('loadgenerator', ns, 1, {
      restartPolicy: 'Always',
      containers: [
        container('main', {
          image: 'gcr.io/google-samples/microservices-demo/loadgenerator:v0.10.0',
          env: [{ name: 'FRONTEND_ADDR', value: 'frontend:80' }],
        }),
      ],
    }),
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta('shop', ns),
      spec: {
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'frontend', port: { number: 8080 } } },
                },
              ],
            },
          },
        ],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta('frontend', ns),
      spec: { minAvailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'frontend' } } },
    },
  );
  return objects;
}

function ingressController(ns: string): Obj[] {
  const name = 'ingress-nginx-controller';
  return [
    namespace(ns),
    serviceAccount('ingress-nginx', ns),
    serviceAccount('ingress-nginx-admission', ns),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(name, ns),
      data: { 'allow-snippet-annotations': 'false', 'use-forwarded-headers': 'true' },
    },
    clusterRole('ingress-nginx', [
      {
        apiGroups: [''],
        resources: ['configmaps', 'endpoints', 'nodes', 'pods', 'secrets', 'namespaces'],
        verbs: ['list', 'watch'],
      },
      {
        apiGroups: ['networking.k8s.io'],
        resources: ['ingresses', 'ingressclasses'],
        verbs: ['get', 'list', 'watch'],
      },
    ]),
    binding('ClusterRoleBinding', 'ingress-nginx', 'ingress-nginx', 'ingress-nginx', ns),
    role('ingress-nginx', ns, [
      { apiGroups: [''], resources: ['configmaps', 'pods', 'secrets', 'endpoints'], verbs: ['get'] },
    ]),
    binding('RoleBinding', 'ingress-nginx', 'ingress-nginx', 'ingress-nginx', ns),
    clusterRole('ingress-nginx-admission', [
      {
        apiGroups: ['admissionregistration.k8s.io'],
        resources: ['validatingwebhookconfigurations'],
        verbs: ['get', 'update'],
      },
    ]),
    binding(
      'ClusterRoleBinding',
      'ingress-nginx-admission',
      'ingress-nginx-admission',
      'ingress-nginx-admission',
      ns,
    ),
    service(name, ns, 80, { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }),
    service(`${name}-admission`, ns, 8443, {}, { 'app.kubernetes.io/name': name }),
    deployment(
      name,
      ns,
      undefined,
      {
        serviceAccountName: 'ingress-nginx',
        dnsPolicy: 'ClusterFirst',
        containers: [
          {
            ...container('controller', {
              image:
                'registry.k8s.io/ingress-nginx/controller:v1.10.1@sha256:e24f39d3eed6bcc239a56f20098878845f62baa34b9f2be2fd2c38ce9fb0f29e',
              port: 80,
              probes: true,
              resources: 'full',
            }),
            securityContext: {
              allowPrivilegeEscalation: true,
              capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
              runAsUser: 101,
            },
          },
        ],
      },
      { revisionHistoryLimit: 10 },
    ),
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: meta('nginx'),
      spec: { controller: 'k8s.io/ingress-nginx' },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: meta('ingress-nginx-admission'),
      webhooks: [
        {
          name: 'validate.nginx.ingress.kubernetes.io',
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
          clientConfig: {
            service: { name: `${name}-admission`, namespace: ns, path: '/networking/v1/ingresses' },
          },
        },
      ],
    },
    ...['create', 'patch'].map((step) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta(`ingress-nginx-admission-${step}`, ns),
      spec: {
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': `ingress-nginx-admission-${step}` } },
          spec: {
            restartPolicy: 'OnFailure',
            serviceAccountName: 'ingress-nginx-admission',
            containers: [
              container(step, {
                image: 'registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.1',
                hardened: true,
                args: [step],
              }),
            ],
          },
        },
      },
    })),
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(name, ns),
      spec: { minAvailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': name } } },
    },
  ];
}

function certManager(ns: string): Obj[] {
  const objects: Obj[] = [namespace(ns)];
  for (const kind of ['Certificate', 'Issuer', 'ClusterIssuer', 'CertificateRequest', 'Order', 'Challenge'])
    objects.push(crd('cert-manager.io', kind, 40));
  for (const part of ['controller', 'cainjector', 'webhook']) {
    const name = `cert-manager-${part}`;
    objects.push(
      serviceAccount(name, ns),
      clusterRole(name, [
        {
          apiGroups: ['cert-manager.io'],
          resources: ['certificates', 'issuers', 'certificaterequests'],
          verbs: ['get', 'list', 'watch', 'update'],
        },
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'create', 'update'] },
      ]),
      binding('ClusterRoleBinding', name, name, name, ns),
      deployment(name, ns, 1, {
        serviceAccountName: name,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          container(part, {
            image: `quay.io/jetstack/cert-manager-${part}:v1.14.5`,
            port: 9402,
            hardened: true,
            probes: part === 'webhook',
            resources: 'full',
          }),
        ],
      }),
    );
  }
  objects.push(
    service('cert-manager-webhook', ns, 443, {}, { 'app.kubernetes.io/name': 'cert-manager-webhook' }),
    role('cert-manager:leaderelection', 'kube-system', [
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        verbs: ['get', 'create', 'update', 'patch'],
      },
    ]),
    binding(
      'RoleBinding',
      'cert-manager:leaderelection',
      'cert-manager:leaderelection',
      'cert-manager-controller',
      ns,
    ),
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: meta('cert-manager-webhook'),
      webhooks: [
        {
          name: 'webhook.cert-manager.io',
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
          clientConfig: { service: { name: 'cert-manager-webhook', namespace: ns, path: '/mutate' } },
        },
      ],
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: meta('letsencrypt'),
      spec: {
        acme: {
          server: 'https://acme-v02.api.letsencrypt.org/directory',
          privateKeySecretRef: { name: 'letsencrypt' },
          solvers: [{ http01: { ingress: { class: 'nginx' } } }],
        },
      },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta('shop-tls', 'shop'),
      spec: {
        secretName: 'shop-tls',
        dnsNames: ['shop.example.com'],
        issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' },
      },
    },
  );
  return objects;
}

function monitoring(ns: string): Obj[] {
  const objects: Obj[] = [namespace(ns)];
  for (const kind of ['Prometheus', 'Alertmanager', 'ServiceMonitor', 'PodMonitor', 'PrometheusRule'])
    objects.push(crd('monitoring.coreos.com', kind, 120));
  objects.push(
    serviceAccount('prometheus-operator', ns),
    clusterRole('prometheus-operator', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    binding('ClusterRoleBinding', 'prometheus-operator', 'prometheus-operator', 'prometheus-operator', ns),
    deployment('prometheus-operator', ns, 1, {
      serviceAccountName: 'prometheus-operator',
      containers: [
        container('prometheus-operator', {
          image: 'quay.io/prometheus-operator/prometheus-operator:v0.73.2',
          port: 8080,
          hardened: true,
          resources: 'full',
        }),
      ],
    }),
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Prometheus',
      metadata: meta('k8s', ns),
      spec: {
        replicas: 2,
        serviceAccountName: 'prometheus-k8s',
        podMetadata: {
          labels: {
            'app.kubernetes.io/component': 'prometheus',
            'app.kubernetes.io/part-of': 'kube-prometheus',
          },
        },
        serviceMonitorSelector: {},
      },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Alertmanager',
      metadata: meta('main', ns),
      spec: { replicas: 3, podMetadata: { labels: { 'app.kubernetes.io/component': 'alert-router' } } },
    },
    service(
      'prometheus-k8s',
      ns,
      9090,
      {},
      {
        'app.kubernetes.io/name': 'prometheus',
        'app.kubernetes.io/instance': 'k8s',
        'app.kubernetes.io/component': 'prometheus',
      },
    ),
    service(
      'alertmanager-main',
      ns,
      9093,
      {},
      { 'app.kubernetes.io/name': 'alertmanager', 'app.kubernetes.io/instance': 'main' },
    ),
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta('prometheus-k8s', ns),
      spec: {
        minAvailable: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', prometheus: 'k8s' } },
      },
    },
    serviceAccount('prometheus-k8s', ns),
    clusterRole('prometheus-k8s', [
      {
        apiGroups: [''],
        resources: ['nodes/metrics', 'services', 'endpoints', 'pods'],
        verbs: ['get', 'list', 'watch'],
      },
    ]),
    binding('ClusterRoleBinding', 'prometheus-k8s', 'prometheus-k8s', 'prometheus-k8s', ns),
    serviceAccount('kube-state-metrics', ns),
    deployment('kube-state-metrics', ns, 1, {
      serviceAccountName: 'kube-state-metrics',
      automountServiceAccountToken: true,
      containers: [
        container('kube-state-metrics', {
          image: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.12.0',
          port: 8080,
          probes: true,
          hardened: true,
          resources: 'full',
        }),
      ],
    }),
    service('kube-state-metrics', ns, 8080, { clusterIP: 'None' }),
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('kube-state-metrics', ns),
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kube-state-metrics' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }] }],
      },
    },
    serviceAccount('node-exporter', ns),
  );
  for (let i = 0; i < 12; i++)
    objects.push({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: meta(`target-${i}`, ns),
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': `target-${i}` } },
        endpoints: [{ port: 'http', interval: '30s' }],
      },
    });
  for (let i = 0; i < 4; i++)
    objects.push({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: meta(`rules-${i}`, ns),
      spec: {
        groups: [
          {
            name: `group-${i}`,
            rules: Array.from({ length: 30 }, (_, r) => ({
              alert: `Alert${i}x${r}`,
              expr: `sum(rate(errors_total{service="s${r}"}[5m])) / sum(rate(requests_total{service="s${r}"}[5m])) > 0.0${(r % 9) + 1}`,
              for: '10m',
              labels: { severity: r % 2 ? 'warning' : 'critical' },
              annotations: {
                summary: `Error ratio of s${r} above threshold`,
                runbook_url: `https://runbooks.example.com/s${r}`,
              },
            })),
          },
        ],
      },
    });
  for (const [name, panels] of [
    ['nodes', 40],
    ['pods', 60],
    ['apiserver', 80],
    ['etcd', 30],
    ['networking', 50],
  ] as const)
    objects.push(dashboard(name, ns, panels));
  return objects;
}

/** The node exporter as people write it: YAML 1.1 booleans, the host's /, /proc and /sys. */
function nodeExporterText(ns: string): string {
  return `# node-exporter: reads the node, so it shares its namespaces
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-exporter
  namespace: ${ns}
  labels: { app.kubernetes.io/name: node-exporter }
spec:
  selector:
    matchLabels: { app.kubernetes.io/name: node-exporter }
  template:
    metadata:
      labels: { app.kubernetes.io/name: node-exporter }
    spec:
      hostNetwork: yes
      hostPID: yes
      serviceAccountName: node-exporter
      containers:
        - name: node-exporter
          image: quay.io/prometheus/node-exporter:v1.8.0
          args: [--path.rootfs=/host/root]
          ports: [{ name: metrics, containerPort: 9100, hostPort: 9100 }]
          resources:
            requests: { cpu: 100m, memory: 180Mi }
            limits: { memory: 180Mi }
          securityContext:
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: no
          volumeMounts:
            - { name: root, mountPath: /host/root, readOnly: true }
      volumes:
        - name: root
          hostPath: { path: / }
        - name: sys
          hostPath: { path: /sys }
`;
}

function cni(ns: string): Obj[] {
  const name = 'calico-node';
  return [
    serviceAccount(name, ns),
    clusterRole(name, [
      { apiGroups: [''], resources: ['pods', 'nodes', 'namespaces'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['crd.projectcalico.org'], resources: ['*'], verbs: ['*'] },
    ]),
    binding('ClusterRoleBinding', name, name, name, ns),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('calico-config', ns),
      data: {
        calico_backend: 'bird',
        veth_mtu: '0',
        cni_network_config: JSON.stringify({
          name: 'k8s-pod-network',
          cniVersion: '0.3.1',
          plugins: [{ type: 'calico', ipam: { type: 'calico-ipam' } }],
        }),
      },
    },
    crd('crd.projectcalico.org', 'IPPool', 30),
    crd('crd.projectcalico.org', 'FelixConfiguration', 90),
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta(name, ns),
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': name } },
          spec: {
            hostNetwork: true,
            serviceAccountName: name,
            priorityClassName: 'system-node-critical',
            tolerations: [{ operator: 'Exists' }],
            initContainers: [
              container('install-cni', { image: 'docker.io/calico/cni:v3.27.3', privileged: true }),
            ],
            containers: [
              {
                ...container('calico-node', {
                  image: 'docker.io/calico/node:v3.27.3',
                  resources: 'full',
                  privileged: true,
                }),
                livenessProbe: { exec: { command: ['/bin/calico-node', '-felix-live'] }, periodSeconds: 10 },
                readinessProbe: {
                  exec: { command: ['/bin/calico-node', '-felix-ready'] },
                  periodSeconds: 10,
                },
              },
            ],
            volumes: [
              { name: 'lib-modules', hostPath: { path: '/lib/modules' } },
              { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
              { name: 'cni-bin-dir', hostPath: { path: '/opt/cni/bin' } },
            ],
          },
        },
      },
    },
    deployment('calico-kube-controllers', ns, 1, {
      serviceAccountName: 'calico-kube-controllers',
      containers: [
        container('calico-kube-controllers', {
          image: 'docker.io/calico/kube-controllers:v3.27.3',
          resources: 'none',
        }),
      ],
    }),
    serviceAccount('calico-kube-controllers', ns),
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta('calico-kube-controllers', ns),
      spec: {
        maxUnavailable: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'calico-kube-controllers' } },
      },
    },
  ];
}

function policyEngine(ns: string): Obj[] {
  const objects: Obj[] = [namespace(ns)];
  for (const kind of ['ClusterPolicy', 'Policy', 'PolicyException', 'UpdateRequest'])
    objects.push(crd('kyverno.io', kind, 60));
  for (const part of [
    'admission-controller',
    'background-controller',
    'cleanup-controller',
    'reports-controller',
  ]) {
    const name = `kyverno-${part}`;
    objects.push(
      serviceAccount(name, ns),
      clusterRole(name, [
        {
          apiGroups: ['kyverno.io'],
          resources: ['*'],
          verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
        },
        { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'list', 'watch'] },
      ]),
      binding('ClusterRoleBinding', name, name, name, ns),
      deployment(
        name,
        ns,
        part === 'admission-controller' ? 3 : 1,
        {
          serviceAccountName: name,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            container(part, {
              image: `ghcr.io/kyverno/kyverno${part === 'admission-controller' ? '' : `-${part}`}:v1.12.1`,
              port: 9443,
              hardened: true,
              probes: true,
              resources: 'full',
            }),
          ],
        },
        { strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: '40%' } } },
      ),
    );
  }
  objects.push(
    service('kyverno-svc', ns, 443, {}, { 'app.kubernetes.io/name': 'kyverno-admission-controller' }),
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta('kyverno-admission-controller', ns),
      spec: {
        maxUnavailable: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'kyverno-admission-controller' } },
      },
    },
    {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: meta('require-labels'),
      spec: {
        validationFailureAction: 'Audit',
        rules: [
          {
            name: 'check-team',
            match: { any: [{ resources: { kinds: ['Pod'] } }] },
            validate: {
              message: 'label team is required',
              pattern: { metadata: { labels: { team: '?*' } } },
            },
          },
        ],
      },
    },
  );
  return objects;
}

function gitops(ns: string): Obj[] {
  const objects: Obj[] = [
    namespace(ns),
    crd('argoproj.io', 'Application', 150),
    crd('argoproj.io', 'AppProject', 60),
  ];
  for (const part of [
    'server',
    'repo-server',
    'redis',
    'dex-server',
    'applicationset-controller',
    'notifications-controller',
  ]) {
    const name = `argocd-${part}`;
    objects.push(
      serviceAccount(name, ns),
      deployment(name, ns, part === 'server' || part === 'repo-server' ? 2 : 1, {
        serviceAccountName: name,
        containers: [
          container(part, {
            image: part === 'redis' ? 'redis:7.0.15-alpine' : `quay.io/argoproj/argocd:v2.11.0`,
            port: part === 'redis' ? 6379 : 8080,
            probes: part !== 'redis',
            resources: part === 'dex-server' ? 'none' : 'full',
            hardened: part !== 'dex-server',
          }),
        ],
      }),
      service(name, ns, part === 'redis' ? 6379 : 8080),
    );
  }
  objects.push(
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('argocd-application-controller', ns),
      spec: {
        serviceName: 'argocd-application-controller',
        replicas: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'argocd-application-controller' } },
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': 'argocd-application-controller' } },
          spec: {
            serviceAccountName: 'argocd-application-controller',
            containers: [
              container('controller', {
                image: 'quay.io/argoproj/argocd:v2.11.0',
                port: 8082,
                probes: true,
                hardened: true,
                resources: 'full',
              }),
            ],
          },
        },
      },
    },
    serviceAccount('argocd-application-controller', ns),
    clusterRole('argocd-application-controller', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    binding(
      'ClusterRoleBinding',
      'argocd-application-controller',
      'argocd-application-controller',
      'argocd-application-controller',
      ns,
    ),
    clusterRole('argocd-server', [
      { apiGroups: [''], resources: ['pods', 'pods/log', 'pods/exec'], verbs: ['get', 'create'] },
    ]),
    binding('ClusterRoleBinding', 'argocd-server', 'argocd-server', 'argocd-server', ns),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('argocd-cm', ns),
      data: {
        'admin.enabled': 'true',
        'oidc.config': 'name: SSO\nissuer: https://sso.example.com\nclientID: argocd\n',
        'server.secretkey': 'a1b2c3d4e5',
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta('argocd-secret', ns),
      type: 'Opaque',
      data: { 'admin.password': 'JDJhJDEwJGV4YW1wbGU=' },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('argocd-redis', ns),
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'argocd-redis' } },
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'argocd-server' } } }] },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('argocd-repo-server', ns),
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'argocd-repo-server' } },
        policyTypes: ['Ingress'],
        ingress: [{}],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'List',
      items: ['shop', 'monitoring', 'policies'].map((app) => ({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: app, namespace: ns },
        spec: {
          project: 'default',
          source: {
            repoURL: 'https://git.example.com/platform.git',
            path: `apps/${app}`,
            targetRevision: 'main',
          },
          destination: { server: 'https://kubernetes.default.svc', namespace: app },
        },
      })),
    },
  );
  return objects;
}

function batch(ns: string): Obj[] {
  const job = (name: string, extra: Obj, pod: Obj): Obj => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta(name, ns),
    spec: {
      schedule: '*/30 * * * *',
      ...extra,
      jobTemplate: {
        spec: { template: { metadata: { labels: { 'app.kubernetes.io/name': name } }, spec: pod } },
      },
    },
  });
  return [
    namespace(ns),
    {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: meta('batch-low'),
      value: 1000,
      globalDefault: false,
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: meta('defaults', ns),
      spec: {
        limits: [
          {
            type: 'Container',
            default: { memory: '512Mi' },
            defaultRequest: { cpu: '100m', memory: '256Mi' },
          },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: meta('batch', ns),
      spec: { hard: { 'requests.cpu': '20', 'requests.memory': '40Gi' } },
    },
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: meta('fast'),
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3' },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: meta('reports', ns),
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'fast',
        resources: { requests: { storage: '20Gi' } },
      },
    },
    job(
      'nightly-report',
      { startingDeadlineSeconds: 300, concurrencyPolicy: 'Forbid' },
      {
        restartPolicy: 'OnFailure',
        priorityClassName: 'batch-low',
        containers: [
          container('report', {
            image: 'ghcr.io/acme/report:2.3.1',
            hardened: true,
            resources: 'full',
            env: [{ name: 'DB_PASSWORD', value: 'hunter2' }],
          }),
        ],
      },
    ),
    job('cache-warmup', {}, { containers: [container('warm', { image: 'ghcr.io/acme/warmup:latest' })] }),
    job(
      'db-backup',
      { concurrencyPolicy: 'Forbid' },
      {
        restartPolicy: 'Never',
        serviceAccount: 'backup',
        containers: [container('backup', { image: 'ghcr.io/acme/backup:1.0.4', resources: 'full' })],
        volumes: [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }],
      },
    ),
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta('migrate-1', ns),
      spec: {
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [container('migrate', { image: 'ghcr.io/acme/migrate:4.1.0', resources: 'full' })],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta('debug', ns),
      spec: { containers: [container('shell', { image: 'busybox', privileged: true })] },
    },
    {
      apiVersion: 'extensions/v1beta1',
      kind: 'Ingress',
      metadata: meta('legacy', ns),
      spec: { backend: { serviceName: 'reports', servicePort: 80 } },
    },
  ];
}

/**
 * A platform team's internal services, as a chart renders them (Deployment, Service,
 * ServiceAccount, ConfigMap, and for most an HPA, a PDB and a NetworkPolicy): good hygiene mostly,
 * with the slips a review misses (a typo in a selector, a PDB that blocks drains, requests only).
 */
function platform(ns: string): Obj[] {
  const objects: Obj[] = [namespace(ns)];
  for (let i = 0; i < 28; i++) {
    const name = `svc-${['orders', 'billing', 'users', 'search', 'inventory', 'notify'][i % 6]}-${i}`;
    const labels = { 'app.kubernetes.io/name': name };
    objects.push(
      serviceAccount(name, ns),
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: meta(`${name}-config`, ns),
        data: {
          LOG_LEVEL: 'info',
          FEATURE_FLAGS: 'a,b,c',
          ...(i % 8 === 3 ? { API_TOKEN: 'tok_live_42' } : {}),
        },
      },
      deployment(name, ns, i % 4 === 0 ? 3 : undefined, {
        serviceAccountName: name,
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
        topologySpreadConstraints:
          i % 5 === 0
            ? []
            : [
                {
                  maxSkew: 1,
                  topologyKey: 'kubernetes.io/hostname',
                  whenUnsatisfiable: 'ScheduleAnyway',
                  labelSelector: { matchLabels: labels },
                },
              ],
        containers: [
          container('app', {
            image: `registry.example.com/platform/${name}:3.${i}.0`,
            port: 8080,
            hardened: true,
            probes: true,
            resources: i % 7 === 2 ? 'limits' : 'full',
          }),
        ],
      }),
      service(name, ns, 8080, {}, i % 11 === 5 ? { 'app.kubernetes.io/name': `${name}-v2` } : labels),
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: meta(name, ns),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          minReplicas: 2,
          maxReplicas: 8,
        },
      },
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: meta(name, ns),
        spec: {
          ...(i % 9 === 4 ? { minAvailable: 2 } : { maxUnavailable: 1 }),
          selector: { matchLabels: labels },
        },
      },
      ...(i % 3 === 0
        ? []
        : [
            {
              apiVersion: 'networking.k8s.io/v1',
              kind: 'NetworkPolicy',
              metadata: meta(name, ns),
              spec: {
                podSelector: { matchLabels: labels },
                policyTypes: ['Ingress'],
                ingress: [{ ports: [{ port: 8080 }] }],
              },
            },
          ]),
    );
  }
  return objects;
}

/** A service mesh's sample app: versions of one service side by side, each its own Deployment. */
function bookinfo(ns: string): Obj[] {
  const objects: Obj[] = [namespace(ns)];
  for (const [app, versions] of [
    ['productpage', 1],
    ['details', 1],
    ['ratings', 1],
    ['reviews', 3],
  ] as const) {
    objects.push(serviceAccount(`bookinfo-${app}`, ns), service(app, ns, 9080, {}, { app }));
    for (let v = 1; v <= versions; v++)
      objects.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(`${app}-v${v}`, ns, { app, version: `v${v}` }),
        spec: {
          replicas: 1,
          selector: { matchLabels: { app, version: `v${v}` } },
          template: {
            metadata: { labels: { app, version: `v${v}` } },
            spec: {
              serviceAccountName: `bookinfo-${app}`,
              containers: [
                container(app, {
                  image: `docker.io/istio/examples-bookinfo-${app}-v${v}:1.20.1`,
                  port: 9080,
                }),
              ],
              volumes:
                app === 'reviews'
                  ? [
                      { name: 'tmp', emptyDir: {} },
                      { name: 'wlp-output', emptyDir: {} },
                    ]
                  : [],
            },
          },
        },
      });
  }
  return objects;
}

/** Each project's file: name → text. */
export function corpusFiles(copy = 0): Map<string, string> {
  const ns = (base: string) => (copy === 0 ? base : `${base}-${copy}`);
  const yaml = (objects: Obj[]) =>
    objects.map((o) => stringify(o, { aliasDuplicateObjects: false, lineWidth: 0 })).join('---\n');
  return new Map([
    ['demo-shop.yaml', yaml(shop(ns('shop')))],
    ['ingress-nginx.yaml', yaml(ingressController(ns('ingress-nginx')))],
    ['cert-manager.yaml', yaml(certManager(ns('cert-manager')))],
    ['monitoring.yaml', `${yaml(monitoring(ns('monitoring')))}---\n${nodeExporterText(ns('monitoring'))}`],
    ['calico.yaml', yaml(cni(ns('kube-system')))],
    ['kyverno.yaml', yaml(policyEngine(ns('kyverno')))],
    ['argocd.yaml', yaml(gitops(ns('argocd')))],
    ['batch.yaml', yaml(batch(ns('batch')))],
    ['platform.yaml', yaml(platform(ns('platform')))],
    ['bookinfo.yaml', yaml(bookinfo(ns('bookinfo')))],
  ]);
}

/** Writes `copies` copies of the corpus (each in its own namespaces) into `dir`; returns the files written. */
export function writeLintCorpus(dir: string, copies = 1): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let copy = 0; copy < copies; copy++)
    for (const [name, text] of corpusFiles(copy)) {
      const file = join(dir, copies === 1 ? name : `${copy}-${name}`);
      writeFileSync(file, text);
      files.push(file);
    }
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = writeLintCorpus(process.argv[2] ?? 'lint-corpus', Number(process.argv[3] ?? 1));
  console.log(`wrote ${files.length} files`);
}
