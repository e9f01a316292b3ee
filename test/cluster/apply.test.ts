/**
 * `gantry apply` as users run it (a real CLI process) against a REAL control plane
 * (test/support/kube-cluster.ts: kube-apiserver, controller-manager, scheduler, etcd, kwok): the
 * API server's admission, defaulting, field ownership and RBAC, the Deployment controller's
 * rollout. What Gantry sent is read back from the API server's audit log. Each test works in a
 * namespace of its own.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { gantry } from '../support/gantry.ts';
import { testClusterOrSkip } from '../support/kube-cluster.ts';

const { cluster, skip } = await testClusterOrSkip();
after(() => cluster?.stop());

const work = mkdtempSync(join(tmpdir(), 'gantry-apply-cluster-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Variant {
  /** The api's image tag (test/support/kwok-stages.yaml: never-ready, no-such-tag). */
  tag?: string;
  /** More lines under services.api. */
  api?: string;
  /** More top-level lines. */
  top?: string;
  /** Create the Secret the api reads (default true). */
  secret?: boolean;
}

const SPEC = (namespace: string, v: Variant) => `app: demo
namespace: ${namespace}
${v.top ?? ''}services:
  api:
    image: ghcr.io/acme/demo-api:${v.tag ?? '1.0.0'}
    port: 8000
    replicas: 3
    env: { LOG_LEVEL: info }
    secrets: [API_KEY]
    routes: [ { host: demo.example.com } ]
${v.api ?? ''}backing:
  cache: { kind: redis }
environments:
  prod: {}
`;

/** A namespace of its own with the spec in it (and the Secret the api reads). */
async function arrange(variant: Variant = {}) {
  const namespace = await cluster!.namespace('apply');
  const file = join(work, `${namespace}.yaml`);
  writeFileSync(file, SPEC(namespace, variant));
  const secret = variant.secret ?? true;
  if (secret)
    await cluster!.api.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'demo-api-secrets', namespace },
      stringData: { API_KEY: 'k' },
    } as KubernetesObject);
  const kubeconfig = cluster!.kubeconfig({ namespace });
  const apply = (...args: string[]) =>
    gantry(['apply', '-f', file, '--env', 'prod', '--kubeconfig', kubeconfig, '--timeout', '60s', ...args], {
      timeoutMs: 120_000,
    });
  return { namespace, file, kubeconfig, apply };
}

type Live = KubernetesObject & {
  spec?: Record<string, unknown>;
  metadata: { managedFields?: { manager: string; operation: string }[] };
};

async function read(
  apiVersion: string,
  kind: string,
  namespace: string,
  name: string,
): Promise<Live | undefined> {
  return (await cluster!.api
    .read({ apiVersion, kind, metadata: { name, namespace } })
    .catch(() => undefined)) as Live | undefined;
}

describe('gantry apply on a real control plane', { skip }, () => {
  before(() => assert.ok(cluster));

  it('applies in dependency order with server-side apply (fieldManager gantry), the controllers roll it out, pods spread over the zones', async () => {
    const { namespace, file, apply } = await arrange();
    const { code, stdout, stderr } = await apply();
    assert.equal(code, 0, stderr);
    // What the API server received, in order (the audit log): applies, the Secret check before any workload.
    const requests = cluster!.requests(namespace).filter((r) => r.verb !== 'watch' && !r.subresource);
    const sent = requests
      .filter((r) => r.method === 'PATCH' || (r.method === 'GET' && r.resource === 'secrets'))
      .map((r) => `${r.method} ${r.resource}/${r.name}`);
    assert.deepEqual(sent, [
      'PATCH serviceaccounts/api',
      'PATCH serviceaccounts/demo-cache',
      'PATCH configmaps/api-config',
      'GET secrets/demo-api-secrets',
      'PATCH statefulsets/demo-cache',
      'PATCH services/api',
      'PATCH services/demo-cache',
      'PATCH deployments/api',
      'PATCH poddisruptionbudgets/api',
      'PATCH poddisruptionbudgets/demo-cache',
      'PATCH networkpolicies/api',
      'PATCH networkpolicies/demo-default-deny',
      'PATCH ingresses/api',
    ]);
    for (const patch of requests.filter((r) => r.method === 'PATCH')) {
      assert.deepEqual(patch.query, { fieldManager: 'gantry' }, patch.path);
      assert.ok(patch.code === 200 || patch.code === 201, `${patch.path}: ${patch.code}`);
    }

    // What the server stored: the rendered spec (plus its defaults), owned by the apply manager gantry.
    const deployment = (await read('apps/v1', 'Deployment', namespace, 'api'))!;
    assert.deepEqual(
      deployment.metadata.managedFields?.filter((f) => f.manager === 'gantry').map((f) => f.operation),
      ['Apply'],
    );
    const rendered = await gantry(['render', '-f', file, '--env', 'prod', '--output', join(work, namespace)]);
    assert.equal(rendered.code, 0, rendered.stderr);
    const renderedFile = readdirSync(join(work, namespace)).find((f) => /deployment.*api/i.test(f))!;
    const expected = parse(readFileSync(join(work, namespace, renderedFile), 'utf8')) as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    const live = deployment.spec as typeof expected.spec;
    assert.equal(live.template.spec.containers[0]!.image, expected.spec.template.spec.containers[0]!.image);

    assert.match(stdout, /^applied Deployment apply-[0-9a-f]+\/api$/m);
    assert.match(
      stdout,
      /^✓ Deployment apply-[0-9a-f]+\/api: 3\/3 updated, 3 ready, 3 available — 3\/3 available$/m,
    );
    assert.match(
      stdout,
      /^✓ StatefulSet apply-[0-9a-f]+\/demo-cache: 1\/1 updated, 1 ready, 1 available — 1\/1 ready$/m,
    );
    assert.match(stdout, /^✓ demo \(prod\): 12 objects applied, 2 workloads rolled out$/m);

    // The scheduler honoured the rendered topology spread: one api pod in each of the three zones.
    const pods = await cluster!.api.list(
      'v1',
      'Pod',
      namespace,
      undefined,
      undefined,
      undefined,
      undefined,
      'app.kubernetes.io/name=api',
    );
    const nodes = pods.items.map((p) => (p as { spec: { nodeName: string } }).spec.nodeName).sort();
    assert.deepEqual(nodes, ['kwok-zone-a', 'kwok-zone-b', 'kwok-zone-c']);
  });

  it('--namespace: the Namespace it applies enforces Pod Security restricted, and the API server admits every rendered pod', async () => {
    const { file } = await arrange();
    const namespace = `apply-psa-${Date.now().toString(36)}`;
    const kubeconfig = cluster!.kubeconfig({ namespace });
    await cluster!.api.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    } as KubernetesObject);
    await cluster!.api.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'demo-api-secrets', namespace },
      stringData: { API_KEY: 'k' },
    } as KubernetesObject);
    const { code, stderr } = await gantry(
      [
        'apply',
        '-f',
        file,
        '--env',
        'prod',
        '--kubeconfig',
        kubeconfig,
        '--namespace',
        namespace,
        '--timeout',
        '60s',
      ],
      { timeoutMs: 120_000 },
    );
    assert.equal(code, 0, stderr);
    const labels = (await read('v1', 'Namespace', '', namespace))!.metadata.labels ?? {};
    assert.equal(labels['pod-security.kubernetes.io/enforce'], 'restricted');
    const pods = await cluster!.api.list('v1', 'Pod', namespace);
    assert.equal(pods.items.length, 4, 'api ×3 and the cache: none refused by PodSecurity');
  });

  it('a field another manager owns: 409 conflict without --force-conflicts, taken over with it', async () => {
    const { namespace, apply } = await arrange();
    assert.equal((await apply()).code, 0);
    // Someone scales the Deployment with their own apply (kubectl's server-side apply does this).
    await cluster!.api.patch(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api', namespace },
        spec: { replicas: 5 },
      } as KubernetesObject,
      undefined,
      undefined,
      'ops-team',
      true,
      'application/apply-patch+yaml' as never,
    );
    const refused = await apply();
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^error: apply Deployment apply-[0-9a-f]+\/api: 409 Conflict: Apply failed with 1 conflict: conflict with "ops-team": \.spec\.replicas$/m,
    );
    const forced = await apply('--force-conflicts', '--output', 'json');
    assert.equal(forced.code, 0, forced.stderr);
    const document = JSON.parse(forced.stdout) as { applied: unknown[] };
    assert.equal(document.applied.length, 12);
    const live = (await read('apps/v1', 'Deployment', namespace, 'api'))!;
    assert.equal((live.spec as { replicas: number }).replicas, 3);
    const patches = cluster!
      .requests(namespace)
      .filter((r) => r.method === 'PATCH' && r.query.force === 'true');
    assert.ok(patches.length >= 12, 'every object applied with force=true');
  });

  it('--dry-run=server: the server validates and admits everything, stores nothing, nothing waited for', async () => {
    const { namespace, apply } = await arrange();
    const dry = await apply('--dry-run=server');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^applied Deployment apply-[0-9a-f]+\/api \(server dry run\)$/m);
    const patches = cluster!.requests(namespace).filter((r) => r.method === 'PATCH');
    assert.equal(patches.length, 12);
    for (const patch of patches) assert.deepEqual(patch.query, { fieldManager: 'gantry', dryRun: 'All' });
    assert.equal(await read('apps/v1', 'Deployment', namespace, 'api'), undefined);
    assert.equal(cluster!.requests(namespace).filter((r) => r.verb === 'watch').length, 0);
  });

  it('an ExternalSecret passes the External Secrets CRD schema: the API server keeps every field rendered (nothing pruned)', async () => {
    const { namespace, file, apply } = await arrange({
      top: 'secrets: { provider: external-secrets, store: vault }\n',
      secret: false,
    });
    const { code, stdout, stderr } = await apply();
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`^applied ExternalSecret ${namespace}/demo-api-secrets$`, 'm'));
    const out = join(work, `${namespace}-rendered`);
    assert.equal((await gantry(['render', '-f', file, '--env', 'prod', '--output', out])).code, 0);
    const renderedFile = readdirSync(out).find((f) => /externalsecret/i.test(f))!;
    const rendered = parse(readFileSync(join(out, renderedFile), 'utf8')) as { spec: unknown };
    const live = JSON.parse(
      JSON.stringify(await read('external-secrets.io/v1', 'ExternalSecret', namespace, 'demo-api-secrets')),
    ) as { spec: unknown };
    assert.deepEqual(pick(live.spec, rendered.spec), rendered.spec);
  });

  it('a missing Secret stops apply before any workload, naming it with the kubectl create secret line', async () => {
    const { namespace, apply } = await arrange({ secret: false });
    const { code, stderr } = await apply();
    assert.equal(code, 1);
    assert.equal(
      stderr
        .split('\n')
        .filter((l) => l.startsWith('error') || l.startsWith('  '))
        .join('\n'),
      [
        `error: Secret ${namespace}/demo-api-secrets does not exist (read by Deployment api; keys API_KEY)`,
        '  nothing that reads it was applied',
        `  hint: kubectl create secret generic demo-api-secrets -n ${namespace} --from-literal=API_KEY='…'`,
      ].join('\n'),
    );
    assert.equal(await read('apps/v1', 'Deployment', namespace, 'api'), undefined);
    assert.equal(await read('apps/v1', 'StatefulSet', namespace, 'demo-cache'), undefined);
  });

  it('--prune deletes only gantry-labelled leftovers of this app, and prints each', async () => {
    const { namespace, apply } = await arrange();
    const labels = (app: string) => ({
      'app.kubernetes.io/managed-by': 'gantry',
      'app.kubernetes.io/part-of': app,
    });
    const configMap = (name: string, l?: Record<string, string>) =>
      ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace, ...(l ? { labels: l } : {}) },
      }) as KubernetesObject;
    await cluster!.api.create(configMap('old-config', labels('demo')));
    await cluster!.api.create(configMap('other-app', labels('shop')));
    await cluster!.api.create(configMap('hand-made'));
    const { code, stdout, stderr } = await apply('--prune');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^pruned ConfigMap apply-[0-9a-f]+\/old-config$/m);
    assert.equal(stdout.match(/^pruned /gm)?.length, 1);
    assert.equal(await read('v1', 'ConfigMap', namespace, 'old-config'), undefined);
    assert.ok(await read('v1', 'ConfigMap', namespace, 'other-app'));
    assert.ok(await read('v1', 'ConfigMap', namespace, 'hand-made'));
    assert.ok(await read('apps/v1', 'Deployment', namespace, 'api'));
    // Every kind Gantry renders listed by its labels; CloudNativePG's Cluster is not served here, so not listed.
    const lists = cluster!
      .requests(namespace)
      .filter((r) => r.verb === 'list' && r.query.labelSelector?.includes('managed-by'));
    assert.deepEqual(lists.map((r) => r.resource).sort(), [
      'configmaps',
      'deployments',
      'externalsecrets',
      'horizontalpodautoscalers',
      'httproutes',
      'ingresses',
      'networkpolicies',
      'poddisruptionbudgets',
      'serviceaccounts',
      'services',
      'statefulsets',
    ]);
    for (const list of lists)
      assert.equal(
        list.query.labelSelector,
        'app.kubernetes.io/managed-by=gantry,app.kubernetes.io/part-of=demo',
      );
  });

  it('a Deployment whose pods never become ready fails at its progressDeadlineSeconds, as the Deployment controller says', async () => {
    const { namespace, apply } = await arrange({
      tag: 'never-ready',
      api: '    release: { progressDeadlineSeconds: 5 }\n',
    });
    const { code, stdout, stderr } = await apply();
    assert.equal(code, 1, stdout);
    assert.match(
      stderr,
      new RegExp(
        `^error: Deployment ${namespace}/api exceeded its progress deadline \\(progressDeadlineSeconds: 5\\): ReplicaSet "api-[0-9a-z]+" has timed out progressing\\.$`,
        'm',
      ),
    );
    assert.doesNotMatch(stderr, /at .*\.ts:\d+/, 'no stack trace');
  });

  it('pods that cannot pull their image: the progress deadline failure names the image and the pod', async () => {
    const { namespace, apply } = await arrange({
      tag: 'no-such-tag',
      api: '    release: { progressDeadlineSeconds: 5 }\n',
    });
    const { code, stderr } = await apply();
    assert.equal(code, 1);
    assert.match(
      stderr,
      /^ {2}image ghcr\.io\/acme\/demo-api:no-such-tag cannot be pulled \(ImagePullBackOff, pod api-[0-9a-z]+-[0-9a-z]+ container api\): Back-off pulling image "ghcr\.io\/acme\/demo-api:no-such-tag"\n {2}hint: check the image name and tag/m,
      stderr,
    );
    void namespace;
  });

  it('RBAC: a ServiceAccount token with a Role that cannot patch Deployments is refused, naming the verb and resource', async () => {
    const { namespace, file } = await arrange();
    const rules = [
      {
        apiGroups: [''],
        resources: ['serviceaccounts', 'configmaps', 'services', 'secrets', 'pods', 'events'],
        verbs: ['get', 'list', 'watch', 'patch', 'create'],
      },
      { apiGroups: ['apps'], resources: ['statefulsets', 'deployments'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['patch', 'create'] },
    ];
    const token = await cluster!.serviceAccountToken(namespace, 'deployer', rules);
    const kubeconfig = cluster!.kubeconfig({ namespace, token });
    const { code, stderr } = await gantry(
      ['apply', '-f', file, '--env', 'prod', '--kubeconfig', kubeconfig, '--timeout', '60s'],
      {
        timeoutMs: 120_000,
      },
    );
    assert.equal(code, 1);
    assert.equal(
      stderr
        .split('\n')
        .filter((l) => /^(error| {2}hint)/.test(l))
        .join('\n'),
      [
        `error: apply Deployment ${namespace}/api: forbidden: deployments.apps "api" is forbidden: User "system:serviceaccount:${namespace}:deployer" cannot patch resource "deployments" in API group "apps" in the namespace "${namespace}"`,
        `  hint: your user needs RBAC permission to patch deployments.apps in namespace ${namespace}; check with: kubectl auth can-i patch deployments.apps -n ${namespace}`,
      ].join('\n'),
    );
  });

  it('a custom resource whose CRD is not installed (CloudNativePG here) says what to install, and nothing is applied', async () => {
    const namespace = await cluster!.namespace('apply');
    const file = join(work, `${namespace}-cnpg.yaml`);
    writeFileSync(
      file,
      `app: demo\nnamespace: ${namespace}\nservices:\n  api:\n    image: ghcr.io/acme/demo-api:1.0.0\n    port: 8000\n    uses: [db]\nbacking:\n  db: { kind: postgres, version: "16", ha: true }\nenvironments:\n  prod: {}\n`,
    );
    const { code, stderr } = await gantry(
      [
        'apply',
        '-f',
        file,
        '--env',
        'prod',
        '--kubeconfig',
        cluster!.kubeconfig({ namespace }),
        '--timeout',
        '30s',
      ],
      { timeoutMs: 120_000 },
    );
    assert.equal(code, 1);
    assert.match(
      stderr,
      new RegExp(
        `^error: Cluster ${namespace}/demo-db: the cluster does not serve Cluster \\(postgresql\\.cnpg\\.io/v1\\); the CloudNativePG operator must be installed\\n {2}nothing was applied\\n {2}hint: helm repo add cnpg `,
        'm',
      ),
    );
    assert.deepEqual(
      cluster!.requests(namespace).filter((r) => r.method === 'PATCH'),
      [],
    );
  });

  it('pods the scheduler cannot place: the timeout says why, in the scheduler’s words', async () => {
    const { apply } = await arrange({ api: '    resources: { requests: { memory: 2Ti } }\n' });
    const { code, stderr } = await apply('--timeout', '10s');
    assert.equal(code, 1);
    assert.match(
      stderr,
      /^ {2}pod api-[0-9a-z]+-[0-9a-z]+ cannot be scheduled: 0\/3 nodes are available: 3 Insufficient memory\./m,
      stderr,
    );
  });

  it('an exceeded ResourceQuota: the API server refuses the object the quota counts, named with the quota', async () => {
    const { namespace, apply } = await arrange();
    await cluster!.api.create({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'services', namespace },
      spec: { hard: { services: '1' } },
    } as KubernetesObject);
    const { code, stderr } = await apply();
    assert.equal(code, 1);
    assert.match(
      stderr,
      new RegExp(
        `^error: apply Service ${namespace}/demo-cache: the namespace's ResourceQuota is exceeded: services "demo-cache" is forbidden: exceeded quota: services, requested: services=1, used: services=1, limited: services=1\\n {2}hint: lower requests/replicas in the spec or raise the quota \\(kubectl describe resourcequota -n ${namespace}\\)$`,
        'm',
      ),
      stderr,
    );
  });

  it('a pod quota the Deployment cannot fit: the Deployment is admitted, its ReplicaSet cannot create pods (ReplicaFailure)', async () => {
    const { namespace, apply } = await arrange();
    await cluster!.api.create({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'pods', namespace },
      spec: { hard: { pods: '2' } },
    } as KubernetesObject);
    const { code, stderr } = await apply();
    assert.equal(code, 1);
    assert.match(
      stderr,
      new RegExp(
        `^error: Deployment ${namespace}/api cannot create pods \\(FailedCreate\\): pods "api-[0-9a-z]+-[0-9a-z]+" is forbidden: exceeded quota: pods`,
        'm',
      ),
      stderr,
    );
  });

  it('an admission denial (a ValidatingAdmissionPolicy with CEL, in-tree) gives the policy message and names the object', async () => {
    const { namespace, apply } = await arrange();
    const policy = `gantry-test-${namespace}`;
    await cluster!.api.create({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: policy },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: ['apps'],
              apiVersions: ['v1'],
              operations: ['CREATE', 'UPDATE'],
              resources: ['deployments'],
            },
          ],
        },
        validations: [
          {
            expression: "has(object.metadata.labels) && 'team' in object.metadata.labels",
            message: 'every Deployment needs a team label',
          },
        ],
      },
    } as KubernetesObject);
    await cluster!.api.create({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: policy },
      spec: {
        policyName: policy,
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } },
      },
    } as KubernetesObject);
    try {
      // The binding takes effect once the API server's policy informer has it: retry a few times.
      let run = await apply();
      for (let i = 0; i < 10 && run.code === 0; i++) {
        await cluster!.api.delete({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'api', namespace },
        });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        run = await apply();
      }
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        new RegExp(
          `^error: apply Deployment ${namespace}/api: denied by an admission policy: deployments\\.apps "api" is forbidden: ValidatingAdmissionPolicy '${policy}' with binding '${policy}' denied request: every Deployment needs a team label$`,
          'm',
        ),
        run.stderr,
      );
    } finally {
      for (const kind of ['ValidatingAdmissionPolicyBinding', 'ValidatingAdmissionPolicy'])
        await cluster!.api.delete({
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind,
          metadata: { name: policy },
        });
    }
  });
});

/** `live` restricted to the keys `shape` has (the server adds defaults; it must not drop any key). */
function pick(live: unknown, shape: unknown): unknown {
  if (Array.isArray(shape) && Array.isArray(live)) return shape.map((item, i) => pick(live[i], item));
  if (shape && typeof shape === 'object' && live && typeof live === 'object')
    return Object.fromEntries(
      Object.keys(shape).map((key) => [
        key,
        pick((live as Record<string, unknown>)[key], (shape as Record<string, unknown>)[key]),
      ]),
    );
  return live;
}
