/**
 * The day-2 commands on a cluster environment — `gantry status|logs|restart|delete --env prod` —
 * run as users run them (a real CLI process) against a FAKE Kubernetes API server
 * (test/support/fake-kube-api.ts, with pod logs from test/support/fake-pod-logs.ts): contract
 * tests, not cluster tests. They pin the requests sent (paths, selectors, field manager, log
 * query) and what the user reads. `port-forward` runs against a fake pod portforward WebSocket
 * that echoes (test/support/fake-port-forward.ts); its argument forms are in port-mapping.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { FakeKubeApi, kubeconfigFor } from '../support/fake-kube-api.ts';
import { FakePodLogs } from '../support/fake-pod-logs.ts';
import { GANTRY, gantry } from '../support/gantry.ts';

const SPEC = `app: demo
services:
  api:
    image: ghcr.io/acme/demo-api:1.0.0
    port: 8000
    replicas: 2
    resources: { requests: { cpu: 250m, memory: 256Mi }, limits: { memory: 512Mi } }
    autoscale: { min: 2, max: 6, cpu: 70 }
  worker:
    image: ghcr.io/acme/demo-worker:2.1.0
environments:
  prod: {}
`;

const work = mkdtempSync(join(tmpdir(), 'gantry-day2-'));
after(() => rmSync(work, { recursive: true, force: true }));
const specFile = join(work, 'gantry.yaml');
writeFileSync(specFile, SPEC);

const OURS = { 'app.kubernetes.io/managed-by': 'gantry', 'app.kubernetes.io/part-of': 'demo' };
const labelled = (name: string, version: string) => ({
  ...OURS,
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/version': version,
});

let fake: FakeKubeApi;
let logs: FakePodLogs;
let kubeconfig: string;

function run(...args: string[]) {
  return gantry([...args, '--file', specFile, '--env', 'prod', '--kubeconfig', kubeconfig], {
    timeoutMs: 60_000,
  });
}

function deployment(name: string, service: string, version: string, replicas: number, ready: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'demo', labels: labelled(service, version), generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': service } },
      template: {
        metadata: { labels: labelled(service, version) },
        spec: { containers: [{ name: service, image: `ghcr.io/acme/demo-${service}:${version}` }] },
      },
    },
    status: { observedGeneration: 1, replicas, readyReplicas: ready, updatedReplicas: replicas },
  };
}

function pod(name: string, service: string, restarts: number) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'demo', labels: labelled(service, '1.0.0') },
    spec: { containers: [{ name: service, image: 'x' }] },
    status: { phase: 'Running', containerStatuses: [{ name: service, restartCount: restarts }] },
  };
}

function event(name: string, type: string, reason: string, message: string, minutesAgo: number) {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'demo' },
    type,
    reason,
    message,
    count: 3,
    involvedObject: { kind: 'Pod', name: 'api-7d9-b' },
    lastTimestamp: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  };
}

describe('gantry day-2 commands on a cluster — contract tests (fake API server)', () => {
  beforeEach(async () => {
    await fake?.stop();
    await logs?.stop();
    fake = new FakeKubeApi();
    logs = new FakePodLogs();
    const server = await logs.start(await fake.start());
    kubeconfig = join(work, `kubeconfig-${Date.now()}`);
    writeFileSync(kubeconfig, kubeconfigFor(server));
  });
  after(async () => {
    await fake?.stop();
    await logs?.stop();
  });

  it('status: ready/desired and versions from the Deployments, restarts from the pods, the HPA, recent Warning events', async () => {
    fake.put(deployment('api', 'api', '1.0.0', 3, 2));
    fake.put(deployment('api-canary', 'api', '1.1.0', 1, 1));
    fake.put(pod('api-7d9-a', 'api', 0));
    fake.put(pod('api-7d9-b', 'api', 4));
    fake.put({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api', namespace: 'demo', labels: labelled('api', '1.0.0') },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
        minReplicas: 2,
        maxReplicas: 6,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
          },
        ],
      },
      status: {
        currentReplicas: 3,
        desiredReplicas: 4,
        currentMetrics: [
          { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 91 } } },
        ],
        conditions: [{ type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound' }],
      },
    });
    fake.put(event('e1', 'Warning', 'BackOff', 'Back-off restarting failed container api', 2));
    fake.put(event('e2', 'Normal', 'Pulled', 'Successfully pulled image', 1));
    fake.put(event('e3', 'Warning', 'Unhealthy', 'Readiness probe failed: long ago', 180));

    const text = await run('status');
    assert.equal(text.code, 0, text.stderr);
    assert.equal(
      text.stdout,
      [
        'demo (prod) in namespace demo on fake',
        '',
        'SERVICE  URL  VERSION                READY  RESTARTS  REQ/S  ERRORS  P95',
        'api      -    1.0.0(2/3) 1.1.0(1/1)  3/4    4         -      -       -',
        'worker   -    not deployed           0/0    0         -      -       -',
        '',
        'AUTOSCALED  CURRENT  DESIRED  MIN–MAX  METRICS (current/target)  REASON',
        'api         3        4        2–6      cpu 91%/70%               ValidMetricFound',
        '',
        'recent warnings:',
        '  Pod/api-7d9-b BackOff (×3): Back-off restarting failed container api',
        '',
      ].join('\n'),
    );
    const selector = 'app.kubernetes.io/managed-by=gantry,app.kubernetes.io/part-of=demo';
    const lists = fake.requests
      .filter((r) => r.method === 'GET')
      .map((r) => `${r.path} ${r.query.labelSelector ?? r.query.fieldSelector}`);
    assert.ok(lists.includes(`/apis/apps/v1/namespaces/demo/deployments ${selector}`), lists.join('\n'));
    assert.ok(lists.includes('/api/v1/namespaces/demo/events type=Warning'), lists.join('\n'));

    const json = await run('status', '--output', 'json');
    assert.equal(json.code, 0, json.stderr);
    const status = JSON.parse(json.stdout);
    assert.deepEqual(status.services[0].versions, [
      { version: '1.0.0', deployment: 'api', desired: 3, ready: 2 },
      { version: '1.1.0', deployment: 'api-canary', desired: 1, ready: 1 },
    ]);
    assert.deepEqual(status.services[0].autoscale, {
      minReplicas: 2,
      maxReplicas: 6,
      currentReplicas: 3,
      desiredReplicas: 4,
      metrics: 'cpu 91%/70%',
      reason: 'ValidMetricFound',
    });
    assert.deepEqual(
      status.warnings.map((w: { reason: string }) => w.reason),
      ['BackOff'],
    );
  });

  it('logs: every pod of the service, prefixed, with --since and --tail in the log query', async () => {
    fake.put(pod('api-7d9-b', 'api', 0));
    fake.put(pod('api-7d9-a', 'api', 0));
    fake.put(pod('worker-5c-a', 'worker', 0));
    logs.logs.set('demo/api-7d9-a', 'listening on 8000\nGET /health 200\n');
    logs.logs.set('demo/api-7d9-b', 'listening on 8000\nno newline at the end');
    const { code, stdout, stderr } = await run('logs', 'api', '--since', '10m', '--tail', '50');
    assert.equal(code, 0, stderr);
    assert.equal(
      stdout,
      [
        'api-7d9-a | listening on 8000',
        'api-7d9-a | GET /health 200',
        'api-7d9-b | listening on 8000',
        'api-7d9-b | no newline at the end',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      logs.requests.map((r) => [
        r.pod,
        r.query.container,
        r.query.follow,
        r.query.sinceSeconds,
        r.query.tailLines,
      ]),
      [
        ['demo/api-7d9-a', 'api', 'false', '600', '50'],
        ['demo/api-7d9-b', 'api', 'false', '600', '50'],
      ],
    );
  });

  it('status --replicas: every pod with its version, node, state (a waiting reason first), readiness and restarts', async () => {
    fake.put(deployment('api', 'api', '1.0.0', 2, 1));
    const running = pod('api-7d9-a', 'api', 0);
    fake.put({
      ...running,
      spec: { ...running.spec, nodeName: 'node-1' },
      status: { ...running.status, conditions: [{ type: 'Ready', status: 'True' }] },
    });
    fake.put({
      ...pod('api-7d9-b', 'api', 5),
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [
          { name: 'api', restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      },
    });
    const text = await run('status', '--replicas');
    assert.equal(text.code, 0, text.stderr);
    assert.ok(
      text.stdout.endsWith(
        [
          'POD        VERSION  NODE    STATE             READY  RESTARTS',
          'api-7d9-a  1.0.0    node-1  Running           yes    0',
          'api-7d9-b  1.0.0    -       CrashLoopBackOff  no     5',
          '',
        ].join('\n'),
      ),
      text.stdout,
    );
    const json = JSON.parse((await run('status', '--output', 'json')).stdout);
    assert.deepEqual(json.services[0].pods[1], {
      name: 'api-7d9-b',
      version: '1.0.0',
      node: null,
      state: 'CrashLoopBackOff',
      ready: false,
      restarts: 5,
    });
  });

  it('logs --replica: one pod by its name or its suffix; no match or several say which pods there are', async () => {
    fake.put(pod('api-7d9-a', 'api', 0));
    fake.put(pod('api-7d9-b', 'api', 0));
    fake.put(pod('api-8e1-b', 'api', 0));
    logs.logs.set('demo/api-7d9-a', 'from a\n');
    const bySuffix = await run('logs', 'api', '--replica', 'a');
    assert.equal(bySuffix.code, 0, bySuffix.stderr);
    assert.equal(bySuffix.stdout, 'api-7d9-a | from a\n');
    assert.deepEqual(
      logs.requests.map((r) => r.pod),
      ['demo/api-7d9-a'],
    );
    const ambiguous = await run('logs', 'api', '--replica', 'b');
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, /--replica b matches 2 pods: api-7d9-b, api-8e1-b/);
    const none = await run('logs', 'api', '--replica', 'zz');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no pod of api is named zz or ends in -zz/);
    assert.match(none.stderr, /pods of api: api-7d9-a, api-7d9-b, api-8e1-b/);
    assert.doesNotMatch(none.stderr, /at .*\.ts:\d+/, 'no stack trace');
  });

  it('logs: a pod whose log cannot be read is a warning; the other pods are still shown (exit 1)', async () => {
    fake.put(pod('api-7d9-a', 'api', 0));
    fake.put(pod('api-7d9-b', 'api', 0));
    logs.logs.set('demo/api-7d9-b', 'still here\n');
    const { code, stdout, stderr } = await run('logs', 'api');
    assert.equal(code, 1);
    assert.equal(stdout, 'api-7d9-b | still here\n');
    assert.equal(
      stderr,
      'warning: cannot read the log of pod demo/api-7d9-a (container api): the API answered 404\n' +
        '  hint: kubectl describe pod api-7d9-a -n demo shows why (a container still waiting to start has no log yet)\n',
    );
  });

  it('logs: a service without pods, a bad --since and an unknown service say so without a stack', async () => {
    const none = await run('logs', 'worker');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /error: no pods of worker in namespace demo\n {2}hint: has it been applied\?/);
    const since = await run('logs', 'api', '--since', 'soon');
    assert.equal(since.code, 2);
    assert.match(since.stderr, /error: --since soon: not a duration\n {2}hint: e\.g\. --since 10m/);
    const unknown = await run('logs', 'apu');
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /error: no service `apu` in .*gantry\.yaml\n {2}hint: services: api, worker/,
    );
    assert.doesNotMatch(none.stderr + since.stderr + unknown.stderr, /at .*\.ts:\d+/);
  });

  it('restart: server-side apply of restartedAt under its own field manager keeps the applied Deployment whole, then waits for the rollout', async () => {
    const applied = await gantry(
      ['apply', '-f', specFile, '--env', 'prod', '--kubeconfig', kubeconfig, '--timeout', '20s'],
      { timeoutMs: 60_000 },
    );
    assert.equal(applied.code, 0, applied.stderr);
    const path = '/apis/apps/v1/namespaces/demo/deployments/api';
    const before = fake.objects.get(path)!;
    fake.requests.length = 0;

    const { code, stdout, stderr } = await run('restart', 'api', '--timeout', '20s');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /restarting Deployment demo\/api\n/);
    assert.match(stdout, /✓ api: every pod replaced and ready\n$/);
    const patch = fake.requests.find((r) => r.method === 'PATCH')!;
    assert.equal(patch.path, path);
    assert.equal(patch.contentType, 'application/apply-patch+yaml');
    assert.equal(patch.query.fieldManager, 'gantry-restart');
    assert.equal(patch.query.force, 'true');
    assert.deepEqual(Object.keys(patch.body as object), ['apiVersion', 'kind', 'metadata', 'spec']);
    const after = fake.objects.get(path)!;
    const annotations = (after.spec as { template: { metadata: { annotations: Record<string, string> } } })
      .template.metadata.annotations;
    assert.match(annotations['kubectl.kubernetes.io/restartedAt']!, /^\d{4}-\d\d-\d\dT/);
    const containers = (o: typeof before) =>
      (o.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers;
    assert.deepEqual(containers(after), containers(before));
    assert.ok(fake.requests.some((r) => r.query.watch === 'true' && r.path.endsWith('/deployments')));
  });

  it('restart: a service with no Deployment on the cluster names the command to run', async () => {
    const { code, stderr } = await run('restart', 'worker');
    assert.equal(code, 1);
    assert.match(
      stderr,
      /error: no Deployment of worker in namespace demo on fake\n {2}hint: apply it first: gantry apply --env prod/,
    );
  });

  it('delete: refuses without a terminal or --yes; with --yes deletes only our objects, dependants first, and keeps the Namespace', async () => {
    fake.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', labels: OURS } });
    fake.put(deployment('api', 'api', '1.0.0', 2, 2));
    fake.put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api', namespace: 'demo', labels: OURS },
    });
    fake.put({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api', namespace: 'demo', labels: OURS },
    });
    fake.put({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'someone-elses', namespace: 'demo', labels: { 'app.kubernetes.io/part-of': 'demo' } },
    });

    const refused = await run('delete');
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /error: refusing to delete 3 objects of demo \(prod\) in namespace demo on fake without a confirmation\n {2}hint: run it on a terminal to be asked, or pass --yes/,
    );
    assert.equal(fake.requests.filter((r) => r.method === 'DELETE').length, 0);

    const { code, stdout, stderr } = await run('delete', '--yes');
    assert.equal(code, 0, stderr);
    assert.deepEqual(
      fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path),
      [
        '/apis/autoscaling/v2/namespaces/demo/horizontalpodautoscalers/api',
        '/apis/apps/v1/namespaces/demo/deployments/api',
        '/api/v1/namespaces/demo/services/api',
      ],
    );
    assert.match(stdout, /namespace demo kept \(pass --include-namespace to delete it too\)\n/);
    assert.ok(fake.objects.has('/api/v1/namespaces/demo/configmaps/someone-elses'));
    assert.ok(fake.objects.has('/api/v1/namespaces/demo'));
  });

  it('delete --include-namespace: the Namespace goes only when it carries our labels', async () => {
    fake.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', labels: {} } });
    fake.put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api', namespace: 'demo', labels: OURS },
    });
    const kept = await run('delete', '--yes', '--include-namespace', '--output', 'json');
    assert.equal(kept.code, 0, kept.stderr);
    assert.deepEqual(JSON.parse(kept.stdout), {
      app: 'demo',
      environment: 'prod',
      context: 'fake',
      namespace: 'demo',
      deleted: [{ apiVersion: 'v1', kind: 'Service', name: 'api' }],
      namespaceKept: "namespace demo is not labelled as Gantry's for demo",
    });
    assert.ok(fake.objects.has('/api/v1/namespaces/demo'));

    fake.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', labels: OURS } });
    const gone = await run('delete', '--yes', '--include-namespace');
    assert.equal(gone.code, 0, gone.stderr);
    assert.ok(!fake.objects.has('/api/v1/namespaces/demo'));
  });

  it('port-forward: on 127.0.0.1, through the pod portforward WebSocket to a ready pod; bytes go both ways', async () => {
    fake.put(pod('api-7d9-a', 'api', 0)); // not ready: passed over
    fake.put({
      ...pod('api-7d9-b', 'api', 0),
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
    const child = spawn(
      process.execPath,
      [
        GANTRY,
        'port-forward',
        'api',
        ':8000',
        '--file',
        specFile,
        '--env',
        'prod',
        '--kubeconfig',
        kubeconfig,
      ],
      { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
          if (out.includes('\n')) resolve(out);
        });
        child.once('exit', () => reject(new Error(`port-forward exited: ${stderr}`)));
      });
      const match =
        /^forwarding 127\.0\.0\.1:(\d+) -> pod demo\/api-7d9-b port 8000 \(Ctrl-C to stop\)\n$/.exec(line);
      assert.ok(match, line);
      const echoed = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(match[1]), '127.0.0.1', () => socket.write('ping'));
        let got = '';
        socket.on('data', (chunk) => {
          got += chunk;
          if (got.length >= 4) {
            socket.end();
            resolve(got);
          }
        });
        socket.on('error', reject);
      });
      assert.equal(echoed, 'ping');
      assert.deepEqual(logs.portForward.opened, ['demo/api-7d9-b:8000']);
    } finally {
      if (child.exitCode === null) process.kill(child.pid!, 'SIGINT');
    }
    assert.equal(await exited, 0, stderr);
  });

  it('without --env the local commands are unchanged: they look for the local daemon', async () => {
    const { code, stderr } = await gantry(['status', '-f', specFile], { timeoutMs: 30_000 });
    assert.equal(code, 1);
    assert.match(stderr, /error: no gantry daemon is running for /);
    assert.equal(fake.requests.length, 0);
  });
});
