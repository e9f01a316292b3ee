/**
 * The workload reliability rules: for every rule, failing and passing manifests written the way
 * tutorials write them (one replica, no probes, :latest, root, passwords in env), with the exact
 * violations; container-level rules run on the same pod under every workload kind.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { KubeObject } from '../input.ts';
import type { Rule, Violation } from '../rule.ts';
import { WORKLOAD_KINDS } from '../workload.ts';
import { WORKLOAD_RELIABILITY_RULES } from './workload-reliability.ts';

const context = { objects: [] };
const byId = (id: string): Rule => {
  const rule = WORKLOAD_RELIABILITY_RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule;
};

const API_VERSIONS: Readonly<Record<string, string>> = {
  Pod: 'v1',
  ReplicationController: 'v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

/** A pod spec (YAML) wrapped in the given workload kind, selector and labels matching. */
function workload(kind: string, podSpecYaml: string): KubeObject {
  const spec = parse(podSpecYaml) as Record<string, unknown>;
  const template = { metadata: { labels: { app: 'web' } }, spec };
  const specs: Record<string, unknown> = {
    Pod: spec,
    Job: { template },
    CronJob: { schedule: '*/5 * * * *', jobTemplate: { spec: { template } } },
    ReplicationController: { selector: { app: 'web' }, template },
  };
  return {
    apiVersion: API_VERSIONS[kind],
    kind,
    metadata: { name: 'web' },
    spec: specs[kind] ?? { selector: { matchLabels: { app: 'web' } }, template },
  };
}

const manifest = (yaml: string): KubeObject => parse(yaml) as KubeObject;

interface Row {
  name: string;
  rule: string;
  object: KubeObject;
  violations: Violation[];
}

/** Container-level rules: one pod spec, the same violations under every kind listed. */
interface PodRow {
  name: string;
  rule: string;
  pod: string;
  violations: Violation[];
  kinds?: readonly string[];
}

const LONG_RUNNING = WORKLOAD_KINDS.filter((k) => k !== 'Job' && k !== 'CronJob');

const podRows: PodRow[] = [
  // probes-identical
  {
    name: 'the same httpGet probe pasted twice',
    rule: 'probes-identical',
    pod: `
containers:
  - name: web
    image: nginx:latest
    ports: [{ containerPort: 80 }]
    readinessProbe: { httpGet: { path: /healthz, port: 80 } }
    livenessProbe: { httpGet: { path: /healthz, port: 80 } }
`,
    violations: [
      {
        container: 'web',
        message:
          'readinessProbe is identical to livenessProbe (httpGet /healthz port 80, every 10s, 3 failures)',
      },
    ],
    kinds: LONG_RUNNING,
  },
  {
    name: 'a named port equals its number, defaults equal their values, key order does not matter',
    rule: 'probes-identical',
    pod: `
containers:
  - name: api
    image: ghcr.io/acme/api
    ports: [{ name: http, containerPort: 8080 }]
    readinessProbe: { httpGet: { port: http, path: /health, scheme: http }, periodSeconds: 10 }
    livenessProbe: { failureThreshold: 3, httpGet: { path: /health, port: 8080 }, initialDelaySeconds: 30 }
`,
    violations: [
      {
        container: 'api',
        message:
          'readinessProbe is identical to livenessProbe (httpGet /health port http, every 10s, 3 failures)',
      },
    ],
    kinds: LONG_RUNNING,
  },
  {
    name: 'exec and tcpSocket probes; a native sidecar counts, a plain init container does not',
    rule: 'probes-identical',
    pod: `
initContainers:
  - name: proxy
    image: envoyproxy/envoy
    restartPolicy: Always
    readinessProbe: { tcpSocket: { port: 9901 }, periodSeconds: 5 }
    livenessProbe: { tcpSocket: { port: 9901 }, periodSeconds: 5 }
containers:
  - name: db
    image: postgres
    env: [{ name: POSTGRES_PASSWORD, value: password }]
    readinessProbe: { exec: { command: [pg_isready, -U, postgres] } }
    livenessProbe: { exec: { command: [pg_isready, -U, postgres] } }
`,
    violations: [
      {
        container: 'proxy',
        message: 'readinessProbe is identical to livenessProbe (tcpSocket port 9901, every 5s, 3 failures)',
      },
      {
        container: 'db',
        message:
          'readinessProbe is identical to livenessProbe (exec pg_isready -U postgres, every 10s, 3 failures)',
      },
    ],
    kinds: LONG_RUNNING,
  },
  {
    name: 'passes: same endpoint but a more patient liveness probe, or different endpoints',
    rule: 'probes-identical',
    pod: `
containers:
  - name: web
    image: nginx:1.27
    readinessProbe: { httpGet: { path: /healthz, port: 80 } }
    livenessProbe: { httpGet: { path: /healthz, port: 80 }, failureThreshold: 6 }
  - name: api
    image: ghcr.io/acme/api:1.0
    readinessProbe: { httpGet: { path: /ready, port: 8080 } }
    livenessProbe: { httpGet: { path: /healthz, port: 8080 } }
  - name: grpc
    image: ghcr.io/acme/grpc:1.0
    readinessProbe: { grpc: { port: 9090, service: ready } }
    livenessProbe: { grpc: { port: 9090 } }
  - name: only-liveness
    image: redis
    livenessProbe: { tcpSocket: { port: 6379 } }
`,
    violations: [],
  },
  {
    name: 'skips Jobs and CronJobs (they run to completion)',
    rule: 'probes-identical',
    pod: `
containers:
  - name: migrate
    image: ghcr.io/acme/migrate
    readinessProbe: { tcpSocket: { port: 80 } }
    livenessProbe: { tcpSocket: { port: 80 } }
`,
    violations: [],
    kinds: ['Job', 'CronJob'],
  },
  // probe-port-not-exposed
  {
    name: 'a named probe port the container does not declare, and a quoted number',
    rule: 'probe-port-not-exposed',
    pod: `
containers:
  - name: web
    image: nginx
    ports: [{ name: web, containerPort: 80 }]
    readinessProbe: { httpGet: { path: /, port: http } }
    livenessProbe: { tcpSocket: { port: "80" } }
  - name: worker
    image: ghcr.io/acme/worker
    startupProbe: { httpGet: { path: /started, port: metrics } }
`,
    violations: [
      {
        container: 'web',
        message:
          'livenessProbe tcpSocket port "80" is quoted, so Kubernetes reads it as a port name; write 80 without quotes',
      },
      {
        container: 'web',
        message: 'readinessProbe httpGet port http is not a port name of this container (ports: web=80)',
      },
      {
        container: 'worker',
        message:
          'startupProbe httpGet port metrics is not a port name of this container (it declares no ports)',
      },
    ],
  },
  {
    name: 'passes: named ports that exist, numeric ports (probe-port-not-declared), exec probes',
    rule: 'probe-port-not-exposed',
    pod: `
containers:
  - name: web
    image: nginx
    ports: [{ name: http, containerPort: 80 }]
    readinessProbe: { httpGet: { path: /, port: http } }
    livenessProbe: { tcpSocket: { port: 8081 } }
    startupProbe: { exec: { command: [cat, /tmp/started] } }
`,
    violations: [],
  },
  // probe-port-not-declared
  {
    name: 'numeric probe ports the container does not list',
    rule: 'probe-port-not-declared',
    pod: `
containers:
  - name: web
    image: nginx
    ports: [{ containerPort: 80 }, { name: admin, containerPort: 9901 }]
    readinessProbe: { httpGet: { path: /, port: 80 } }
    livenessProbe: { httpGet: { path: /healthz, port: 8080 } }
  - name: api
    image: ghcr.io/acme/api
    livenessProbe: { grpc: { port: 9090 } }
`,
    violations: [
      {
        container: 'web',
        message: "livenessProbe httpGet port 8080 is not in the container's ports (ports: 80, admin=9901)",
      },
      {
        container: 'api',
        message: "livenessProbe grpc port 9090 is not in the container's ports (it declares none)",
      },
    ],
  },
  {
    name: 'passes: declared numbers and names',
    rule: 'probe-port-not-declared',
    pod: `
containers:
  - name: web
    image: nginx
    ports: [{ name: http, containerPort: 80 }]
    readinessProbe: { httpGet: { path: /, port: 80 } }
    livenessProbe: { httpGet: { path: /, port: http } }
`,
    violations: [],
  },
  // grace-period-shorter-than-prestop
  {
    name: 'preStop sleeps the whole default grace period',
    rule: 'grace-period-shorter-than-prestop',
    pod: `
containers:
  - name: web
    image: nginx
    lifecycle: { preStop: { exec: { command: [sleep, "30"] } } }
  - name: sidecar
    image: envoyproxy/envoy
    lifecycle: { preStop: { exec: { command: [/bin/sleep, 1m] } } }
  - name: ok
    image: ghcr.io/acme/api
    lifecycle: { preStop: { exec: { command: [sleep, 5] } } }
`,
    violations: [
      {
        container: 'web',
        message:
          'preStop sleeps 30s but terminationGracePeriodSeconds is 30 (the default): the app is killed before it can drain',
      },
      {
        container: 'sidecar',
        message:
          'preStop sleeps 60s but terminationGracePeriodSeconds is 30 (the default): the app is killed before it can drain',
      },
    ],
  },
  {
    name: 'sleep action and shell scripts against a set grace period',
    rule: 'grace-period-shorter-than-prestop',
    pod: `
terminationGracePeriodSeconds: 15
containers:
  - name: web
    image: nginx
    lifecycle: { preStop: { sleep: { seconds: 20 } } }
  - name: nginx
    image: nginx
    lifecycle: { preStop: { exec: { command: [/bin/sh, -c, "sleep 5 && nginx -s quit; sleep 10"] } } }
  - name: short
    image: nginx
    lifecycle: { preStop: { exec: { command: [sh, -c, "sleep 2; kill -QUIT 1"] } } }
  - name: busybox
    image: busybox
    lifecycle: { preStop: { exec: { command: [busybox, sleep, "14"] } } }
`,
    violations: [
      {
        container: 'web',
        message:
          'preStop sleeps 20s but terminationGracePeriodSeconds is 15: the app is killed before it can drain',
      },
      {
        container: 'nginx',
        message:
          'preStop sleeps 15s but terminationGracePeriodSeconds is 15: the app is killed before it can drain',
      },
    ],
  },
  {
    name: 'passes: a grace period longer than the sleep, no sleep, an httpGet hook',
    rule: 'grace-period-shorter-than-prestop',
    pod: `
terminationGracePeriodSeconds: 45
containers:
  - name: web
    image: nginx
    lifecycle: { preStop: { exec: { command: [sleep, "30"] } } }
  - name: api
    image: ghcr.io/acme/api
    lifecycle: { preStop: { httpGet: { path: /drain, port: 8080 } } }
  - name: quit
    image: nginx
    lifecycle: { preStop: { exec: { command: [nginx, -s, quit] } } }
  - name: none
    image: redis
`,
    violations: [],
  },
  // duplicate-env
  {
    name: 'the same variable twice, and three times in an init container',
    rule: 'duplicate-env',
    pod: `
initContainers:
  - name: setup
    image: busybox
    env:
      - { name: MODE, value: a }
      - { name: MODE, value: b }
      - { name: MODE, value: c }
containers:
  - name: wordpress
    image: wordpress
    env:
      - { name: WORDPRESS_DB_HOST, value: mysql }
      - { name: WORDPRESS_DB_PASSWORD, value: password }
      - { name: WORDPRESS_DB_HOST, value: mysql.default.svc }
      - { name: WORDPRESS_DB_USER, value: root }
`,
    violations: [
      { container: 'setup', message: 'env MODE is set 3 times (env[0], env[1], env[2]); the last one wins' },
      {
        container: 'wordpress',
        message: 'env WORDPRESS_DB_HOST is set 2 times (env[0], env[2]); the last one wins',
      },
    ],
  },
  {
    name: 'passes: distinct names, envFrom, names differing in case',
    rule: 'duplicate-env',
    pod: `
containers:
  - name: web
    image: nginx
    envFrom: [{ configMapRef: { name: web } }, { configMapRef: { name: web } }]
    env:
      - { name: LOG_LEVEL, value: debug }
      - { name: log_level, value: info }
`,
    violations: [],
  },
  // duplicate-port-name
  {
    name: 'two ports named http',
    rule: 'duplicate-port-name',
    pod: `
containers:
  - name: web
    image: nginx
    ports:
      - { name: http, containerPort: 80 }
      - { name: http, containerPort: 8080 }
      - { name: https, containerPort: 443 }
`,
    violations: [{ container: 'web', message: 'port name http is used by 2 ports (80, 8080)' }],
  },
  {
    name: 'passes: unnamed ports, the same name in two containers',
    rule: 'duplicate-port-name',
    pod: `
containers:
  - { name: web, image: nginx, ports: [{ containerPort: 80 }, { containerPort: 81 }, { name: http, containerPort: 82 }] }
  - { name: api, image: ghcr.io/acme/api, ports: [{ name: http, containerPort: 8080 }] }
`,
    violations: [],
  },
];

const DEPLOYMENT = (spec: string, apiVersion = 'apps/v1') => `
apiVersion: ${apiVersion}
kind: Deployment
metadata: { name: web }
spec:
${spec}
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: nginx }]
`;

const rows: Row[] = [
  // selector-mismatch
  {
    name: 'Deployment selector that does not select its template',
    rule: 'selector-mismatch',
    object: manifest(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: frontend }
spec:
  replicas: 1
  selector:
    matchLabels: { app: guestbook, tier: frontend }
  template:
    metadata:
      labels: { app: guestbook, tier: front }
    spec:
      containers: [{ name: php-redis, image: gcr.io/google-samples/gb-frontend:v4 }]
`),
    violations: [
      {
        message:
          'spec.selector tier=frontend does not match the pod template labels (app=guestbook,tier=front)',
      },
    ],
  },
  {
    name: 'Deployment without a selector in apps/v1',
    rule: 'selector-mismatch',
    object: manifest(DEPLOYMENT('  replicas: 1')),
    violations: [{ message: 'spec.selector is missing (apps/v1 requires one)' }],
  },
  {
    name: 'passes: extensions/v1beta1 Deployment without a selector (defaulted to the labels)',
    rule: 'selector-mismatch',
    object: manifest(DEPLOYMENT('  replicas: 1', 'extensions/v1beta1')),
    violations: [],
  },
  {
    name: 'StatefulSet with matchExpressions that exclude its own pods',
    rule: 'selector-mismatch',
    object: manifest(`
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: redis }
spec:
  serviceName: redis
  selector:
    matchLabels: { app: redis }
    matchExpressions:
      - { key: role, operator: In, values: [leader, follower] }
      - { key: canary, operator: DoesNotExist }
  template:
    metadata: { labels: { app: redis, role: replica, canary: "true" } }
    spec:
      containers: [{ name: redis, image: redis }]
`),
    violations: [
      {
        message:
          'spec.selector role in (leader,follower), !canary does not match the pod template labels (app=redis,role=replica,canary=true)',
      },
    ],
  },
  {
    name: 'DaemonSet with an empty selector',
    rule: 'selector-mismatch',
    object: manifest(`
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: fluentd }
spec:
  selector: { matchLabels: {} }
  template:
    metadata: { labels: { name: fluentd } }
    spec:
      containers: [{ name: fluentd, image: fluentd }]
`),
    violations: [{ message: 'spec.selector is empty (it would select every pod)' }],
  },
  {
    name: 'ReplicaSet with an invalid operator',
    rule: 'selector-mismatch',
    object: manifest(`
apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: frontend }
spec:
  replicas: 3
  selector:
    matchExpressions: [{ key: tier, operator: Equals, values: [frontend] }]
  template:
    metadata: { labels: { tier: frontend } }
    spec:
      containers: [{ name: php-redis, image: gcr.io/google_samples/gb-frontend:v3 }]
`),
    violations: [
      {
        message:
          'spec.selector is invalid: matchExpressions[0].operator Equals is not In, NotIn, Exists or DoesNotExist',
      },
    ],
  },
  {
    name: 'Job with manualSelector and a selector for other pods',
    rule: 'selector-mismatch',
    object: manifest(`
apiVersion: batch/v1
kind: Job
metadata: { name: pi }
spec:
  manualSelector: true
  selector: { matchLabels: { job: pi } }
  template:
    metadata: { labels: { job: pie } }
    spec:
      restartPolicy: Never
      containers: [{ name: pi, image: perl, command: [perl, "-Mbignum=bpi", "-wle", "print bpi(2000)"] }]
`),
    violations: [{ message: 'spec.selector job=pi does not match the pod template labels (job=pie)' }],
  },
  {
    name: 'passes: a Job without manualSelector (its selector is generated)',
    rule: 'selector-mismatch',
    object: manifest(`
apiVersion: batch/v1
kind: Job
metadata: { name: pi }
spec:
  selector: { matchLabels: { job: pi } }
  template:
    metadata: { labels: { job: pie } }
    spec:
      restartPolicy: Never
      containers: [{ name: pi, image: perl }]
`),
    violations: [],
  },
  {
    name: 'ReplicationController with a plain-map selector that does not match',
    rule: 'selector-mismatch',
    object: manifest(`
apiVersion: v1
kind: ReplicationController
metadata: { name: nginx }
spec:
  replicas: 3
  selector: { app: nginx, version: "2" }
  template:
    metadata: { labels: { app: nginx, version: 1 } }
    spec:
      containers: [{ name: nginx, image: nginx, ports: [{ containerPort: 80 }] }]
`),
    violations: [
      { message: 'spec.selector version=2 does not match the pod template labels (app=nginx,version=1)' },
    ],
  },
  {
    name: 'passes: a ReplicationController without a selector (defaulted to the labels)',
    rule: 'selector-mismatch',
    object: manifest(`
apiVersion: v1
kind: ReplicationController
metadata: { name: nginx }
spec:
  template:
    metadata: { labels: { app: nginx } }
    spec:
      containers: [{ name: nginx, image: nginx }]
`),
    violations: [],
  },
  // no-anti-affinity
  {
    name: 'three replicas, nothing spreading them',
    rule: 'no-anti-affinity',
    object: manifest(DEPLOYMENT('  replicas: 3\n  selector: { matchLabels: { app: web } }')),
    violations: [{ message: '3 replicas and no podAntiAffinity or topologySpreadConstraints' }],
  },
  {
    name: 'StatefulSet whose anti-affinity selects some other app',
    rule: 'no-anti-affinity',
    object: manifest(`
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: zk }
spec:
  replicas: 3
  serviceName: zk-hs
  selector: { matchLabels: { app: zk } }
  template:
    metadata: { labels: { app: zk } }
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: { matchExpressions: [{ key: app, operator: In, values: [kafka] }] }
              topologyKey: kubernetes.io/hostname
      containers: [{ name: zk, image: zookeeper }]
`),
    violations: [
      {
        message:
          "3 replicas, but no podAntiAffinity term or topologySpreadConstraint selects the pods' own labels (app=zk)",
      },
    ],
  },
  {
    name: 'ReplicaSet with two replicas',
    rule: 'no-anti-affinity',
    object: manifest(`
apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: frontend }
spec:
  replicas: 2
  selector: { matchLabels: { tier: frontend } }
  template:
    metadata: { labels: { tier: frontend } }
    spec:
      containers: [{ name: php-redis, image: gcr.io/google_samples/gb-frontend:v3 }]
`),
    violations: [{ message: '2 replicas and no podAntiAffinity or topologySpreadConstraints' }],
  },
  {
    name: 'passes: preferred anti-affinity on its own pods',
    rule: 'no-anti-affinity',
    object: manifest(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                labelSelector: { matchLabels: { app: web } }
                topologyKey: kubernetes.io/hostname
      containers: [{ name: web, image: nginx }]
`),
    violations: [],
  },
  {
    name: 'passes: a zone spread constraint on its own pods',
    rule: 'no-anti-affinity',
    object: manifest(`
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: web }
spec:
  replicas: 5
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web, tier: front } }
    spec:
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector: { matchExpressions: [{ key: tier, operator: Exists }] }
      containers: [{ name: web, image: nginx }]
`),
    violations: [],
  },
  {
    name: 'passes: one replica (replicas left out)',
    rule: 'no-anti-affinity',
    object: manifest(DEPLOYMENT('  selector: { matchLabels: { app: web } }')),
    violations: [],
  },
  {
    name: 'passes: a DaemonSet (one pod per node already)',
    rule: 'no-anti-affinity',
    object: workload('DaemonSet', 'containers: [{ name: agent, image: datadog/agent }]'),
    violations: [],
  },
  // full-outage-rollout
  {
    name: 'Deployment with Recreate',
    rule: 'full-outage-rollout',
    object: manifest(DEPLOYMENT('  replicas: 3\n  strategy: { type: Recreate }')),
    violations: [{ message: 'strategy Recreate stops all 3 replicas before starting new pods' }],
  },
  {
    name: 'Recreate with replicas left out',
    rule: 'full-outage-rollout',
    object: manifest(DEPLOYMENT('  strategy: { type: Recreate }')),
    violations: [{ message: 'strategy Recreate stops the only replica before starting new pods' }],
  },
  {
    name: 'maxUnavailable 100%',
    rule: 'full-outage-rollout',
    object: manifest(DEPLOYMENT('  replicas: 4\n  strategy: { rollingUpdate: { maxUnavailable: 100% } }')),
    violations: [
      {
        message:
          'rollingUpdate lets all 4 replicas be unavailable at once (maxUnavailable 100%, maxSurge 25% (default))',
      },
    ],
  },
  {
    name: 'maxUnavailable as many as the replicas',
    rule: 'full-outage-rollout',
    object: manifest(
      DEPLOYMENT(
        '  replicas: 2\n  strategy: { type: RollingUpdate, rollingUpdate: { maxUnavailable: 2, maxSurge: 1 } }',
      ),
    ),
    violations: [
      { message: 'rollingUpdate lets all 2 replicas be unavailable at once (maxUnavailable 2, maxSurge 1)' },
    ],
  },
  {
    name: 'maxSurge 0 and maxUnavailable 0 on one replica: Kubernetes makes maxUnavailable 1',
    rule: 'full-outage-rollout',
    object: manifest(DEPLOYMENT('  strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }')),
    violations: [
      {
        message: 'rollingUpdate lets the only replica be unavailable at once (maxUnavailable 0, maxSurge 0)',
      },
    ],
  },
  {
    name: 'passes: 99% of 4 rounds down to 3',
    rule: 'full-outage-rollout',
    object: manifest(DEPLOYMENT('  replicas: 4\n  strategy: { rollingUpdate: { maxUnavailable: 99% } }')),
    violations: [],
  },
  {
    name: 'passes: defaults on one replica (25% rounds down to 0)',
    rule: 'full-outage-rollout',
    object: manifest(DEPLOYMENT('  replicas: 1')),
    violations: [],
  },
  {
    name: 'passes: Recreate scaled to zero',
    rule: 'full-outage-rollout',
    object: manifest(DEPLOYMENT('  replicas: 0\n  strategy: { type: Recreate }')),
    violations: [],
  },
  {
    name: 'StatefulSet maxUnavailable 100%',
    rule: 'full-outage-rollout',
    object: manifest(`
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: web }
spec:
  replicas: 3
  updateStrategy: { type: RollingUpdate, rollingUpdate: { maxUnavailable: 100% } }
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx }] }
`),
    violations: [
      { message: 'updateStrategy.rollingUpdate.maxUnavailable 100% lets all 3 replicas be down at once' },
    ],
  },
  {
    name: 'passes: StatefulSet 50% of 3 (1), one replica, OnDelete',
    rule: 'full-outage-rollout',
    object: manifest(`
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: web }
spec:
  replicas: 3
  updateStrategy: { rollingUpdate: { maxUnavailable: 50% } }
  template: { spec: { containers: [{ name: web, image: nginx }] } }
`),
    violations: [],
  },
  {
    name: 'passes: a one-replica StatefulSet (nothing in the manifest avoids its restart)',
    rule: 'full-outage-rollout',
    object: manifest(`
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  updateStrategy: { rollingUpdate: { maxUnavailable: 1 } }
  template: { spec: { containers: [{ name: db, image: postgres }] } }
`),
    violations: [],
  },
  {
    name: 'DaemonSet maxUnavailable 100%',
    rule: 'full-outage-rollout',
    object: manifest(`
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: node-exporter }
spec:
  updateStrategy: { rollingUpdate: { maxUnavailable: 100% } }
  template: { spec: { containers: [{ name: node-exporter, image: prom/node-exporter }] } }
`),
    violations: [
      { message: 'updateStrategy.rollingUpdate.maxUnavailable 100% replaces the pod on every node at once' },
    ],
  },
  {
    name: 'passes: DaemonSet OnDelete, or a number of nodes',
    rule: 'full-outage-rollout',
    object: manifest(`
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: node-exporter }
spec:
  updateStrategy: { type: OnDelete, rollingUpdate: { maxUnavailable: 100% } }
  template: { spec: { containers: [{ name: node-exporter, image: prom/node-exporter }] } }
`),
    violations: [],
  },
  // cronjob-missing-deadline / cronjob-concurrency-allow
  {
    name: 'CronJob without a starting deadline',
    rule: 'cronjob-missing-deadline',
    object: workload('CronJob', 'restartPolicy: OnFailure\ncontainers: [{ name: hello, image: busybox }]'),
    violations: [
      {
        message:
          'no startingDeadlineSeconds: after more than 100 missed schedules the CronJob never runs again',
      },
    ],
  },
  {
    name: 'CronJob with a deadline under the controller period',
    rule: 'cronjob-missing-deadline',
    object: manifest(`
apiVersion: batch/v1
kind: CronJob
metadata: { name: hello }
spec:
  schedule: "* * * * *"
  startingDeadlineSeconds: 5
  jobTemplate: { spec: { template: { spec: { containers: [{ name: hello, image: busybox }] } } } }
`),
    violations: [
      { message: 'startingDeadlineSeconds 5 is under 10: the controller may miss every schedule' },
    ],
  },
  {
    name: 'passes: a deadline of 200 s',
    rule: 'cronjob-missing-deadline',
    object: manifest(`
apiVersion: batch/v1
kind: CronJob
metadata: { name: hello }
spec:
  schedule: "* * * * *"
  startingDeadlineSeconds: 200
  concurrencyPolicy: Forbid
  jobTemplate: { spec: { template: { spec: { containers: [{ name: hello, image: busybox }] } } } }
`),
    violations: [],
  },
  {
    name: 'CronJob with concurrencyPolicy unset',
    rule: 'cronjob-concurrency-allow',
    object: workload('CronJob', 'containers: [{ name: backup, image: postgres }]'),
    violations: [{ message: 'concurrencyPolicy is not set (Allow): a slow run overlaps the next' }],
  },
  {
    name: 'CronJob with concurrencyPolicy Allow',
    rule: 'cronjob-concurrency-allow',
    object: manifest(`
apiVersion: batch/v1
kind: CronJob
metadata: { name: report }
spec:
  schedule: "0 * * * *"
  concurrencyPolicy: Allow
  jobTemplate: { spec: { template: { spec: { containers: [{ name: report, image: ghcr.io/acme/report }] } } } }
`),
    violations: [{ message: 'concurrencyPolicy is Allow: a slow run overlaps the next' }],
  },
  {
    name: 'passes: Replace',
    rule: 'cronjob-concurrency-allow',
    object: manifest(`
apiVersion: batch/v1
kind: CronJob
metadata: { name: report }
spec:
  schedule: "0 * * * *"
  concurrencyPolicy: Replace
  jobTemplate: { spec: { template: { spec: { containers: [{ name: report, image: ghcr.io/acme/report }] } } } }
`),
    violations: [],
  },
  // job-without-ttl
  {
    name: 'a bare Job without a TTL',
    rule: 'job-without-ttl',
    object: manifest(`
apiVersion: batch/v1
kind: Job
metadata: { name: pi }
spec:
  backoffLimit: 4
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: pi, image: perl:5.34.0, command: [perl, "-Mbignum=bpi", "-wle", "print bpi(2000)"] }]
`),
    violations: [
      { message: 'no ttlSecondsAfterFinished: the finished Job and its pods are kept until deleted' },
    ],
  },
  {
    name: 'passes: ttlSecondsAfterFinished 0 (delete at once)',
    rule: 'job-without-ttl',
    object: manifest(`
apiVersion: batch/v1
kind: Job
metadata: { name: pi }
spec:
  ttlSecondsAfterFinished: 0
  template: { spec: { restartPolicy: Never, containers: [{ name: pi, image: perl }] } }
`),
    violations: [],
  },
  {
    name: "passes: a Job a CronJob owns (its history limits trim it), and the CronJob's template",
    rule: 'job-without-ttl',
    object: manifest(`
apiVersion: batch/v1
kind: Job
metadata:
  name: hello-28000000
  ownerReferences: [{ apiVersion: batch/v1, kind: CronJob, name: hello, uid: 1234 }]
spec:
  template: { spec: { restartPolicy: Never, containers: [{ name: hello, image: busybox }] } }
`),
    violations: [],
  },
];

/** Violations without where they are and which checks they are (tested in engine.test.ts). */
const bare = (violations: readonly Violation[]) =>
  violations.map(({ path: _path, aliases: _aliases, ...rest }) => rest);

describe('workload reliability rules: tutorial pods under every kind', () => {
  for (const row of podRows)
    for (const kind of row.kinds ?? WORKLOAD_KINDS)
      it(`${row.rule}: ${row.name} (${kind})`, () => {
        assert.deepEqual(bare(byId(row.rule).check(workload(kind, row.pod), context)), row.violations);
      });
});

describe('workload reliability rules: kind-specific manifests', () => {
  for (const row of rows)
    it(`${row.rule}: ${row.name}`, () => {
      assert.deepEqual(bare(byId(row.rule).check(row.object, context)), row.violations);
    });
});

describe('workload reliability rules: what each rule leaves alone', () => {
  it('kind-specific rules skip the kinds they do not apply to', () => {
    const only: Record<string, readonly string[]> = {
      'selector-mismatch': [
        'Deployment',
        'StatefulSet',
        'DaemonSet',
        'ReplicaSet',
        'ReplicationController',
        'Job',
      ],
      'no-anti-affinity': ['Deployment', 'StatefulSet', 'ReplicaSet'],
      'full-outage-rollout': ['Deployment', 'StatefulSet', 'DaemonSet'],
      'cronjob-missing-deadline': ['CronJob'],
      'cronjob-concurrency-allow': ['CronJob'],
      'job-without-ttl': ['Job'],
    };
    // The worst tutorial pod: every kind-specific rule that applies to it fires.
    const pod = 'containers: [{ name: web, image: nginx }]';
    for (const [id, kinds] of Object.entries(only))
      for (const kind of WORKLOAD_KINDS.filter((k) => !kinds.includes(k)))
        assert.deepEqual(bare(byId(id).check(workload(kind, pod), context)), [], `${id} on ${kind}`);
  });
  it('every rule is in the group once, with the reliability category', () => {
    const ids = WORKLOAD_RELIABILITY_RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const rule of WORKLOAD_RELIABILITY_RULES) assert.equal(rule.category, 'reliability', rule.id);
  });
  it('selector-mismatch passes the matching template of every kind', () => {
    for (const kind of WORKLOAD_KINDS)
      assert.deepEqual(
        bare(byId('selector-mismatch').check(workload(kind, 'containers: []'), context)),
        [],
        kind,
      );
  });
  it('malformed fields of the wrong type are skipped, not reported', () => {
    const odd: KubeObject[] = [
      manifest(DEPLOYMENT('  replicas: "3"\n  strategy: { type: Recreate }')),
      manifest(DEPLOYMENT('  replicas: 1\n  strategy: { rollingUpdate: { maxUnavailable: lots } }')),
      workload(
        'Pod',
        'terminationGracePeriodSeconds: "10"\ncontainers: [{ name: w, lifecycle: { preStop: { sleep: { seconds: 60 } } } }]',
      ),
      workload(
        'Pod',
        'containers: [{ name: w, readinessProbe: { httpGet: { port: [80] } }, livenessProbe: 3, env: { A: 1 }, ports: "80" }]',
      ),
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        spec: { startingDeadlineSeconds: 'soon', concurrencyPolicy: 'Forbid' },
      },
    ];
    const ids = [
      'full-outage-rollout',
      'no-anti-affinity',
      'grace-period-shorter-than-prestop',
      'probes-identical',
      'probe-port-not-exposed',
      'probe-port-not-declared',
      'duplicate-env',
      'duplicate-port-name',
      'cronjob-missing-deadline',
    ];
    for (const object of odd)
      for (const id of ids)
        assert.deepEqual(
          bare(byId(id).check(object, context)),
          [],
          `${id} on ${JSON.stringify(object).slice(0, 80)}`,
        );
  });
});
