/**
 * Cross-object rules: each row is a small set of tutorial-style manifests (one replica, no probes,
 * :latest, root, passwords in env) linted together, with the exact findings of one rule, written
 * `Kind/name: message`. Then every workload kind, the namespaces rule, a guestbook-like bundle
 * under all the rules, malformed sets, and a 20,000-object set.
 */
import assert from 'node:assert/strict';
import { describe as group, it } from 'node:test';
import { type KubeObject, type LocatedObject, parseManifests } from '../input.ts';
import { describe } from '../object-set.ts';
import type { Rule } from '../rule.ts';
import { WORKLOAD_KINDS } from '../workload.ts';
import { CROSS_OBJECT_RULES } from './cross-object.ts';

const byId = (id: string): Rule => {
  const rule = CROSS_OBJECT_RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule;
};

/** Every finding of the rules over the set, in input order. */
function lintSet(rules: readonly Rule[], objects: readonly LocatedObject[]): string[] {
  const context = { objects };
  return objects.flatMap(({ object }) =>
    rules.flatMap((rule) => rule.check(object, context).map((v) => `${describe(object)}: ${v.message}`)),
  );
}

const lint = (rules: readonly Rule[], yaml: string) =>
  lintSet(rules, parseManifests('set.yaml', yaml).objects);

/** The tutorial Deployment: one replica, `:latest`, root, a password in env. */
const deployment = (name: string, extra = '') => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:${extra}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: ${name}
          image: nginx:latest
          ports:
            - containerPort: 80
          env:
            - name: DB_PASSWORD
              value: hunter2
`;

const statefulSet = (name: string, extra = '') => `
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${name}
spec:${extra}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: ${name}
          image: postgres
          env:
            - name: POSTGRES_PASSWORD
              value: postgres
`;

const hpa = (
  name: string,
  target: string,
  spec = 'minReplicas: 2\n  maxReplicas: 5',
  kind = 'Deployment',
) => `
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: ${kind}
    name: ${target}
  ${spec}
`;

const pdb = (name: string, spec: string) => `
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
spec:
  ${spec}
`;

const service = (name: string, spec: string) => `
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  ${spec}
  ports:
    - port: 80
`;

const docs = (...parts: string[]) => parts.join('---\n');

/** What `kubectl get deploy,rs,pods -o yaml` adds: a ReplicaSet and Pods that a controller owns. */
const owned = (kind: string, name: string, owner: string, extra = '') => `
apiVersion: ${kind === 'Pod' ? 'v1' : 'apps/v1'}
kind: ${kind}
metadata:
  name: ${name}
  labels: { app: web }
  ownerReferences: [{ apiVersion: apps/v1, kind: ${kind === 'Pod' ? 'ReplicaSet' : 'Deployment'}, name: ${owner}, uid: 1, controller: true }]
spec:${extra}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx }] }
`;

interface Row {
  name: string;
  rule: string;
  yaml: string;
  findings: string[];
}

const rows: Row[] = [
  // replicas-with-hpa
  {
    name: 'replicas set while an HPA scales the Deployment',
    rule: 'replicas-with-hpa',
    yaml: docs(deployment('web', '\n  replicas: 3'), hpa('web', 'web')),
    findings: [
      'Deployment/web: replicas: 3 is set, but HorizontalPodAutoscaler web scales it: every apply resets the count',
    ],
  },
  {
    name: 'replicas left to the HPA, or no HPA',
    rule: 'replicas-with-hpa',
    yaml: docs(deployment('web'), hpa('web', 'web'), deployment('api', '\n  replicas: 3')),
    findings: [],
  },
  // single-replica
  {
    name: 'replicas: 1',
    rule: 'single-replica',
    yaml: deployment('web', '\n  replicas: 1'),
    findings: ['Deployment/web: replicas: 1 and no HorizontalPodAutoscaler scales it'],
  },
  {
    name: 'replicas not set',
    rule: 'single-replica',
    yaml: docs(statefulSet('db'), deployment('web', '\n  replicas: 3')),
    findings: ['StatefulSet/db: replicas is not set (1) and no HorizontalPodAutoscaler scales it'],
  },
  {
    name: 'an HPA scales it',
    rule: 'single-replica',
    yaml: docs(deployment('web', '\n  replicas: 1'), hpa('web', 'web')),
    findings: [],
  },
  {
    name: 'the HPA names another kind',
    rule: 'single-replica',
    yaml: docs(deployment('web'), hpa('web', 'web', undefined, 'StatefulSet')),
    findings: ['Deployment/web: replicas is not set (1) and no HorizontalPodAutoscaler scales it'],
  },
  {
    name: 'switched off (replicas: 0) or templated',
    rule: 'single-replica',
    yaml: docs(
      deployment('off', '\n  replicas: 0'),
      deployment('helm', '\n  replicas: "{{ .Values.replicas }}"'),
    ),
    findings: [],
  },
  {
    name: 'a cluster dump: the controlled ReplicaSet is judged through its Deployment',
    rule: 'single-replica',
    yaml: docs(
      deployment('web', '\n  replicas: 1'),
      owned('ReplicaSet', 'web-5d9c', 'web', '\n  replicas: 1'),
    ),
    findings: ['Deployment/web: replicas: 1 and no HorizontalPodAutoscaler scales it'],
  },
  // missing-pdb
  {
    name: 'three replicas, no PDB',
    rule: 'missing-pdb',
    yaml: deployment('web', '\n  replicas: 3'),
    findings: ['Deployment/web: 3 replicas and no PodDisruptionBudget selects its pods (app=web)'],
  },
  {
    name: 'the PDB selects other pods',
    rule: 'missing-pdb',
    yaml: docs(
      deployment('web', '\n  replicas: 2'),
      pdb('web', 'maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: api'),
    ),
    findings: ['Deployment/web: 2 replicas and no PodDisruptionBudget selects its pods (app=web)'],
  },
  {
    name: 'an HPA keeps three, no PDB',
    rule: 'missing-pdb',
    yaml: docs(deployment('web'), hpa('web', 'web', 'minReplicas: 3\n  maxReplicas: 6')),
    findings: [
      'Deployment/web: an HPA keeps at least 3 replicas and no PodDisruptionBudget selects its pods (app=web)',
    ],
  },
  {
    name: 'the HPA may go down to one (it overrides replicas)',
    rule: 'missing-pdb',
    yaml: docs(deployment('web', '\n  replicas: 3'), hpa('web', 'web', 'maxReplicas: 6')),
    findings: [],
  },
  {
    name: 'a PDB with matchLabels',
    rule: 'missing-pdb',
    yaml: docs(
      deployment('web', '\n  replicas: 3'),
      pdb('web', 'maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: web'),
    ),
    findings: [],
  },
  {
    name: 'a PDB with matchExpressions',
    rule: 'missing-pdb',
    yaml: docs(
      statefulSet('db', '\n  replicas: 3'),
      pdb(
        'db',
        'minAvailable: 2\n  selector:\n    matchExpressions:\n      - { key: app, operator: In, values: [db, cache] }',
      ),
    ),
    findings: [],
  },
  {
    name: 'one replica needs no PDB',
    rule: 'missing-pdb',
    yaml: deployment('web'),
    findings: [],
  },
  // pdb-blocks-eviction
  {
    name: 'maxUnavailable: 0',
    rule: 'pdb-blocks-eviction',
    yaml: docs(
      deployment('web', '\n  replicas: 3'),
      pdb('web', 'maxUnavailable: 0\n  selector: { matchLabels: { app: web } }'),
    ),
    findings: ['PodDisruptionBudget/web: maxUnavailable: 0 allows no voluntary disruption'],
  },
  {
    name: 'maxUnavailable: 0% and minAvailable: 100%',
    rule: 'pdb-blocks-eviction',
    yaml: docs(
      pdb('a', 'maxUnavailable: "0%"\n  selector: { matchLabels: { app: web } }'),
      pdb('b', 'minAvailable: "100%"\n  selector: { matchLabels: { app: web } }'),
    ),
    findings: [
      'PodDisruptionBudget/a: maxUnavailable: 0% allows no voluntary disruption',
      'PodDisruptionBudget/b: minAvailable: 100% allows no voluntary disruption',
    ],
  },
  {
    name: 'minAvailable: 1 over the tutorial single replica',
    rule: 'pdb-blocks-eviction',
    yaml: docs(deployment('web'), pdb('web', 'minAvailable: 1\n  selector: { matchLabels: { app: web } }')),
    findings: [
      'PodDisruptionBudget/web: minAvailable: 1 with 1 replica of Deployment/web: no pod may be evicted',
    ],
  },
  {
    name: 'minAvailable ≥ the pods of all the workloads it selects together',
    rule: 'pdb-blocks-eviction',
    yaml: docs(
      deployment('web', '\n  replicas: 2'),
      statefulSet('db', '\n  replicas: 3'),
      pdb('all', 'minAvailable: 5\n  selector: {}'),
      pdb('room', 'minAvailable: 4\n  selector: {}'),
    ),
    findings: [
      'PodDisruptionBudget/all: minAvailable: 5 with 5 replicas of Deployment/web, StatefulSet/db: no pod may be evicted',
    ],
  },
  {
    name: 'a percentage rounds up',
    rule: 'pdb-blocks-eviction',
    yaml: docs(
      deployment('one'),
      deployment('three', '\n  replicas: 3'),
      pdb(
        'one',
        'minAvailable: "50%"\n  selector: { matchExpressions: [{ key: app, operator: In, values: [one] }] }',
      ),
      pdb('three', 'minAvailable: "50%"\n  selector: { matchLabels: { app: three } }'),
    ),
    findings: [
      'PodDisruptionBudget/one: minAvailable: 50% with 1 replica of Deployment/one: no pod may be evicted',
    ],
  },
  {
    name: 'a canary next to the stable pods: the budget counts both',
    rule: 'pdb-blocks-eviction',
    yaml: docs(
      deployment('api', '\n  replicas: 2'),
      deployment('api-canary', '\n  replicas: 1')
        .replace('app: api-canary', 'app: api')
        .replace('app: api-canary', 'app: api'),
      pdb('api', 'minAvailable: 2\n  selector: { matchLabels: { app: api } }'),
    ),
    findings: [],
  },
  {
    name: 'a cluster dump: the ReplicaSet and Pods count through their Deployment',
    rule: 'pdb-blocks-eviction',
    yaml: docs(
      deployment('web', '\n  replicas: 2'),
      owned('ReplicaSet', 'web-5d9c', 'web', '\n  replicas: 2'),
      owned('Pod', 'web-5d9c-a', 'web-5d9c'),
      owned('Pod', 'web-5d9c-b', 'web-5d9c'),
      pdb('web', 'minAvailable: 2\n  selector: { matchLabels: { app: web } }'),
    ),
    findings: [
      'PodDisruptionBudget/web: minAvailable: 2 with 2 replicas of Deployment/web: no pod may be evicted',
    ],
  },
  {
    name: 'a DaemonSet’s pod count is unknown',
    rule: 'pdb-blocks-eviction',
    yaml: docs(
      deployment('agent').replace('kind: Deployment', 'kind: DaemonSet'),
      pdb('agent', 'minAvailable: 1\n  selector: { matchLabels: { app: agent } }'),
    ),
    findings: [],
  },
  {
    name: 'a bare Pod is one replica',
    rule: 'pdb-blocks-eviction',
    yaml: docs(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\n  labels: { app: debug }\nspec:\n  containers: [{ name: sh, image: busybox }]\n',
      pdb('debug', 'minAvailable: 1\n  selector: { matchLabels: { app: debug } }'),
    ),
    findings: [
      'PodDisruptionBudget/debug: minAvailable: 1 with 1 replica of Pod/debug: no pod may be evicted',
    ],
  },
  {
    name: 'room to evict; HPA-scaled workloads are the next rule’s',
    rule: 'pdb-blocks-eviction',
    yaml: docs(
      deployment('web', '\n  replicas: 3'),
      deployment('api'),
      hpa('api', 'api'),
      pdb('web', 'minAvailable: 2\n  selector: { matchLabels: { app: web } }'),
      pdb('api', 'minAvailable: 2\n  selector: { matchLabels: { app: api } }'),
      pdb('any', 'maxUnavailable: "10%"\n  selector: {}'),
    ),
    findings: [],
  },
  // pdb-min-available-vs-hpa
  {
    name: 'minAvailable equal to the HPA minReplicas',
    rule: 'pdb-min-available-vs-hpa',
    yaml: docs(
      deployment('web'),
      hpa('web', 'web'),
      pdb('web', 'minAvailable: 2\n  selector: { matchLabels: { app: web } }'),
    ),
    findings: [
      'PodDisruptionBudget/web: minAvailable: 2 with 2 pods of Deployment/web when HorizontalPodAutoscaler/web (minReplicas 2) is at its minimum: no pod may be evicted then',
    ],
  },
  {
    name: 'an HPA-scaled Deployment and its canary under one budget',
    rule: 'pdb-min-available-vs-hpa',
    yaml: docs(
      deployment('api'),
      hpa('api', 'api'),
      deployment('api-canary', '\n  replicas: 1')
        .replace('app: api-canary', 'app: api')
        .replace('app: api-canary', 'app: api'),
      pdb('tight', 'minAvailable: 3\n  selector: { matchLabels: { app: api } }'),
      pdb('room', 'minAvailable: 2\n  selector: { matchLabels: { app: api } }'),
    ),
    findings: [
      'PodDisruptionBudget/tight: minAvailable: 3 with 3 pods of Deployment/api, Deployment/api-canary when HorizontalPodAutoscaler/api (minReplicas 2) is at its minimum: no pod may be evicted then',
    ],
  },
  {
    name: 'a percentage against the default minReplicas (1)',
    rule: 'pdb-min-available-vs-hpa',
    yaml: docs(
      deployment('web', '\n  replicas: 4'),
      hpa('web', 'web', 'maxReplicas: 8'),
      pdb('web', 'minAvailable: "50%"\n  selector: { matchLabels: { app: web } }'),
    ),
    findings: [
      'PodDisruptionBudget/web: minAvailable: 50% with 1 pod of Deployment/web when HorizontalPodAutoscaler/web (minReplicas 1) is at its minimum: no pod may be evicted then',
    ],
  },
  {
    name: 'below minReplicas, no HPA, or 100% (pdb-blocks-eviction says it)',
    rule: 'pdb-min-available-vs-hpa',
    yaml: docs(
      deployment('web'),
      hpa('web', 'web', 'minReplicas: 3\n  maxReplicas: 6'),
      pdb('web', 'minAvailable: 2\n  selector: { matchLabels: { app: web } }'),
      deployment('api', '\n  replicas: 2'),
      pdb('api', 'minAvailable: 2\n  selector: { matchLabels: { app: api } }'),
      pdb('all', 'minAvailable: "100%"\n  selector: {}'),
    ),
    findings: [],
  },
  // hpa-replicas
  {
    name: 'minReplicas not set',
    rule: 'hpa-replicas',
    yaml: hpa('web', 'web', 'maxReplicas: 5'),
    findings: ['HorizontalPodAutoscaler/web: minReplicas is not set (1): it may scale down to one pod'],
  },
  {
    name: 'minReplicas = maxReplicas = 1',
    rule: 'hpa-replicas',
    yaml: hpa('web', 'web', 'minReplicas: 1\n  maxReplicas: 1'),
    findings: [
      'HorizontalPodAutoscaler/web: minReplicas: 1: it may scale down to one pod',
      'HorizontalPodAutoscaler/web: minReplicas equals maxReplicas (1): it never scales',
    ],
  },
  {
    name: 'minReplicas = maxReplicas = 3',
    rule: 'hpa-replicas',
    yaml: hpa('web', 'web', 'minReplicas: 3\n  maxReplicas: 3'),
    findings: ['HorizontalPodAutoscaler/web: minReplicas equals maxReplicas (3): it never scales'],
  },
  {
    name: 'minReplicas: 0 (scale to zero)',
    rule: 'hpa-replicas',
    yaml: hpa('web', 'web', 'minReplicas: 0\n  maxReplicas: 3'),
    findings: ['HorizontalPodAutoscaler/web: minReplicas: 0: it may scale down to no pod'],
  },
  {
    name: '2 to 10, or a templated minReplicas',
    rule: 'hpa-replicas',
    yaml: docs(
      hpa('a', 'web', 'minReplicas: 2\n  maxReplicas: 10'),
      hpa('b', 'web', 'minReplicas: "{{ .min }}"'),
    ),
    findings: [],
  },
  // dangling-hpa
  {
    name: 'the HPA targets a Deployment not in the set',
    rule: 'dangling-hpa',
    yaml: docs(deployment('web'), hpa('api', 'api')),
    findings: ['HorizontalPodAutoscaler/api: scaleTargetRef Deployment/api is not in the set'],
  },
  {
    name: 'the HPA names the wrong kind',
    rule: 'dangling-hpa',
    yaml: docs(deployment('web'), hpa('web', 'web', undefined, 'StatefulSet')),
    findings: ['HorizontalPodAutoscaler/web: scaleTargetRef StatefulSet/web is not in the set'],
  },
  {
    name: 'the HPA has no scaleTargetRef',
    rule: 'dangling-hpa',
    yaml: 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: web }\nspec: { maxReplicas: 3 }\n',
    findings: ['HorizontalPodAutoscaler/web: scaleTargetRef does not give a kind and a name'],
  },
  {
    name: 'the HPA targets a workload or a custom resource in the set',
    rule: 'dangling-hpa',
    yaml: docs(
      deployment('web'),
      hpa('web', 'web'),
      'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: { name: canary }\nspec: { replicas: 2 }\n',
      hpa('canary', 'canary', undefined, 'Rollout'),
    ),
    findings: [],
  },
  // dangling-service
  {
    name: 'a typo in the Service selector',
    rule: 'dangling-service',
    yaml: docs(deployment('web'), service('web', 'selector:\n    app: wbe')),
    findings: ['Service/web: selector app=wbe selects no pod template in the set'],
  },
  {
    name: 'the Service selects a Deployment, a CronJob, a bare Pod',
    rule: 'dangling-service',
    yaml: docs(
      deployment('web'),
      service('web', 'selector: { app: web }'),
      'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: report }\nspec:\n  schedule: "0 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        metadata: { labels: { app: report } }\n        spec: { containers: [{ name: report, image: busybox }] }\n',
      service('report', 'selector: { app: report }'),
      'apiVersion: v1\nkind: Pod\nmetadata: { name: debug, labels: { app: debug, version: "1" } }\nspec: { containers: [{ name: sh, image: busybox }] }\n',
      service('debug', 'selector: { version: 1 }'),
    ),
    findings: [],
  },
  {
    name: 'Services without a selector: ExternalName, hand-made Endpoints, {}',
    rule: 'dangling-service',
    yaml: docs(
      'apiVersion: v1\nkind: Service\nmetadata: { name: db }\nspec: { type: ExternalName, externalName: db.example.com, selector: { app: db } }\n',
      service('legacy', 'clusterIP: 10.0.0.10'),
      service('empty', 'selector: {}'),
    ),
    findings: [],
  },
  // dangling-ingress
  {
    name: 'an Ingress path to a missing Service (v1), named twice',
    rule: 'dangling-ingress',
    yaml: docs(
      deployment('web'),
      service('web', 'selector: { app: web }'),
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  defaultBackend:
    service: { name: web, port: { number: 80 } }
  rules:
    - host: shop.example.com
      http:
        paths:
          - { path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }
          - { path: /api, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }
          - { path: /v2, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }
          - { path: /assets, pathType: Prefix, backend: { resource: { apiGroup: k8s.example.com, kind: Bucket, name: assets } } }
`,
    ),
    findings: ['Ingress/web: backend Service api is not in the set'],
  },
  {
    name: 'an old extensions/v1beta1 Ingress (serviceName)',
    rule: 'dangling-ingress',
    yaml: `apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
spec:
  backend: { serviceName: default-http, servicePort: 80 }
  rules:
    - http:
        paths:
          - path: /
            backend: { serviceName: web, servicePort: 80 }
`,
    findings: [
      'Ingress/web: backend Service default-http is not in the set',
      'Ingress/web: backend Service web is not in the set',
    ],
  },
  {
    name: 'every backend Service is in the set; resource backends are skipped',
    rule: 'dangling-ingress',
    yaml: docs(
      service('web', 'selector: { app: web }'),
      service('api', 'selector: { app: api }'),
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  defaultBackend:
    resource: { apiGroup: k8s.example.com, kind: Bucket, name: static }
  rules:
    - http:
        paths:
          - { path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }
          - { path: /api, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }
`,
    ),
    findings: [],
  },
  // dangling-network-policy
  {
    name: 'a NetworkPolicy for pods that are not in the set',
    rule: 'dangling-network-policy',
    yaml: docs(
      deployment('web'),
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: db }\nspec:\n  podSelector: { matchLabels: { app: db } }\n  ingress: [{ from: [{ podSelector: { matchLabels: { app: web } } }] }]\n',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: tiers }\nspec:\n  podSelector: { matchExpressions: [{ key: tier, operator: In, values: [db] }] }\n',
    ),
    findings: [
      'NetworkPolicy/db: podSelector app=db selects no pod template in the set',
      'NetworkPolicy/tiers: podSelector tier in (db) selects no pod template in the set',
    ],
  },
  {
    name: 'a default deny (empty podSelector) and a policy that selects',
    rule: 'dangling-network-policy',
    yaml: docs(
      deployment('web'),
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: default-deny }\nspec: { podSelector: {}, policyTypes: [Ingress] }\n',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: web }\nspec: { podSelector: { matchLabels: { app: web } } }\n',
    ),
    findings: [],
  },
  // dangling-pdb
  {
    name: 'a PDB with a typo, and one without selector',
    rule: 'dangling-pdb',
    yaml: docs(
      statefulSet('db', '\n  replicas: 3'),
      pdb('db', 'minAvailable: 2\n  selector:\n    matchLabels:\n      app: dbb'),
      pdb('none', 'maxUnavailable: 1'),
    ),
    findings: [
      'PodDisruptionBudget/db: selector app=dbb selects no pod template in the set',
      'PodDisruptionBudget/none: has no selector: it selects no pods',
    ],
  },
  {
    name: 'a PDB that selects a StatefulSet',
    rule: 'dangling-pdb',
    yaml: docs(
      statefulSet('db', '\n  replicas: 3'),
      pdb('db', 'minAvailable: 2\n  selector: { matchLabels: { app: db } }'),
    ),
    findings: [],
  },
  // statefulset-without-headless-service
  {
    name: 'no serviceName',
    rule: 'statefulset-without-headless-service',
    yaml: statefulSet('db'),
    findings: ['StatefulSet/db: has no serviceName: its pods get no stable DNS names'],
  },
  {
    name: 'serviceName names nothing',
    rule: 'statefulset-without-headless-service',
    yaml: docs(
      statefulSet('db', '\n  serviceName: postgres'),
      service('db', 'clusterIP: None\n  selector: { app: db }'),
    ),
    findings: ['StatefulSet/db: serviceName postgres names no Service in the set'],
  },
  {
    name: 'the Service is not headless',
    rule: 'statefulset-without-headless-service',
    yaml: docs(statefulSet('db', '\n  serviceName: db'), service('db', 'selector: { app: db }')),
    findings: ['StatefulSet/db: Service db is not headless (clusterIP: None is not set)'],
  },
  {
    name: 'the headless Service selects other pods',
    rule: 'statefulset-without-headless-service',
    yaml: docs(
      statefulSet('db', '\n  serviceName: db'),
      service('db', 'clusterIP: None\n  selector: { app: postgres }'),
    ),
    findings: ['StatefulSet/db: Service db selector app=postgres does not select its pods (app=db)'],
  },
  {
    name: 'a governing headless Service',
    rule: 'statefulset-without-headless-service',
    yaml: docs(
      statefulSet('db', '\n  serviceName: db'),
      service('db', 'clusterIP: None\n  selector: { app: db }'),
    ),
    findings: [],
  },
];

group('cross-object rules: failing and passing sets', () => {
  for (const row of rows)
    it(`${row.rule}: ${row.name}`, () => assert.deepEqual(lint([byId(row.rule)], row.yaml), row.findings));
  it('every rule has a failing and a passing row', () => {
    for (const rule of CROSS_OBJECT_RULES) {
      const own = rows.filter((row) => row.rule === rule.id);
      assert.ok(
        own.some((row) => row.findings.length > 0),
        `${rule.id} has a failing row`,
      );
      assert.ok(
        own.some((row) => row.findings.length === 0),
        `${rule.id} has a passing row`,
      );
    }
  });
});

/** One object of any workload kind, labelled app: web; `replicas` where the kind has it. */
function workloadOf(kind: string, replicas?: number): KubeObject {
  const template = {
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'nginx' }] },
  };
  const spec: Record<string, unknown> =
    kind === 'Pod'
      ? template.spec
      : kind === 'CronJob'
        ? { schedule: '* * * * *', jobTemplate: { spec: { template } } }
        : { template, ...(replicas === undefined ? {} : { replicas }) };
  const labels = kind === 'Pod' ? { labels: { app: 'web' } } : {};
  return { apiVersion: 'v1', kind, metadata: { name: 'web', ...labels }, spec };
}

const set = (...objects: KubeObject[]): LocatedObject[] =>
  objects.map((object, i) => ({ object, file: 'set.yaml', line: i + 1 }));

const parseOne = (yaml: string) => parseManifests('x.yaml', yaml).objects[0]!.object;

group('cross-object rules: every workload kind', () => {
  const replicated = ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController'];
  for (const kind of WORKLOAD_KINDS) {
    const fires = replicated.includes(kind);
    it(`single-replica ${fires ? 'fires on' : 'skips'} a ${kind}`, () => {
      assert.deepEqual(
        lintSet([byId('single-replica')], set(workloadOf(kind, 1))),
        fires ? [`${kind}/web: replicas: 1 and no HorizontalPodAutoscaler scales it`] : [],
      );
    });
    it(`missing-pdb ${fires ? 'fires on' : 'skips'} a ${kind}`, () => {
      assert.deepEqual(
        lintSet([byId('missing-pdb')], set(workloadOf(kind, 2))),
        fires ? [`${kind}/web: 2 replicas and no PodDisruptionBudget selects its pods (app=web)`] : [],
      );
    });
    it(`Service, NetworkPolicy and PDB selectors reach a ${kind}`, () => {
      const selecting = [
        service('web', 'selector: { app: web }'),
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: web }\nspec: { podSelector: { matchLabels: { app: web } } }\n',
        pdb('web', 'maxUnavailable: 1\n  selector: { matchLabels: { app: web } }'),
      ].map(parseOne);
      const rules = ['dangling-service', 'dangling-network-policy', 'dangling-pdb'].map(byId);
      assert.deepEqual(lintSet(rules, set(workloadOf(kind), ...selecting)), []);
    });
  }
});

group('cross-object rules: namespaces', () => {
  const inNamespace = (object: KubeObject, namespace?: string): KubeObject =>
    namespace === undefined ? object : { ...object, metadata: { ...(object.metadata as object), namespace } };
  const rules = CROSS_OBJECT_RULES.filter((r) =>
    ['dangling-hpa', 'dangling-service', 'single-replica'].includes(r.id),
  );
  const web = workloadOf('Deployment');
  const svc = parseOne(service('web', 'selector: { app: web }'));
  const autoscaler = parseOne(hpa('web', 'web'));
  const rows: { name: string; workload?: string; others?: string; findings: number }[] = [
    { name: 'both missing: the same namespace', findings: 0 },
    { name: 'both explicit and equal', workload: 'shop', others: 'shop', findings: 0 },
    { name: 'missing is not default', others: 'default', findings: 3 },
    { name: 'explicit and different', workload: 'shop', others: 'team', findings: 3 },
  ];
  for (const row of rows)
    it(row.name, () => {
      const objects = set(
        inNamespace(web, row.workload),
        inNamespace(svc, row.others),
        inNamespace(autoscaler, row.others),
      );
      assert.equal(lintSet(rules, objects).length, row.findings);
    });
});

group('cross-object rules: a guestbook under every cross-object rule', () => {
  const guestbook = docs(
    deployment('frontend', '\n  replicas: 3'),
    service('frontend', 'type: LoadBalancer\n  selector:\n    app: frontend'),
    statefulSet('redis', '\n  serviceName: redis'),
    service('redis', 'selector:\n    app: redis'),
    hpa('frontend', 'frontend', 'minReplicas: 3\n  maxReplicas: 3'),
    pdb('frontend', 'minAvailable: 3\n  selector:\n    matchLabels:\n      app: frontend'),
    `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: guestbook
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: frontend-svc
                port:
                  number: 80
`,
  );
  it('reports exactly these findings', () => {
    assert.deepEqual(lint(CROSS_OBJECT_RULES, guestbook), [
      'Deployment/frontend: replicas: 3 is set, but HorizontalPodAutoscaler frontend scales it: every apply resets the count',
      'StatefulSet/redis: replicas is not set (1) and no HorizontalPodAutoscaler scales it',
      'StatefulSet/redis: Service redis is not headless (clusterIP: None is not set)',
      'HorizontalPodAutoscaler/frontend: minReplicas equals maxReplicas (3): it never scales',
      'PodDisruptionBudget/frontend: minAvailable: 3 with 3 pods of Deployment/frontend when HorizontalPodAutoscaler/frontend (minReplicas 3) is at its minimum: no pod may be evicted then',
      'Ingress/guestbook: backend Service frontend-svc is not in the set',
    ]);
  });
});

group('cross-object rules: malformed sets never throw', () => {
  const malformed: KubeObject[] = [
    { kind: 'Deployment' },
    { kind: 'Deployment', metadata: 'x', spec: { replicas: 'two', template: 5 } },
    { kind: 'StatefulSet', metadata: { name: 7, namespace: [] }, spec: { serviceName: 3 } },
    { kind: 'StatefulSet', metadata: { name: 's' }, spec: { serviceName: 'svc' } },
    { kind: 'Service', metadata: { name: 'svc' }, spec: { clusterIP: 'None', selector: ['app'] } },
    { kind: 'Service', spec: { selector: { app: { nested: true } } } },
    { kind: 'HorizontalPodAutoscaler', spec: { scaleTargetRef: { kind: 5, name: null }, minReplicas: -1 } },
    { kind: 'HorizontalPodAutoscaler', spec: 'x' },
    { kind: 'PodDisruptionBudget', spec: { selector: 'app=web', minAvailable: {} } },
    { kind: 'PodDisruptionBudget', spec: { selector: { matchExpressions: 'x' }, maxUnavailable: '-5%' } },
    { kind: 'PodDisruptionBudget', spec: { selector: { matchLabels: null }, minAvailable: '200%' } },
    { kind: 'Ingress', spec: { rules: 'x', defaultBackend: [] } },
    { kind: 'Ingress', spec: { rules: [null, { http: { paths: [null, { backend: 'x' }] } }] } },
    { kind: 'NetworkPolicy', spec: { podSelector: [] } },
    { kind: 'Pod', metadata: { labels: 'x' } },
    { kind: 'CronJob', spec: { jobTemplate: null } },
  ];
  for (const rule of CROSS_OBJECT_RULES)
    it(`${rule.id}`, () => {
      const objects = set(...malformed);
      for (const { object } of objects) assert.doesNotThrow(() => rule.check(object, { objects }));
    });
});

group('cross-object rules: 20,000 objects in one namespace', () => {
  it('stay well under the lint budget (5,000 objects/s for everything)', () => {
    const objects: KubeObject[] = [];
    for (let i = 0; i < 4000; i++) {
      const name = `app-${i}`;
      const labels = { app: name, tier: i % 2 ? 'front' : 'back' };
      const template = { metadata: { labels }, spec: { containers: [{ name, image: 'nginx' }] } };
      objects.push(
        { kind: 'Deployment', metadata: { name }, spec: { template } },
        { kind: 'Service', metadata: { name }, spec: { selector: { app: name } } },
        {
          kind: 'HorizontalPodAutoscaler',
          metadata: { name },
          spec: { scaleTargetRef: { kind: 'Deployment', name }, minReplicas: 2, maxReplicas: 4 },
        },
        {
          kind: 'PodDisruptionBudget',
          metadata: { name },
          spec: { maxUnavailable: 1, selector: { matchLabels: { app: name } } },
        },
        { kind: 'NetworkPolicy', metadata: { name }, spec: { podSelector: { matchLabels: { app: name } } } },
      );
    }
    const start = process.cpuUsage();
    const findings = lintSet(CROSS_OBJECT_RULES, set(...objects));
    const used = process.cpuUsage(start);
    const seconds = (used.user + used.system) / 1e6;
    assert.equal(findings.length, 0);
    // A guard against quadratic lookups (those take minutes here), not a benchmark (bench/lint.ts
    // is): CPU time, so that other people's load on a shared machine does not fail it.
    assert.ok(seconds < 5, `cross-object rules took ${seconds.toFixed(2)} s of CPU on 20,000 objects`);
  });
});
