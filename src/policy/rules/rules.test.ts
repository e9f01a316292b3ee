/**
 * Every rule: one failing and one passing pod (tutorial style), the exact violations, and the
 * same pod under every workload kind. A contract test over all rules checks what each must declare.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { KubeObject } from '../input.ts';
import { KEBAB_CASE, type Rule, type Violation } from '../rule.ts';
import { WORKLOAD_KINDS } from '../workload.ts';
import { CROSS_OBJECT_RULES } from './cross-object.ts';
import { RULES } from './index.ts';

/** Rules that judge one object alone: a lone hardened pod must pass each of them. */
const SINGLE_OBJECT_RULES = RULES.filter((rule) => !CROSS_OBJECT_RULES.includes(rule));
const byId = (id: string): Rule => RULES.find((rule) => rule.id === id)!;
const context = { objects: [] };

/** A pod spec (YAML) wrapped in the given workload kind. */
function workload(kind: string, podSpecYaml: string): KubeObject {
  const spec = parse(podSpecYaml) as Record<string, unknown>;
  const labels = { 'app.kubernetes.io/name': 'web' };
  const template = { metadata: { labels }, spec };
  const specs: Record<string, unknown> = {
    Pod: spec,
    CronJob: { schedule: '* * * * *', jobTemplate: { spec: { template } } },
  };
  return {
    apiVersion: 'v1',
    kind,
    metadata: { name: 'web', namespace: 'shop', labels },
    spec: specs[kind] ?? { template },
  };
}

const HARDENED = `
securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: RuntimeDefault } }
serviceAccountName: web
priorityClassName: business-critical
restartPolicy: OnFailure
automountServiceAccountToken: false
volumes: [{ name: tmp, emptyDir: {} }]
containers:
  - name: web
    image: nginx:1.27.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    imagePullPolicy: Always
    env:
      - { name: DB_PASSWORD, valueFrom: { secretKeyRef: { name: db, key: password } } }
      - { name: PASSWORD_FILE, value: /run/secrets/db }
      - { name: TOKEN, value: $(OTHER_TOKEN) }
    resources:
      requests: { cpu: 100m, memory: 64Mi, ephemeral-storage: 64Mi }
      limits: { memory: 128Mi, ephemeral-storage: 1Gi }
    readinessProbe: { httpGet: { path: /ready, port: 80 } }
    livenessProbe: { httpGet: { path: /healthz, port: 80 } }
    ports: [{ containerPort: 80, hostPort: 0 }]
    securityContext:
      allowPrivilegeEscalation: false
      privileged: false
      readOnlyRootFilesystem: true
      capabilities: { drop: [ALL], add: [NET_BIND_SERVICE] }
`;

interface Row {
  rule: string;
  fail: string;
  violations: Violation[];
}

const rows: Row[] = [
  {
    rule: 'privileged-container',
    fail: `
initContainers:
  - { name: setup, image: busybox:1.36, securityContext: { privileged: true } }
containers:
  - { name: web, image: nginx, securityContext: { privileged: true } }
`,
    violations: [
      { container: 'setup', message: 'runs privileged (securityContext.privileged: true)' },
      { container: 'web', message: 'runs privileged (securityContext.privileged: true)' },
    ],
  },
  {
    rule: 'privilege-escalation-allowed',
    fail: `
containers:
  - { name: web, image: nginx }
  - { name: sidecar, image: envoy:1.30, securityContext: { allowPrivilegeEscalation: true } }
`,
    violations: [
      { container: 'web', message: 'allowPrivilegeEscalation is not false' },
      { container: 'sidecar', message: 'allowPrivilegeEscalation is not false' },
    ],
  },
  {
    rule: 'runs-as-root',
    fail: `
securityContext: { runAsNonRoot: true }
containers:
  - { name: web, image: nginx, securityContext: { runAsUser: 0 } }
  - { name: ok, image: nginx }
`,
    violations: [{ container: 'web', message: 'runs as root (runAsUser: 0)' }],
  },
  {
    rule: 'runs-as-root',
    fail: `
containers:
  - { name: web, image: nginx }
`,
    violations: [
      { container: 'web', message: 'may run as root: runAsNonRoot is not true and no runAsUser is set' },
    ],
  },
  {
    rule: 'read-only-root-filesystem',
    fail: `
initContainers: [{ name: setup, image: busybox, securityContext: { readOnlyRootFilesystem: true } }]
containers: [{ name: web, image: nginx, securityContext: { readOnlyRootFilesystem: false } }, { name: log, image: x }]
`,
    violations: [
      { container: 'web', message: 'readOnlyRootFilesystem is not true' },
      { container: 'log', message: 'readOnlyRootFilesystem is not true' },
    ],
  },
  {
    rule: 'capabilities-not-dropped',
    fail: `
containers:
  - { name: web, image: nginx }
  - { name: net, image: x, securityContext: { capabilities: { drop: [NET_RAW] } } }
  - { name: ok, image: x, securityContext: { capabilities: { drop: [all] } } }
`,
    violations: [
      { container: 'web', message: 'capabilities.drop does not include ALL' },
      { container: 'net', message: 'capabilities.drop does not include ALL' },
    ],
  },
  {
    rule: 'dangerous-capabilities',
    fail: `
initContainers: [{ name: setup, image: x, securityContext: { capabilities: { add: [CAP_SYS_ADMIN, CHOWN] } } }]
containers:
  - { name: web, image: nginx, securityContext: { capabilities: { drop: [ALL], add: [NET_ADMIN, NET_RAW, SYS_PTRACE] } } }
  - { name: all, image: x, securityContext: { capabilities: { add: [ALL] } } }
  - { name: ok, image: x, securityContext: { capabilities: { add: [NET_BIND_SERVICE] } } }
`,
    violations: [
      { container: 'setup', message: 'adds capability SYS_ADMIN' },
      { container: 'web', message: 'adds capability NET_ADMIN' },
      { container: 'web', message: 'adds capability NET_RAW' },
      { container: 'web', message: 'adds capability SYS_PTRACE' },
      { container: 'all', message: 'adds capability ALL' },
    ],
  },
  {
    rule: 'host-namespaces',
    fail: `
hostNetwork: true
hostPID: true
hostIPC: false
containers: [{ name: web, image: nginx }]
`,
    violations: [
      { message: "hostNetwork: true shares the node's network with the pod" },
      { message: "hostPID: true shares the node's processes with the pod" },
    ],
  },
  {
    rule: 'host-path-mount',
    fail: `
volumes:
  - { name: logs, hostPath: { path: /var/log } }
  - { name: docker, hostPath: { path: /var/run/docker.sock, type: Socket } }
  - { name: containerd, hostPath: { path: /run/containerd/containerd.sock } }
  - { name: tmp, emptyDir: {} }
containers: [{ name: web, image: nginx }]
`,
    violations: [
      { message: 'volume logs mounts hostPath /var/log' },
      {
        message:
          'volume docker mounts the container runtime socket /var/run/docker.sock from the host (root on the node)',
      },
      {
        message:
          'volume containerd mounts the container runtime socket /run/containerd/containerd.sock from the host (root on the node)',
      },
    ],
  },
  {
    rule: 'host-port',
    fail: `
containers:
  - { name: web, image: nginx, ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 443 }] }
  - { name: ok, image: x, ports: [{ containerPort: 9090, hostPort: 0 }] }
`,
    violations: [{ container: 'web', message: 'hostPort 8080 is set' }],
  },
  {
    rule: 'no-seccomp-profile',
    fail: `
containers:
  - { name: web, image: nginx }
  - { name: open, image: x, securityContext: { seccompProfile: { type: Unconfined } } }
  - { name: own, image: x, securityContext: { seccompProfile: { type: Localhost, localhostProfile: p.json } } }
`,
    violations: [
      { container: 'web', message: 'no seccompProfile (pod or container)' },
      { container: 'open', message: 'seccompProfile.type is Unconfined, not RuntimeDefault or Localhost' },
    ],
  },
  {
    rule: 'no-seccomp-profile',
    fail: `
securityContext: { seccompProfile: { type: RuntimeDefault } }
containers:
  - { name: web, image: nginx }
  - { name: open, image: x, securityContext: { seccompProfile: { type: Unconfined } } }
`,
    violations: [
      { container: 'open', message: 'seccompProfile.type is Unconfined, not RuntimeDefault or Localhost' },
    ],
  },
  {
    rule: 'service-account-token-mounted',
    fail: `
automountServiceAccountToken: true
containers: [{ name: web, image: nginx }]
`,
    violations: [{ message: 'automountServiceAccountToken is not false' }],
  },
  {
    rule: 'service-account-token-mounted',
    fail: `
containers: [{ name: web, image: nginx }]
`,
    violations: [{ message: 'automountServiceAccountToken is not false' }],
  },
  {
    rule: 'default-service-account',
    fail: `
containers: [{ name: web, image: nginx }]
`,
    violations: [{ message: 'no serviceAccountName (uses default)' }],
  },
  {
    rule: 'default-service-account',
    fail: `
serviceAccountName: default
containers: [{ name: web, image: nginx }]
`,
    violations: [{ message: 'serviceAccountName is default' }],
  },
  {
    rule: 'image-tag-latest',
    fail: `
containers:
  - { name: a, image: nginx }
  - { name: b, image: "nginx:latest" }
  - { name: c, image: "localhost:5000/app" }
  - { name: d, image: "localhost:5000/app:1.0" }
  - { name: e, image: "nginx@sha256:0123456789abcdef" }
`,
    violations: [
      { container: 'a', message: 'image nginx has no tag (means :latest)' },
      { container: 'b', message: 'image nginx:latest uses the :latest tag' },
      { container: 'c', message: 'image localhost:5000/app has no tag (means :latest)' },
    ],
  },
  {
    rule: 'missing-resources',
    fail: `
containers:
  - { name: a, image: nginx }
  - { name: b, image: nginx, resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { cpu: "1" } } }
  - { name: limits-only, image: nginx, resources: { limits: { cpu: 500m, memory: 256Mi } } }
  - { name: c, image: nginx, resources: { limits: { cpu: 500m } } }
`,
    violations: [
      { container: 'a', message: 'no cpu request' },
      { container: 'a', message: 'no memory request' },
      { container: 'a', message: 'no memory limit' },
      { container: 'b', message: 'no memory limit' },
      { container: 'c', message: 'no memory request' },
      { container: 'c', message: 'no memory limit' },
    ],
  },
  {
    rule: 'missing-readiness-probe',
    fail: `
initContainers: [{ name: setup, image: busybox }]
containers: [{ name: web, image: nginx, livenessProbe: { tcpSocket: { port: 80 } } }]
`,
    violations: [{ container: 'web', message: 'no readinessProbe' }],
  },
  {
    rule: 'missing-liveness-probe',
    fail: `
initContainers: [{ name: setup, image: busybox }]
containers: [{ name: web, image: nginx, readinessProbe: { tcpSocket: { port: 80 } } }]
`,
    violations: [{ container: 'web', message: 'no livenessProbe' }],
  },
  {
    rule: 'secret-in-env',
    fail: `
containers:
  - name: web
    image: nginx
    env:
      - { name: MYSQL_ROOT_PASSWORD, value: hunter2 }
      - { name: STRIPE_API_KEY, value: sk_live_123 }
      - { name: github_token, value: ghp_abc }
      - { name: LOG_LEVEL, value: debug }
      - { name: EMPTY_SECRET, value: "" }
`,
    violations: [
      { container: 'web', message: 'env MYSQL_ROOT_PASSWORD holds a literal value' },
      { container: 'web', message: 'env STRIPE_API_KEY holds a literal value' },
      { container: 'web', message: 'env github_token holds a literal value' },
    ],
  },
];

/** Violations without where they are and which checks they are (tested in engine.test.ts). */
const bare = (violations: readonly Violation[]) =>
  violations.map(({ path: _path, aliases: _aliases, ...rest }) => rest);

describe('rules: failing and passing pods', () => {
  for (const row of rows) {
    it(`${row.rule}: fails ${row.violations.map((v) => v.container).join(', ')}`, () => {
      assert.deepEqual(bare(byId(row.rule).check(workload('Deployment', row.fail), context)), row.violations);
    });
  }
  for (const rule of SINGLE_OBJECT_RULES) {
    it(`${rule.id}: passes a hardened pod`, () => {
      assert.deepEqual(bare(rule.check(workload('Deployment', HARDENED), context)), []);
    });
  }
});

describe('rules: every workload kind', () => {
  for (const row of rows.filter((r) => !r.rule.startsWith('missing-') || r.rule === 'missing-resources')) {
    for (const kind of WORKLOAD_KINDS)
      it(`${row.rule} on a ${kind}`, () => {
        assert.deepEqual(bare(byId(row.rule).check(workload(kind, row.fail), context)), row.violations);
      });
  }
  it('probe rules skip Jobs and CronJobs (they run to completion)', () => {
    for (const id of ['missing-readiness-probe', 'missing-liveness-probe'])
      for (const kind of ['Job', 'CronJob'])
        assert.deepEqual(
          bare(byId(id).check(workload(kind, 'containers: [{ name: w, image: x }]'), context)),
          [],
        );
  });
});

describe('rules: the contract every rule keeps', () => {
  const crd = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w' },
    spec: { containers: [] },
  };
  const malformed: KubeObject[] = [
    { kind: 'Deployment' },
    { kind: 'Deployment', spec: 'nope' },
    { kind: 'Deployment', spec: { template: { spec: { containers: 'x', initContainers: [null, 3] } } } },
    { kind: 'Pod', spec: { containers: [{ name: 1, env: 'x', resources: 'y', securityContext: [] }] } },
    { kind: 'Pod', spec: { securityContext: 'x', containers: [{ env: [null, { name: 5 }] }] } },
  ];
  it('ids are kebab-case and unique', () => {
    for (const rule of RULES) assert.match(rule.id, KEBAB_CASE);
    assert.equal(new Set(RULES.map((r) => r.id)).size, RULES.length);
  });
  for (const rule of RULES) {
    it(`${rule.id}: declares title, why, fix, docs and aliases`, () => {
      assert.ok(rule.title && rule.why && rule.fix, 'title, why and fix are not empty');
      assert.match(rule.docs, /^https:\/\/kubernetes\.io\/docs\//);
      parse(rule.fix); // the fix is valid YAML
      for (const id of rule.aliases.checkov ?? []) assert.match(id, /^CKV2?_K8S_\d+$/);
    });
    it(`${rule.id}: skips unknown kinds and never throws on malformed objects`, () => {
      assert.deepEqual(bare(rule.check(crd, context)), []);
      for (const object of malformed) assert.doesNotThrow(() => rule.check(object, context));
    });
  }
});
