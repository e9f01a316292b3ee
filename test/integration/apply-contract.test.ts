/**
 * `gantry apply` as users run it (a real CLI process) against a FAKE Kubernetes API server
 * (test/support/fake-kube-api.ts) — contract tests, not cluster tests: they pin which requests
 * the adapter sends (paths, order, content type, fieldManager/force/dryRun query, label
 * selectors) and how it reads the answers (watch events, Status errors).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { FakeKubeApi, kubeconfigFor } from '../support/fake-kube-api.ts';
import { gantry } from '../support/gantry.ts';

const SPEC = `app: demo
services:
  api:
    image: ghcr.io/acme/demo-api:1.0.0
    port: 8000
    replicas: 2
    env: { LOG_LEVEL: info }
    secrets: [API_KEY]
    routes: [ { host: demo.example.com } ]
backing:
  cache: { kind: redis }
environments:
  prod: {}
`;

const work = mkdtempSync(join(tmpdir(), 'gantry-apply-'));
after(() => rmSync(work, { recursive: true, force: true }));
const specFile = join(work, 'gantry.yaml');
writeFileSync(specFile, SPEC);
writeFileSync(
  join(work, 'external.yaml'),
  `${SPEC.replace('app: demo\n', 'app: demo\nsecrets: { provider: external-secrets, store: vault }\n')}`,
);

const API_SECRET = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'demo-api-secrets', namespace: 'demo' },
};
const DEPLOYMENT = '/apis/apps/v1/namespaces/demo/deployments/api';

let fake: FakeKubeApi;
let kubeconfig: string;

async function startFake(): Promise<void> {
  fake = new FakeKubeApi();
  const server = await fake.start();
  kubeconfig = join(work, `kubeconfig-${Date.now()}`);
  writeFileSync(kubeconfig, kubeconfigFor(server));
}

function apply(...args: string[]) {
  return gantry(
    ['apply', '-f', specFile, '--env', 'prod', '--kubeconfig', kubeconfig, '--timeout', '20s', ...args],
    {
      timeoutMs: 60_000,
    },
  );
}

describe('gantry apply — contract tests (fake API server)', () => {
  beforeEach(async () => {
    await fake?.stop();
    await startFake();
  });
  after(() => fake?.stop());

  it('applies in dependency order with server-side apply (fieldManager gantry, no force) and waits for the rollout', async () => {
    fake.put(API_SECRET);
    const { code, stdout, stderr } = await apply();
    assert.equal(code, 0, stderr);
    assert.deepEqual(
      fake.calls().filter((c) => !c.includes('/pods') && !c.includes('/events')),
      [
        'PATCH /api/v1/namespaces/demo/serviceaccounts/api',
        'PATCH /api/v1/namespaces/demo/serviceaccounts/demo-cache',
        'PATCH /api/v1/namespaces/demo/configmaps/api-config',
        'GET /api/v1/namespaces/demo/secrets/demo-api-secrets',
        'PATCH /apis/apps/v1/namespaces/demo/statefulsets/demo-cache',
        // a release may own fields of Services and Deployments: apply reads them first (none here)
        'GET /api/v1/namespaces/demo/services/api',
        'PATCH /api/v1/namespaces/demo/services/api',
        'GET /api/v1/namespaces/demo/services/demo-cache',
        'PATCH /api/v1/namespaces/demo/services/demo-cache',
        `GET ${DEPLOYMENT}`,
        `PATCH ${DEPLOYMENT}`,
        'PATCH /apis/policy/v1/namespaces/demo/poddisruptionbudgets/api',
        'PATCH /apis/policy/v1/namespaces/demo/poddisruptionbudgets/demo-cache',
        'PATCH /apis/networking.k8s.io/v1/namespaces/demo/networkpolicies/api',
        'PATCH /apis/networking.k8s.io/v1/namespaces/demo/networkpolicies/demo-default-deny',
        'PATCH /apis/networking.k8s.io/v1/namespaces/demo/ingresses/api',
        // the rollout wait: one watch per workload (order of the two is not fixed)
        ...fake
          .calls()
          .filter(
            (c) => c.startsWith('GET /apis/apps/v1/namespaces/demo/') && !/\/(api|demo-cache)$/.test(c),
          ),
      ],
    );
    const patches = fake.requests.filter((r) => r.method === 'PATCH');
    for (const patch of patches) {
      assert.equal(patch.contentType, 'application/apply-patch+yaml');
      assert.deepEqual(patch.query, { fieldManager: 'gantry' }, patch.path);
    }
    // The body is the rendered object as `gantry render` prints it, nothing dropped by the client.
    const rendered = await gantry([
      'render',
      '-f',
      specFile,
      '--env',
      'prod',
      '--output',
      join(work, 'rendered'),
    ]);
    assert.equal(rendered.code, 0, rendered.stderr);
    const body = patches.find((p) => p.path === DEPLOYMENT)!.body as { spec: { template: unknown } };
    const { parse } = await import('yaml');
    const { readFileSync, readdirSync } = await import('node:fs');
    const file = readdirSync(join(work, 'rendered')).find((f) => /deployment.*api/i.test(f))!;
    assert.deepEqual(body, parse(readFileSync(join(work, 'rendered', file), 'utf8')));
    const watches = fake.requests.filter((r) => r.query.watch === 'true');
    assert.deepEqual(watches.map((w) => `${w.path}?fieldSelector=${w.query.fieldSelector}`).sort(), [
      '/apis/apps/v1/namespaces/demo/deployments?fieldSelector=metadata.name=api',
      '/apis/apps/v1/namespaces/demo/statefulsets?fieldSelector=metadata.name=demo-cache',
    ]);
    assert.match(stdout, /^applied Deployment demo\/api$/m);
    assert.match(
      stdout,
      /^… Deployment demo\/api: 0\/2 updated, 0 ready, 0 available — waiting for the controller to see the new spec$/m,
    );
    assert.match(stdout, /^✓ Deployment demo\/api: 2\/2 updated, 2 ready, 2 available — 2\/2 available$/m);
    assert.match(
      stdout,
      /^✓ StatefulSet demo\/demo-cache: 1\/1 updated, 1 ready, 1 available — 1\/1 ready$/m,
    );
    assert.match(stdout, /^✓ demo \(prod\): 12 objects applied, 2 workloads rolled out$/m);
  });

  it('--force-conflicts sends force=true; --dry-run=server sends dryRun=All, persists nothing and does not wait', async () => {
    fake.put(API_SECRET);
    const forced = await apply('--force-conflicts', '--output', 'json');
    assert.equal(forced.code, 0, forced.stderr);
    for (const patch of fake.requests.filter((r) => r.method === 'PATCH'))
      assert.deepEqual(patch.query, { fieldManager: 'gantry', force: 'true' });
    const document = JSON.parse(forced.stdout);
    assert.equal(document.applied.length, 12);
    assert.deepEqual(document.rolledOut.map((o: { name: string }) => o.name).sort(), ['api', 'demo-cache']);

    await fake.stop();
    await startFake();
    fake.put(API_SECRET);
    const dry = await apply('--dry-run=server');
    assert.equal(dry.code, 0, dry.stderr);
    const patches = fake.requests.filter((r) => r.method === 'PATCH');
    assert.equal(patches.length, 12);
    for (const patch of patches) assert.deepEqual(patch.query, { fieldManager: 'gantry', dryRun: 'All' });
    assert.equal(fake.objects.size, 1, 'only the Secret the test put there');
    assert.equal(fake.requests.filter((r) => r.query.watch === 'true').length, 0);
    assert.match(dry.stdout, /^applied Deployment demo\/api \(server dry run\)$/m);
  });

  it('a missing Secret stops apply before any workload, naming it with the kubectl create secret line', async () => {
    const { code, stderr } = await apply();
    assert.equal(code, 1);
    assert.equal(
      stderr
        .split('\n')
        .filter((l) => l.startsWith('error') || l.startsWith('  '))
        .join('\n'),
      [
        'error: Secret demo/demo-api-secrets does not exist (read by Deployment api; keys API_KEY)',
        '  nothing that reads it was applied',
        "  hint: kubectl create secret generic demo-api-secrets -n demo --from-literal=API_KEY='…'",
      ].join('\n'),
    );
    assert.ok(!fake.calls().some((c) => c.includes('/deployments/') || c.includes('/statefulsets/')));
  });

  it('--prune deletes only gantry-labelled leftovers of this app, and prints each', async () => {
    fake.put(API_SECRET);
    const labels = (app: string) => ({
      'app.kubernetes.io/managed-by': 'gantry',
      'app.kubernetes.io/part-of': app,
    });
    const deployment = (name: string, l?: Record<string, string>) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'demo', ...(l ? { labels: l } : {}) },
    });
    fake.put(deployment('old-worker', labels('demo')));
    fake.put(deployment('other-app', labels('shop')));
    fake.put(deployment('hand-made'));
    fake.put({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'old-config', namespace: 'demo', labels: labels('demo') },
    });
    fake.notServed.add('postgresql.cnpg.io/v1'); // a kind that is not installed has nothing to prune
    const { code, stdout, stderr } = await apply('--prune');
    assert.equal(code, 0, stderr);
    assert.deepEqual(
      fake.calls().filter((c) => c.startsWith('DELETE')),
      [
        'DELETE /api/v1/namespaces/demo/configmaps/old-config',
        'DELETE /apis/apps/v1/namespaces/demo/deployments/old-worker',
      ],
    );
    const lists = fake.requests.filter(
      (r) => r.method === 'GET' && r.query.labelSelector !== undefined && !r.path.endsWith('/pods'),
    );
    assert.ok(lists.length >= 10);
    for (const list of lists)
      assert.equal(
        list.query.labelSelector,
        'app.kubernetes.io/managed-by=gantry,app.kubernetes.io/part-of=demo',
      );
    assert.match(stdout, /^pruned ConfigMap demo\/old-config\npruned Deployment demo\/old-worker$/m);
    assert.ok(fake.objects.has('/apis/apps/v1/namespaces/demo/deployments/other-app'));
    assert.ok(fake.objects.has('/apis/apps/v1/namespaces/demo/deployments/hand-made'));
    assert.ok(fake.objects.has(DEPLOYMENT));
  });

  it('a Deployment past its progress deadline fails, with the image its pods cannot pull', async () => {
    fake.put(API_SECRET);
    fake.rollout = 'deadline';
    fake.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'api-5d8f-x1',
        namespace: 'demo',
        labels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'demo-api' },
      },
      spec: { containers: [{ name: 'api', image: 'ghcr.io/acme/demo-api:1.0.0' }] },
      status: {
        containerStatuses: [
          {
            name: 'api',
            image: 'ghcr.io/acme/demo-api:1.0.0',
            state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } },
          },
        ],
      },
    });
    const { code, stderr } = await apply();
    assert.equal(code, 1);
    assert.match(
      stderr,
      /^error: Deployment demo\/api exceeded its progress deadline \(progressDeadlineSeconds: \d+\): ReplicaSet "api-5d8f" has timed out progressing\.\n {2}image ghcr\.io\/acme\/demo-api:1\.0\.0 cannot be pulled \(ImagePullBackOff, pod api-5d8f-x1 container api\): Back-off pulling image\n {2}hint: check the image name and tag/m,
    );
    assert.doesNotMatch(stderr, /at .*\.ts:\d+/, 'no stack trace');
  });

  it('403 forbidden names the object, the verb and the resource', async () => {
    fake.put(API_SECRET);
    fake.refusals.push({
      method: 'PATCH',
      path: /\/deployments\/api$/,
      code: 403,
      reason: 'Forbidden',
      message:
        'deployments.apps "api" is forbidden: User "dev" cannot patch resource "deployments" in API group "apps" in the namespace "demo"',
    });
    const { code, stderr } = await apply();
    assert.equal(code, 1);
    assert.equal(
      stderr
        .split('\n')
        .filter((l) => /^(error| {2}hint)/.test(l))
        .join('\n'),
      [
        'error: apply Deployment demo/api: forbidden: deployments.apps "api" is forbidden: User "dev" cannot patch resource "deployments" in API group "apps" in the namespace "demo"',
        '  hint: your user needs RBAC permission to patch deployments.apps in namespace demo; check with: kubectl auth can-i patch deployments.apps -n demo',
      ].join('\n'),
    );
  });

  it('a custom resource whose CRD is not installed (404 on discovery) says what to install', async () => {
    fake.notServed.add('external-secrets.io/v1');
    const { code, stderr } = await gantry(
      ['apply', '-f', join(work, 'external.yaml'), '--env', 'prod', '--kubeconfig', kubeconfig],
      { timeoutMs: 60_000 },
    );
    assert.equal(code, 1);
    assert.match(
      stderr,
      /^error: ExternalSecret demo\/demo-api-secrets: the cluster does not serve ExternalSecret \(external-secrets\.io\/v1\); the External Secrets Operator must be installed\n {2}hint: helm repo add external-secrets/m,
    );
  });

  it('an admission webhook denial gives the webhook message and names the object', async () => {
    fake.put(API_SECRET);
    const denial =
      'admission webhook "validate.kyverno.svc-fail" denied the request: policy Deployment/demo/api for resource violation: require-team-label';
    fake.refusals.push({
      method: 'PATCH',
      path: /\/deployments\/api$/,
      code: 400,
      reason: 'BadRequest',
      message: denial,
    });
    const { code, stderr } = await apply();
    assert.equal(code, 1);
    assert.match(
      stderr,
      new RegExp(
        `^error: apply Deployment demo/api: denied by an admission webhook: ${denial.replace(/[.*()/]/g, '\\$&')}$`,
        'm',
      ),
    );
  });
});
