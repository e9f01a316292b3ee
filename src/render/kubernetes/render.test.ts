import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadSpec } from '../../spec/load.ts';
import type { AppModel } from '../../spec/model.ts';
import { canarySplit } from './canary-split.ts';
import { compareObjects, type K8sObject, KIND_ORDER, renderKubernetes, validateObject } from './index.ts';
import { restrictedViolations } from './pod-security.ts';
import type { RenderOptions } from './types.ts';

const SPEC = new URL('../../../examples/shop/gantry.yaml', import.meta.url);
const text = readFileSync(SPEC, 'utf8');
const ENVS = ['dev', 'staging', 'prod'] as const;

function model(env: string): AppModel {
  const result = loadSpec(text, { file: 'examples/shop/gantry.yaml', env, target: 'cluster' });
  assert.ok(result.ok, JSON.stringify(result.problems));
  return result.model;
}

function render(env: string, options: RenderOptions = {}) {
  return renderKubernetes(model(env), options);
}

// biome-ignore lint/suspicious/noExplicitAny: tests walk rendered objects by known paths
type Json = Record<string, any>;
const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind) as Json[];
const named = (objects: K8sObject[], kind: string, name: string) => {
  const found = ofKind(objects, kind).find((o) => o.metadata.name === name);
  assert.ok(found, `${kind} ${name} rendered`);
  return found;
};
const podSpec = (deployment: Json) => deployment.spec.template.spec as Json;
const container = (deployment: Json) => podSpec(deployment).containers[0] as Json;

describe('renderKubernetes on the example, every environment', () => {
  for (const env of ENVS) {
    describe(env, () => {
      const m = model(env);
      const { objects } = renderKubernetes(m);

      it('gives every Deployment the spec’s probes, exactly', () => {
        const deployments = ofKind(objects, 'Deployment');
        assert.ok(deployments.length >= 2);
        for (const deployment of deployments) {
          const service = m.services[deployment.metadata.labels['app.kubernetes.io/component']]!;
          const c = container(deployment);
          for (const [kind, field] of [
            ['liveness', 'livenessProbe'],
            ['readiness', 'readinessProbe'],
            ['startup', 'startupProbe'],
          ] as const) {
            const spec = service.health[kind];
            if (!spec) {
              assert.equal(c[field], undefined, `${deployment.metadata.name} has no ${field}`);
              continue;
            }
            assert.deepEqual(c[field], {
              httpGet: { path: spec.path, port: 'http' },
              initialDelaySeconds: spec.initialDelaySeconds,
              periodSeconds: spec.periodSeconds,
              timeoutSeconds: spec.timeoutSeconds,
              successThreshold: spec.successThreshold,
              failureThreshold: spec.failureThreshold,
            });
          }
        }
        const api = ofKind(objects, 'Deployment').find(
          (d) => d.metadata.labels['app.kubernetes.io/component'] === 'api',
        )!;
        assert.deepEqual(container(api).startupProbe.httpGet, { path: '/health/startup', port: 'http' });
        assert.equal(container(api).startupProbe.failureThreshold, 30);
        assert.equal(container(api).readinessProbe.periodSeconds, 5);
      });

      it('runs every pod under the restricted profile with a writable /tmp only', () => {
        // Backing pods too: the Namespace enforces the profile.
        for (const statefulSet of ofKind(objects, 'StatefulSet'))
          assert.deepEqual(
            restrictedViolations(statefulSet.spec.template.spec),
            [],
            statefulSet.metadata.name,
          );
        for (const deployment of ofKind(objects, 'Deployment')) {
          const spec = podSpec(deployment);
          assert.deepEqual(restrictedViolations(spec, { readOnlyRoot: true }), [], deployment.metadata.name);
          assert.deepEqual(spec.securityContext, {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            fsGroup: 10001,
            seccompProfile: { type: 'RuntimeDefault' },
          });
          assert.equal(spec.automountServiceAccountToken, false);
          assert.equal(spec.serviceAccountName, deployment.metadata.labels['app.kubernetes.io/component']);
          named(objects, 'ServiceAccount', spec.serviceAccountName);
          const tmp = spec.volumes.find((v: Json) => v.emptyDir);
          assert.ok(tmp, 'an emptyDir volume');
          assert.deepEqual(container(deployment).volumeMounts, [{ name: tmp.name, mountPath: '/tmp' }]);
        }
      });

      it('passes secrets by reference only, and listens on all interfaces', () => {
        for (const deployment of ofKind(objects, 'Deployment')) {
          const service = m.services[deployment.metadata.labels['app.kubernetes.io/component']]!;
          const env = container(deployment).env as Json[];
          for (const secret of service.secrets) {
            const variable = env.find((e) => e.name === secret);
            assert.ok(variable, `${secret} in ${deployment.metadata.name}`);
            assert.equal(variable.value, undefined);
            assert.deepEqual(variable.valueFrom, {
              secretKeyRef: { name: `shop-${service.name}-secrets`, key: secret },
            });
          }
          assert.deepEqual(
            env.find((e) => e.name === 'HOST'),
            { name: 'HOST', value: '0.0.0.0' },
          );
          assert.deepEqual(
            env.find((e) => e.name === 'PORT'),
            { name: 'PORT', value: String(service.port) },
          );
          assert.deepEqual(container(deployment).envFrom, [
            { configMapRef: { name: `${service.name}-config` } },
          ]);
          const config = named(objects, 'ConfigMap', `${service.name}-config`);
          assert.equal(config.data.LOG_LEVEL, service.env.LOG_LEVEL);
          for (const secret of service.secrets) assert.equal(config.data[secret], undefined);
        }
      });

      it('labels every object and puts it in the namespace', () => {
        for (const object of objects) {
          const labels = object.metadata.labels ?? {};
          for (const key of ['name', 'instance', 'version', 'component', 'part-of', 'managed-by'])
            assert.ok(labels[`app.kubernetes.io/${key}`], `${object.kind} ${object.metadata.name}: ${key}`);
          assert.equal(labels['app.kubernetes.io/part-of'], 'shop');
          assert.equal(object.metadata.namespace, m.namespace, `${object.kind} ${object.metadata.name}`);
        }
        for (const deployment of ofKind(objects, 'Deployment'))
          assert.equal(deployment.metadata.labels['app.kubernetes.io/version'], '1.4.2');
      });

      it('denies all traffic by default and allows DNS', () => {
        const deny = named(objects, 'NetworkPolicy', 'shop-default-deny');
        assert.deepEqual(deny.spec, {
          podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'shop' } },
          policyTypes: ['Ingress', 'Egress'],
        });
        for (const service of Object.values(m.services)) {
          const policy = named(objects, 'NetworkPolicy', service.name);
          assert.deepEqual(policy.spec.policyTypes, ['Ingress', 'Egress']);
          assert.ok(
            policy.spec.egress.some(
              (rule: Json) =>
                rule.to[0].namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'kube-system' &&
                JSON.stringify(rule.ports) ===
                  JSON.stringify([
                    { protocol: 'UDP', port: 53 },
                    { protocol: 'TCP', port: 53 },
                  ]),
            ),
            `${service.name} may resolve names`,
          );
        }
      });

      it('routes the api through an Ingress with TLS and a rate limit', () => {
        const ingress = named(objects, 'Ingress', 'api');
        assert.equal(ingress.spec.ingressClassName, 'nginx');
        assert.equal(ingress.metadata.annotations['nginx.ingress.kubernetes.io/limit-rps'], '50');
        assert.deepEqual(ingress.spec.tls, [
          { hosts: ['shop.example.com'], secretName: 'shop-example-com-tls' },
        ]);
        assert.deepEqual(ingress.spec.rules, [
          {
            host: 'shop.example.com',
            http: {
              paths: [
                {
                  path: '/api',
                  pathType: 'Prefix',
                  backend: { service: { name: 'api', port: { name: 'http' } } },
                },
              ],
            },
          },
        ]);
        assert.equal(ofKind(objects, 'Ingress').length, 1, 'the worker has no routes');
      });

      it('is deterministic and sorted by kind, then name', () => {
        const again = render(env);
        assert.deepEqual(again.objects, objects);
        assert.equal(JSON.stringify(again.objects), JSON.stringify(objects));
        assert.deepEqual([...objects].sort(compareObjects), objects);
        const ranks = objects.map((o) => (KIND_ORDER as readonly string[]).indexOf(o.kind));
        assert.ok(!ranks.includes(-1));
        assert.deepEqual(
          ranks,
          [...ranks].sort((a, b) => a - b),
        );
      });

      it('passes the OpenAPI schema of every kind', () => {
        for (const object of objects) assert.doesNotThrow(() => validateObject(object));
      });
    });
  }
});

describe('autoscaling and disruption budgets', () => {
  it('has no HPA in dev, 3–5 in staging and 3–10 in prod, with cpu, memory and rps', () => {
    assert.equal(ofKind(render('dev').objects, 'HorizontalPodAutoscaler').length, 0);
    for (const [env, max, target] of [
      ['staging', 5, 'api-blue'],
      ['prod', 10, 'api'],
    ] as const) {
      const hpa = named(render(env).objects, 'HorizontalPodAutoscaler', 'api');
      assert.equal(hpa.apiVersion, 'autoscaling/v2');
      assert.equal(hpa.spec.minReplicas, 3);
      assert.equal(hpa.spec.maxReplicas, max);
      assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: target });
      assert.deepEqual(hpa.spec.metrics, [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
        {
          type: 'Resource',
          resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } },
        },
        {
          type: 'Pods',
          pods: {
            metric: { name: 'http_requests_per_second' },
            target: { type: 'AverageValue', averageValue: '1000' },
          },
        },
      ]);
      // The spec's scaleDown over the defaults; scaleUp fast, written out.
      assert.deepEqual(hpa.spec.behavior, {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: 'Max',
          policies: [
            { type: 'Percent', value: 100, periodSeconds: 15 },
            { type: 'Pods', value: 4, periodSeconds: 15 },
          ],
        },
        scaleDown: {
          stabilizationWindowSeconds: 300,
          selectPolicy: 'Max',
          policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
        },
      });
      const scaled = named(render(env).objects, 'Deployment', target);
      assert.equal(scaled.spec.replicas, undefined, 'the HPA owns the replicas');
    }
  });

  it('renders budgets in prod that always allow a disruption', () => {
    const { objects } = render('prod');
    const api = named(objects, 'PodDisruptionBudget', 'api');
    assert.equal(api.apiVersion, 'policy/v1');
    assert.equal(api.spec.minAvailable, 2);
    assert.ok(api.spec.minAvailable < model('prod').services.api!.autoscale!.min);
    assert.deepEqual(api.spec.selector.matchLabels, {
      'app.kubernetes.io/name': 'api',
      'app.kubernetes.io/instance': 'shop-api',
    });
    const worker = named(objects, 'PodDisruptionBudget', 'worker');
    assert.equal(worker.spec.maxUnavailable, 1);
  });

  it('renders no budget for a single replica', () => {
    const names = ofKind(render('dev').objects, 'PodDisruptionBudget').map((p) => p.metadata.name);
    assert.ok(!names.includes('api') && !names.includes('worker'));
  });

  it('defaults to minAvailable 1 for two replicas without a disruption spec', () => {
    const m = model('prod');
    m.services.worker = { ...m.services.worker!, disruption: undefined };
    const pdb = named(renderKubernetes(m).objects, 'PodDisruptionBudget', 'worker');
    assert.equal(pdb.spec.minAvailable, 1);
  });
});

describe('IRSA', () => {
  it("names the role gantry infra creates (<app>-<env>-<service>) on the ServiceAccount of a service with iam, in the environment's account", () => {
    const { objects } = render('prod');
    assert.deepEqual(named(objects, 'ServiceAccount', 'worker').metadata.annotations, {
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/shop-prod-worker',
    });
    assert.equal(named(objects, 'ServiceAccount', 'api').metadata.annotations, undefined, 'api has no iam');
  });

  it('without an account id the ServiceAccount has no role, and a note says which setting names it', () => {
    const { objects, notes } = render('dev');
    assert.equal(named(objects, 'ServiceAccount', 'worker').metadata.annotations, undefined);
    assert.ok(
      notes.some(
        (n) =>
          n.message.includes('IRSA role shop-dev-worker') &&
          n.message.includes('environments.dev.aws.accountId'),
      ),
      JSON.stringify(notes),
    );
  });
});

describe('network policies', () => {
  const { objects } = render('prod');
  it('lets the ingress controller and the worker reach the api on its port', () => {
    const ingress = named(objects, 'NetworkPolicy', 'api').spec.ingress as Json[];
    assert.deepEqual(ingress, [
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
        ports: [{ protocol: 'TCP', port: 8000 }],
      },
      {
        from: [
          {
            podSelector: {
              matchLabels: {
                'app.kubernetes.io/name': 'worker',
                'app.kubernetes.io/instance': 'shop-worker',
              },
            },
          },
        ],
        ports: [{ protocol: 'TCP', port: 8000 }],
      },
    ]);
    assert.equal(
      named(objects, 'NetworkPolicy', 'worker').spec.ingress,
      undefined,
      'nobody calls the worker',
    );
  });

  it('lets services reach only what they use', () => {
    const worker = named(objects, 'NetworkPolicy', 'worker').spec.egress as Json[];
    assert.deepEqual(worker.slice(0, 2), [
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 5432 }] }, // managed db
      {
        to: [
          {
            podSelector: {
              matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'shop-api' },
            },
          },
        ],
        ports: [{ protocol: 'TCP', port: 8000 }],
      },
    ]);
    const api = named(objects, 'NetworkPolicy', 'api').spec.egress as Json[];
    assert.deepEqual(api[1], {
      to: [
        {
          podSelector: {
            matchLabels: { 'app.kubernetes.io/name': 'cache', 'app.kubernetes.io/part-of': 'shop' },
          },
        },
      ],
      ports: [{ protocol: 'TCP', port: 6379 }],
    });
    assert.equal(api.length, 3, 'db, cache and DNS');
  });

  it('lets a service with iam statements reach the AWS APIs over HTTPS; one without cannot', () => {
    const https = { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] };
    const worker = named(objects, 'NetworkPolicy', 'worker').spec.egress as Json[];
    assert.deepEqual(worker[2], https, 'the worker writes invoices to S3 (iam in the example)');
    const api = named(objects, 'NetworkPolicy', 'api').spec.egress as Json[];
    assert.ok(!api.some((rule) => JSON.stringify(rule) === JSON.stringify(https)));
  });

  it('lets the users of an in-cluster backing service in, selecting the backing pods by their labels', () => {
    const cache = named(objects, 'NetworkPolicy', 'cache-clients');
    const statefulSet = named(objects, 'StatefulSet', 'shop-cache');
    const podLabels = statefulSet.spec.template.metadata.labels as Record<string, string>;
    for (const [key, value] of Object.entries(cache.spec.podSelector.matchLabels as Record<string, string>))
      assert.equal(podLabels[key], value, `backing pods carry ${key}`);
    assert.deepEqual(cache.spec.ingress[0].ports, [{ protocol: 'TCP', port: 6379 }]);
    assert.equal(cache.spec.ingress[0].from.length, 1, 'only the api uses the cache');
  });
});

describe('release strategies', () => {
  it('blue-green: the active colour at full size (or the HPA’s), the idle one at 0, the Service selects the active one', () => {
    const blue = render('staging').objects;
    const [b, g] = [named(blue, 'Deployment', 'api-blue'), named(blue, 'Deployment', 'api-green')];
    assert.equal(b.spec.selector.matchLabels.version, 'blue');
    assert.equal(b.spec.template.metadata.labels.version, 'blue');
    assert.equal(g.spec.selector.matchLabels.version, 'green');
    assert.equal(b.spec.replicas, undefined, 'the HPA scales the active colour');
    assert.equal(g.spec.replicas, 0, 'a release brings the idle colour up when it needs it');
    assert.equal(named(blue, 'Service', 'api').spec.selector.version, 'blue');
    assert.ok(!ofKind(blue, 'Deployment').some((d) => d.metadata.name === 'api'));

    const green = render('staging', { active: 'green' }).objects;
    assert.equal(named(green, 'Service', 'api').spec.selector.version, 'green');
    assert.equal(named(green, 'HorizontalPodAutoscaler', 'api').spec.scaleTargetRef.name, 'api-green');
    assert.equal(named(green, 'Deployment', 'api-blue').spec.replicas, 0);
    assert.equal(named(green, 'Deployment', 'api-green').spec.replicas, undefined);

    const fixed = model('staging');
    fixed.services.api!.autoscale = undefined;
    const unscaled = renderKubernetes(fixed, { active: 'green' }).objects;
    assert.equal(named(unscaled, 'Deployment', 'api-green').spec.replicas, 3, "no HPA: the spec's replicas");
    assert.equal(named(unscaled, 'Deployment', 'api-blue').spec.replicas, 0);
  });

  it('rolling: one Deployment with the spec’s surge, unavailability and deadlines', () => {
    const api = named(render('dev').objects, 'Deployment', 'api');
    assert.deepEqual(api.spec.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 },
    });
    assert.equal(api.spec.replicas, 1);
    assert.equal(api.spec.minReadySeconds, 2);
    assert.equal(api.spec.progressDeadlineSeconds, 120);
    assert.equal(api.spec.revisionHistoryLimit, 5);
    assert.deepEqual(container(api).lifecycle, { preStop: { exec: { command: ['sleep', '5'] } } });
    assert.equal(podSpec(api).terminationGracePeriodSeconds, 35, 'preStop + grace period from SIGTERM');
  });

  it('canary: stable and canary tracks behind one Service, sized for the first weight', () => {
    const { objects, notes } = render('prod');
    const stable = named(objects, 'Deployment', 'api');
    const canary = named(objects, 'Deployment', 'api-canary');
    assert.equal(stable.spec.selector.matchLabels.track, 'stable');
    assert.equal(canary.spec.selector.matchLabels.track, 'canary');
    assert.equal(stable.spec.replicas, undefined, 'the HPA scales the stable track');
    assert.equal(canary.spec.replicas, 1);
    assert.equal(named(objects, 'Service', 'api').spec.selector.track, undefined, 'both tracks take traffic');
    assert.ok(notes.some((n) => n.message.includes('--traffic gateway')));
  });

  it('canary without an HPA splits the replicas by weight', () => {
    const m = model('prod');
    m.services.api = { ...m.services.api!, autoscale: undefined, replicas: 10 };
    const { objects } = renderKubernetes(m, { canaryWeight: 30 });
    assert.equal(named(objects, 'Deployment', 'api').spec.replicas, 7);
    assert.equal(named(objects, 'Deployment', 'api-canary').spec.replicas, 3);
  });

  it('canary with --traffic gateway: exact weights through an HTTPRoute', () => {
    const { objects, notes } = render('prod', { traffic: 'gateway', canaryWeight: 25 });
    const route = named(objects, 'HTTPRoute', 'api');
    assert.equal(route.apiVersion, 'gateway.networking.k8s.io/v1');
    assert.deepEqual(route.spec.parentRefs, [{ name: 'shop' }]);
    assert.deepEqual(route.spec.hostnames, ['shop.example.com']);
    const refs = route.spec.rules[0].backendRefs as Json[];
    assert.deepEqual(
      refs.map((r) => [r.name, r.weight]),
      [
        ['api-stable', 75],
        ['api-canary', 25],
      ],
    );
    assert.equal(
      refs.reduce((sum, r) => sum + r.weight, 0),
      100,
    );
    for (const ref of refs) named(objects, 'Service', ref.name);
    assert.equal(named(objects, 'Service', 'api-canary').spec.selector.track, 'canary');
    assert.equal(ofKind(objects, 'Ingress').length, 0, 'the HTTPRoute replaces the Ingress');
    assert.ok(notes.some((n) => n.message.includes('Gateway named `shop`')));
  });
});

describe('canarySplit', () => {
  const rows: [string, number, number, { stable: number; canary: number }][] = [
    ['10 replicas at 10 %', 10, 10, { stable: 9, canary: 1 }],
    ['3 replicas at 10 %: at least one canary', 3, 10, { stable: 2, canary: 1 }],
    ['4 replicas at 50 %', 4, 50, { stable: 2, canary: 2 }],
    ['1 replica keeps a stable pod until 100 %', 1, 50, { stable: 1, canary: 1 }],
    ['100 % is all canary', 4, 100, { stable: 0, canary: 4 }],
  ];
  for (const [name, total, weight, expected] of rows)
    it(name, () => {
      const split = canarySplit(total, weight);
      assert.deepEqual({ stable: split.stable, canary: split.canary }, expected);
    });
});

describe('secrets', () => {
  it('never writes a secret value, even when it is in the environment', () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgres://user:SUPERSECRET@x';
    try {
      for (const env of ENVS) {
        for (const options of [{}, { traffic: 'gateway' as const }, { namespace: 'elsewhere' }]) {
          const result = render(env, options);
          assert.ok(!JSON.stringify(result).includes('SUPERSECRET'));
        }
      }
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });

  it('renders an ExternalSecret per service that fills the Secret the pods read', () => {
    const { objects, notes } = render('prod');
    const api = named(objects, 'ExternalSecret', 'shop-api-secrets');
    assert.deepEqual(api.spec, {
      refreshInterval: '1h',
      secretStoreRef: { name: 'aws-secrets-manager', kind: 'SecretStore' },
      target: { name: 'shop-api-secrets', creationPolicy: 'Owner' },
      data: [
        { secretKey: 'DATABASE_URL', remoteRef: { key: 'shop/api/DATABASE_URL' } },
        { secretKey: 'PAYMENT_API_KEY', remoteRef: { key: 'shop/api/PAYMENT_API_KEY' } },
      ],
    });
    assert.ok(notes.some((n) => n.message.includes('External Secrets Operator')));
  });

  it('without external-secrets, tells the user which Secret to create', () => {
    const m = model('prod');
    m.secrets = { provider: 'kubernetes', storeKind: 'SecretStore' };
    const { objects, notes } = renderKubernetes(m);
    assert.equal(ofKind(objects, 'ExternalSecret').length, 0);
    assert.ok(
      notes.some((n) =>
        n.message.includes(
          "kubectl create secret generic shop-api-secrets -n shop-prod --from-literal=DATABASE_URL='…' --from-literal=PAYMENT_API_KEY='…'",
        ),
      ),
      JSON.stringify(notes),
    );
  });
});

describe('namespace', () => {
  it('renders the Namespace only when asked, and moves every object into it', () => {
    assert.equal(ofKind(render('prod').objects, 'Namespace').length, 0);
    const { objects } = render('prod', { namespace: 'team-a' });
    const [namespace, ...rest] = objects;
    assert.equal(namespace!.kind, 'Namespace');
    assert.equal(namespace!.metadata.name, 'team-a');
    assert.equal(namespace!.metadata.namespace, undefined);
    assert.equal(namespace!.metadata.labels!['pod-security.kubernetes.io/enforce'], 'restricted');
    for (const object of rest) assert.equal(object.metadata.namespace, 'team-a');
  });
});

describe('validateObject', () => {
  it('reports a broken object with its kind and name', () => {
    const deployment = structuredClone(named(render('prod').objects, 'Deployment', 'api')) as K8sObject;
    (deployment.spec as Json).replicas = 'three';
    assert.throws(
      () => validateObject(deployment),
      /Deployment shop-prod\/api does not match the apps\/v1\/Deployment schema/,
    );
  });
});

describe('restrictedViolations', () => {
  it('names every field a privileged pod gets wrong', () => {
    const problems = restrictedViolations({
      hostNetwork: true,
      volumes: [{ name: 'host', hostPath: { path: '/' } }],
      containers: [
        { name: 'app', securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } },
      ],
    });
    assert.deepEqual(problems, [
      'spec.hostNetwork must not be true',
      'volume host: type hostPath is not allowed',
      'container app: privileged must not be true',
      'container app: allowPrivilegeEscalation must be false',
      'container app: runAsNonRoot must be true (pod or container)',
      'container app: seccompProfile.type must be RuntimeDefault or Localhost (pod or container)',
      'container app: capabilities.drop must include ALL',
      'container app: capabilities.add may only hold NET_BIND_SERVICE, not SYS_ADMIN',
    ]);
  });
});
