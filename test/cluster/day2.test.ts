/**
 * The day-2 commands on a cluster environment — `gantry status|logs|restart|port-forward|delete
 * --env prod` — as users run them (real CLI processes) against a REAL control plane
 * (test/support/kube-cluster.ts). kwok plays the kubelets: pods' logs are files it serves (Logs
 * objects), a pod's port-forward reaches a real local server (PortForward objects). Plus the
 * Eviction API against the PodDisruptionBudget `gantry apply` renders.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CoreV1Api, KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { GANTRY, gantry } from '../support/gantry.ts';
import { testClusterOrSkip, waitFor } from '../support/kube-cluster.ts';

const { cluster, skip } = await testClusterOrSkip();
after(() => cluster?.stop());

const work = mkdtempSync(join(tmpdir(), 'gantry-day2-cluster-'));
after(() => rmSync(work, { recursive: true, force: true }));

const SPEC = (namespace: string, api = '') => `app: demo
namespace: ${namespace}
services:
  api:
    image: ghcr.io/acme/demo-api:1.0.0
    port: 8000
    replicas: 3
    resources: { requests: { cpu: 250m, memory: 256Mi }, limits: { memory: 512Mi } }
    autoscale: { min: 3, max: 6, cpu: 70 }
    disruption: { minAvailable: 2 }
${api}  worker:
    image: ghcr.io/acme/demo-worker:2.1.0
environments:
  prod: {}
`;

type Pod = KubernetesObject & { metadata: { name: string }; spec: { nodeName?: string } };

/** The spec applied in a namespace of its own; `run` runs a day-2 command there. */
async function applied(options: { apply?: boolean; only?: string } = {}) {
  const namespace = await cluster!.namespace('day2');
  const file = join(work, `${namespace}.yaml`);
  writeFileSync(file, SPEC(namespace));
  const kubeconfig = cluster!.kubeconfig({ namespace });
  const run = (...args: string[]) =>
    gantry([...args, '--file', file, '--env', 'prod', '--kubeconfig', kubeconfig], { timeoutMs: 120_000 });
  if (options.apply !== false) {
    const apply = await gantry(
      ['apply', '-f', file, '--env', 'prod', '--kubeconfig', kubeconfig, '--timeout', '90s'],
      { timeoutMs: 150_000 },
    );
    assert.equal(apply.code, 0, apply.stderr);
  }
  const pods = async (service = 'api') =>
    (
      await cluster!.api.list(
        'v1',
        'Pod',
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        `app.kubernetes.io/name=${service}`,
      )
    ).items.filter((p) => !p.metadata?.deletionTimestamp) as Pod[];
  // The rendered Deployment leaves replicas to the HPA: the API server defaults it to 1 and the HPA
  // controller raises it to minReplicas (3), even without metrics. Tests start from there.
  if (options.apply !== false)
    await waitFor('the HPA to scale api to its minimum, every pod ready', async () => {
      const api = (await cluster!.api.read({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api', namespace },
      })) as { status?: { readyReplicas?: number } };
      return api.status?.readyReplicas === 3 && (await pods()).length === 3;
    });
  return { namespace, file, kubeconfig, run, pods };
}

/** A CRI-format log line, as a kubelet stores container logs (kwok's log server reads that format). */
const cri = (line: string, at = new Date()) => `${at.toISOString()} stdout F ${line}\n`;

/** kwok serves `pod`'s container log from a file holding `lines`. */
async function podLog(namespace: string, pod: string, lines: string[]): Promise<void> {
  const file = join(work, `${namespace}-${pod}.log`);
  writeFileSync(file, lines.map((l) => cri(l)).join(''));
  await cluster!.api.create({
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Logs',
    metadata: { name: pod, namespace },
    spec: { logs: [{ containers: [], logsFile: file }] },
  } as KubernetesObject);
}

describe('gantry day-2 commands on a real control plane', { skip }, () => {
  it('status: ready/desired and versions from the Deployments, pods on the kwok nodes, the HPA without a metrics API and its Warning events', async () => {
    const { run } = await applied();
    // The HPA controller tries to read cpu through the metrics API, which this control plane lacks.
    await waitFor('the HPA controller to report', async () =>
      /FailedGetResourceMetric|FailedComputeMetricsReplicas/.test((await run('status')).stdout),
    );
    const text = await run('status');
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.split('\n');
    assert.match(lines[0]!, /^demo \(prod\) in namespace day2-[0-9a-f]+ on gantry-test$/);
    assert.match(text.stdout, /^api +- +1\.0\.0 +3\/3 +0 /m);
    assert.match(text.stdout, /^worker +- +2\.1\.0 +1\/1 +0 /m);
    assert.match(text.stdout, /^api +3 +3 +3–6 +cpu \?\/70% +FailedGetResourceMetric/m);
    assert.match(text.stdout, /^recent warnings:\n {2}HorizontalPodAutoscaler\/api FailedGetResourceMetric/m);

    const json = JSON.parse((await run('status', '--output', 'json')).stdout);
    assert.deepEqual(json.services[0].versions, [
      { version: '1.0.0', deployment: 'api', desired: 3, ready: 3 },
    ]);
    assert.equal(json.services[0].autoscale.minReplicas, 3);
    assert.equal(json.services[0].autoscale.maxReplicas, 6);

    const replicas = await run('status', '--replicas');
    assert.equal(replicas.code, 0, replicas.stderr);
    assert.match(replicas.stdout, /^POD +VERSION +NODE +STATE +READY +RESTARTS$/m);
    assert.equal(
      replicas.stdout.match(/^api-[0-9a-z]+-[0-9a-z]+ +1\.0\.0 +kwok-zone-[abc] +Running +yes +0$/gm)?.length,
      3,
    );
  });

  it('logs: every pod of the service, prefixed, with --since and --tail as the kubelet reads them; --replica picks one by suffix', async () => {
    const { namespace, run, pods } = await applied();
    const [a, b, c] = (await pods()).map((p) => p.metadata.name).sort();
    await podLog(namespace, a!, ['listening on 8000', 'GET /health 200']);
    await podLog(namespace, b!, ['listening on 8000', 'GET /a', 'GET /b']);
    await podLog(namespace, c!, ['only line']);
    const all = await run('logs', 'api', '--since', '10m', '--tail', '2');
    assert.equal(all.code, 0, all.stderr);
    assert.equal(
      all.stdout,
      [
        `${a} | listening on 8000`,
        `${a} | GET /health 200`,
        `${b} | GET /a`,
        `${b} | GET /b`,
        `${c} | only line`,
        '',
      ].join('\n'),
    );
    const suffix = a!.slice(a!.lastIndexOf('-') + 1);
    const one = await run('logs', 'api', '--replica', suffix);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stdout, `${a} | listening on 8000\n${a} | GET /health 200\n`);
    const none = await run('logs', 'api', '--replica', 'zz');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no pod of api is named zz or ends in -zz/);
  });

  it('logs: a pod whose log the kubelet cannot serve is a warning; the other pods are still shown (exit 1)', async () => {
    const { namespace, run, pods } = await applied();
    const [a, b, c] = (await pods()).map((p) => p.metadata.name).sort();
    await podLog(namespace, b!, ['still here']);
    await podLog(namespace, c!, ['and here']);
    const { code, stdout, stderr } = await run('logs', 'api');
    assert.equal(code, 1);
    assert.equal(stdout, `${b} | still here\n${c} | and here\n`);
    // The kubelet (kwok here) refuses a log it does not have with 400 Bad Request.
    assert.equal(
      stderr,
      `warning: cannot read the log of pod ${namespace}/${a} (container api): the API answered 400\n` +
        `  hint: kubectl describe pod ${a} -n ${namespace} shows why (a container still waiting to start has no log yet)\n`,
    );
  });

  it('logs: a service without pods says so without a stack', async () => {
    const { run } = await applied({ apply: false });
    const none = await run('logs', 'worker');
    assert.equal(none.code, 1);
    assert.match(
      none.stderr,
      /error: no pods of worker in namespace day2-[0-9a-f]+\n {2}hint: has it been applied\?/,
    );
    assert.doesNotMatch(none.stderr, /at .*\.ts:\d+/);
  });

  it('restart: restartedAt by server-side apply under gantry-restart; the Deployment controller replaces every pod; the applied fields stay', async () => {
    const { namespace, run, pods } = await applied();
    const before = (await pods()).map((p) => p.metadata.name).sort();
    const read = async () =>
      (await cluster!.api.read({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api', namespace },
      })) as KubernetesObject & {
        spec: {
          template: { metadata: { annotations?: Record<string, string> }; spec: { containers: unknown[] } };
        };
        metadata: { managedFields: { manager: string }[] };
      };
    const containers = (await read()).spec.template.spec.containers;

    const { code, stdout, stderr } = await run('restart', 'api', '--timeout', '90s');
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`restarting Deployment ${namespace}/api\\n`));
    assert.match(stdout, /✓ api: every pod replaced and ready\n$/);
    const after = await read();
    assert.match(
      after.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'] ?? '',
      /^\d{4}-\d\d-\d\dT/,
    );
    assert.deepEqual(after.spec.template.spec.containers, containers);
    assert.deepEqual(
      after.metadata.managedFields
        .map((f) => f.manager)
        .filter((m) => m?.startsWith('gantry'))
        .sort(),
      ['gantry', 'gantry-restart'],
    );
    const patch = cluster!
      .requests(namespace)
      .find((r) => r.method === 'PATCH' && r.query.fieldManager === 'gantry-restart');
    assert.deepEqual(patch?.query, { fieldManager: 'gantry-restart', force: 'true' });
    const now = (await pods())
      .filter((p) => !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp)
      .map((p) => p.metadata.name);
    assert.equal(now.length, 3);
    for (const name of now) assert.ok(!before.includes(name), `${name} was replaced`);
  });

  it('restart: a service with no Deployment on the cluster names the command to run', async () => {
    const { run } = await applied({ apply: false });
    const { code, stderr } = await run('restart', 'worker');
    assert.equal(code, 1);
    assert.match(
      stderr,
      /error: no Deployment of worker in namespace day2-[0-9a-f]+ on gantry-test\n {2}hint: apply it first: gantry apply --env prod/,
    );
  });

  it('port-forward: 127.0.0.1 only, through the API server and the node (kwok) to a ready pod; bytes go both ways', async () => {
    const { namespace, file, kubeconfig, pods } = await applied();
    // What the pod "runs": a real HTTP server here, which kwok forwards the pod's port 8000 to.
    const backend = createServer((req, res) => res.end(`pod says hi to ${req.url}`));
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    try {
      await cluster!.api.create({
        apiVersion: 'kwok.x-k8s.io/v1alpha1',
        kind: 'ClusterPortForward',
        metadata: { name: `pf-${namespace}` },
        spec: {
          selector: { matchNamespaces: [namespace] },
          forwards: [
            {
              ports: [8000],
              target: { address: '127.0.0.1', port: (backend.address() as AddressInfo).port },
            },
          ],
        },
      } as KubernetesObject);
      const child = spawn(
        process.execPath,
        [GANTRY, 'port-forward', 'api', ':8000', '--file', file, '--env', 'prod', '--kubeconfig', kubeconfig],
        {
          env: { ...process.env, NO_COLOR: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
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
        const names = (await pods()).map((p) => p.metadata.name);
        const match = new RegExp(
          `^forwarding 127\\.0\\.0\\.1:(\\d+) -> pod ${namespace}/(api-[0-9a-z-]+) port 8000 \\(Ctrl-C to stop\\)\\n$`,
        ).exec(line);
        assert.ok(match, line);
        assert.ok(names.includes(match[2]!));
        const response = await fetch(`http://127.0.0.1:${match[1]}/through-the-cluster`);
        assert.equal(await response.text(), 'pod says hi to /through-the-cluster');
      } finally {
        if (child.exitCode === null) process.kill(child.pid!, 'SIGINT');
      }
      assert.equal(await exited, 0, stderr);
    } finally {
      await cluster!.api.delete({
        apiVersion: 'kwok.x-k8s.io/v1alpha1',
        kind: 'ClusterPortForward',
        metadata: { name: `pf-${namespace}` },
      });
      backend.close();
    }
  });

  it('the Eviction API honours the PodDisruptionBudget apply rendered (minAvailable 2 of 3): one eviction is allowed, the next (no replacement ready yet) is refused (429)', async () => {
    const { namespace, pods } = await applied();
    const core = coreApi();
    await waitFor('the disruption controller to allow one disruption', async () => {
      const pdb = (await cluster!.api.read({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'api', namespace },
      })) as {
        status?: { disruptionsAllowed?: number };
      };
      return pdb.status?.disruptionsAllowed === 1;
    });
    const [first, second] = (await pods()).map((p) => p.metadata.name);
    const evict = (name: string) =>
      core.createNamespacedPodEviction({
        name,
        namespace,
        body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
      });
    // kwok readies a replacement pod at once, which would let the next eviction through; a policy
    // refusing new pods here holds the count at two, as a replacement that is still starting would.
    const policy = await refusePodCreation(namespace);
    try {
      await evict(first!);
      await assert.rejects(evict(second!), (error: { code?: number; body?: string }) => {
        assert.equal(error.code, 429);
        assert.match(String(error.body), /Cannot evict pod as it would violate the pod's disruption budget/);
        return true;
      });
    } finally {
      for (const kind of ['ValidatingAdmissionPolicyBinding', 'ValidatingAdmissionPolicy'])
        await cluster!.api.delete({
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind,
          metadata: { name: policy },
        });
    }
  });

  it('delete: refuses without a terminal or --yes; with --yes deletes only our objects and keeps the Namespace; --include-namespace only when labelled', async () => {
    const { namespace, run } = await applied();
    await cluster!.api.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'someone-elses', namespace, labels: { 'app.kubernetes.io/part-of': 'demo' } },
    } as KubernetesObject);
    const refused = await run('delete');
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /error: refusing to delete \d+ objects of demo \(prod\) in namespace day2-[0-9a-f]+ on gantry-test without a confirmation/,
    );
    assert.equal(cluster!.requests(namespace).filter((r) => r.method === 'DELETE').length, 0);

    const { code, stdout, stderr } = await run('delete', '--yes', '--include-namespace', '--output', 'json');
    assert.equal(code, 0, stderr);
    const document = JSON.parse(stdout) as {
      deleted: { kind: string; name: string }[];
      namespaceKept: string;
    };
    assert.ok(document.deleted.some((o) => o.kind === 'Deployment' && o.name === 'api'));
    assert.equal(document.namespaceKept, `namespace ${namespace} is not labelled as Gantry's for demo`);
    const left = await cluster!.api.list('apps/v1', 'Deployment', namespace);
    assert.equal(left.items.filter((d) => !d.metadata?.deletionTimestamp).length, 0);
    assert.ok(
      await cluster!.api.read({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'someone-elses', namespace },
      }),
    );
    assert.ok(
      await cluster!.api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }),
    );
  });

  it('delete --include-namespace: a Namespace gantry apply --namespace created (labelled) goes too', async () => {
    const { file, kubeconfig } = await applied({ apply: false });
    const namespace = `day2-own-${Date.now().toString(36)}`;
    const apply = await gantry(
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
        '90s',
      ],
      {
        timeoutMs: 150_000,
      },
    );
    assert.equal(apply.code, 0, apply.stderr);
    const gone = await gantry(
      [
        'delete',
        '--yes',
        '--include-namespace',
        '--file',
        file,
        '--env',
        'prod',
        '--kubeconfig',
        kubeconfig,
        '--namespace',
        namespace,
      ],
      {
        timeoutMs: 120_000,
      },
    );
    assert.equal(gone.code, 0, gone.stderr);
    const ns = (await cluster!.api
      .read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })
      .catch(() => undefined)) as (KubernetesObject & { status?: { phase?: string } }) | undefined;
    assert.ok(ns === undefined || ns.status?.phase === 'Terminating', JSON.stringify(ns?.status));
  });

  it('without --env the local commands are unchanged: they look for the local daemon, not the cluster', async () => {
    const { namespace, file } = await applied({ apply: false });
    const { code, stderr } = await gantry(['status', '-f', file], { timeoutMs: 30_000 });
    assert.equal(code, 1);
    assert.match(stderr, /error: no gantry daemon is running for /);
    assert.equal(cluster!.requests(namespace).length, 0);
  });
});

/** A ValidatingAdmissionPolicy refusing new pods in `namespace`, in force once a dry-run pod is refused. */
async function refusePodCreation(namespace: string): Promise<string> {
  const name = `no-new-pods-${namespace}`;
  const admission = 'admissionregistration.k8s.io/v1';
  await cluster!.api.create({
    apiVersion: admission,
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] },
        ],
      },
      validations: [{ expression: 'false', message: 'no new pods here' }],
    },
  } as KubernetesObject);
  await cluster!.api.create({
    apiVersion: admission,
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name },
    spec: {
      policyName: name,
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } },
    },
  } as KubernetesObject);
  const probe = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'probe', namespace },
    spec: { containers: [{ name: 'c', image: 'x' }] },
  };
  await waitFor('the policy to be in force', async () => {
    try {
      await cluster!.api.create(probe as KubernetesObject, undefined, 'All');
      return false;
    } catch (error) {
      return String((error as { body?: unknown }).body).includes('no new pods here');
    }
  });
  return name;
}

function coreApi(): CoreV1Api {
  const config = new KubeConfig();
  config.loadFromFile(cluster!.kubeconfigPath);
  return config.makeApiClient(CoreV1Api);
}
