/**
 * `gantry controller` as a process against a REAL control plane (test/support/kube-cluster.ts):
 * `gantry deploy --env` files the release and returns; the controller drives it — a canary without
 * steps, analysed from a real Prometheus — to the end, or rolls a bad one back; killed mid-canary,
 * a new controller takes over at the same step; of two replicas only the Lease holder acts, and
 * the other takes over when it dies; its ServiceAccount, as `gantry controller install` binds it,
 * can do its job and is refused Secrets. kwok's pods run no containers, so a stand-in exporter
 * counts the requests each version's ready pods would serve (test/support/version-traffic.ts).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { controllerManifests } from '../../src/controller/manifests.ts';
import { decodeRelease } from '../../src/platform/kubernetes/release-annotation.ts';
import type { ReleaseState } from '../../src/rollout/state.ts';
import { GANTRY, gantry } from '../support/gantry.ts';
import { testClusterOrSkip, waitFor } from '../support/kube-cluster.ts';
import { PROMETHEUS_MISSING, startPrometheus, type TestPrometheus } from '../support/prometheus.ts';
import { startVersionTraffic, type VersionTraffic } from '../support/version-traffic.ts';

const { cluster, skip: noCluster } = await testClusterOrSkip();
const skip = noCluster || PROMETHEUS_MISSING;
after(() => cluster?.stop());

const work = mkdtempSync(join(tmpdir(), 'gantry-controller-'));
after(() => rmSync(work, { recursive: true, force: true }));

type Deployment = KubernetesObject & {
  metadata: { annotations?: Record<string, string> };
  spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
};

/** A controller process; its output kept, to see what it did. */
interface Controller {
  identity: string;
  lines: string[];
  child: ChildProcess;
  kill(): Promise<void>;
}

const controllers: Controller[] = [];
after(async () => {
  for (const c of controllers) await c.kill();
});

function startController(
  identity: string,
  kubeconfig: string,
  watch: string,
  leaseNamespace: string,
): Controller {
  const child = spawn(
    process.execPath,
    [
      GANTRY,
      'controller',
      'run',
      '--kubeconfig',
      kubeconfig,
      '--watch-namespace',
      watch,
      '--lease-namespace',
      leaseNamespace,
      '--lease-duration',
      '4',
      '--identity',
      identity,
      '--listen',
      '127.0.0.1:0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!])
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  const controller: Controller = {
    identity,
    lines,
    child,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
  controllers.push(controller);
  return controller;
}

const said = (c: Controller, pattern: RegExp) => c.lines.some((line) => pattern.test(line));

describe('gantry controller on a real control plane (analysis from a real Prometheus; pod traffic from a stand-in exporter)', {
  skip,
  timeout: 900_000,
}, () => {
  let namespace = '';
  let leaseNamespace = '';
  let kubeconfig = '';
  let prometheus: TestPrometheus | undefined;
  let traffic: VersionTraffic | undefined;
  const specFile = (name: string, release: string) => {
    const file = join(work, `${namespace}-${name}.yaml`);
    writeFileSync(
      file,
      `app: demo
namespace: ${namespace}
services:
  api:
    image: ghcr.io/acme/demo-api:1.0.0
    port: 8000
    replicas: 4
    release:
${release}
      analysis:
        intervalSeconds: 3
        minRequests: 5
        provider: prometheus
        prometheus: { address: "${prometheus!.address}" }
environments:
  prod: {}
`,
    );
    return file;
  };
  let defaults = '';
  let paused = '';
  const cli = (file: string, ...args: string[]) =>
    gantry(
      [
        ...args,
        '-f',
        file,
        '--env',
        'prod',
        '--kubeconfig',
        kubeconfig,
        ...(args[0] === 'deploy' ? ['--controller-namespace', leaseNamespace] : []),
      ],
      {
        timeoutMs: 150_000,
      },
    );
  const deployment = async (name: string) =>
    (await cluster!.api
      .read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace } })
      .catch(() => undefined)) as Deployment | undefined;
  const release = async (): Promise<ReleaseState | undefined> => {
    const text = (await deployment('api'))?.metadata.annotations?.['gantry.dev/release'];
    if (text === undefined) return undefined;
    const decoded = decodeRelease(text);
    return decoded.ok ? decoded.value.state : undefined;
  };
  const ended = async (id: number) => {
    await waitFor(
      `release ${id} to end`,
      async () => {
        const state = await release();
        return state?.id === id && !['progressing', 'paused'].includes(state.status);
      },
      240_000,
    );
    return (await release())!;
  };

  before(async () => {
    namespace = await cluster!.namespace('controlled');
    leaseNamespace = await cluster!.namespace('gantry-system');
    kubeconfig = cluster!.kubeconfig({ namespace });
    traffic = await startVersionTraffic({
      api: cluster!.api,
      namespace,
      service: 'api',
      rps: 40,
      errorRate: (version) => (version.includes('bad') ? 0.3 : 0),
    });
    prometheus = await startPrometheus([traffic.target]);
    defaults = specFile('defaults', '      strategy: canary\n      bakeSeconds: 3');
    paused = specFile(
      'paused',
      '      strategy: canary\n      steps: [ {weight: 25}, {pause: {}}, {weight: 100} ]\n      bakeSeconds: 3',
    );
    const applied = await cli(defaults, 'apply', '--timeout', '90s');
    assert.equal(applied.code, 0, applied.stderr);
  });
  after(async () => {
    await prometheus?.stop();
    await traffic?.stop();
  });

  it('deploy files a canary without steps; the controller drives it to the end on Prometheus’ measurements and folds it into api; rollout status shows the same steps as locally', async () => {
    const a = startController('a', kubeconfig, namespace, leaseNamespace);
    await waitFor('a to lead', async () => said(a, /leading \(Lease/));
    const { code, stdout, stderr } = await cli(defaults, 'deploy', 'api', '--version', '1.1.0');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /revision 1: canary release of api 1\.0\.0 → 1\.1\.0/);
    assert.match(
      stdout,
      new RegExp(`the gantry controller \\(a, Lease ${leaseNamespace}/gantry-controller\\) drives it`),
    );
    await waitFor('the canary to take traffic', async () => ((await release())?.step ?? 0) >= 1);
    const status = await cli(defaults, 'rollout', 'status', 'api');
    // The step line as the local `rollout status` prints it, the current step in brackets.
    const steps = status.stdout.replace(/[[\]]/g, '');
    assert.match(steps, /^ {2}10% ─ analysis ─ 25% ─ analysis ─ 50% ─ analysis ─ 100% ─ bake$/m);
    assert.match(status.stdout, /^ {2}step \d\/7: /m);
    const done = await ended(1);
    assert.equal(done.status, 'succeeded', `${done.message} ${done.reason ?? ''}`);
    assert.equal(done.analysed, 'yes');
    assert.ok(done.measurements.some((m) => m.evidence?.source === `prometheus ${prometheus!.address}`));
    await waitFor(
      'the canary folded into api',
      async () =>
        (await deployment('api'))?.spec.template.spec.containers[0]?.image === 'ghcr.io/acme/demo-api:1.1.0',
    );
    // Once api runs 1.1.0 on every replica, the canary's pods are no longer needed.
    await waitFor(
      'the canary scaled to 0',
      async () => ((await deployment('api-canary'))?.spec.replicas ?? 0) === 0,
    );
    assert.ok(said(a, /controlled-\w+\/api: driving release 1 \(canary 1\.0\.0 → 1\.1\.0\)/));
  });

  it('a canary answering 30 % errors: the controller rolls it back, all traffic back on 1.1.0', async () => {
    const { code, stderr } = await cli(defaults, 'deploy', 'api', '--version', '1.2.0-bad');
    assert.equal(code, 0, stderr);
    const done = await ended(2);
    assert.equal(done.status, 'rolled-back');
    assert.match(done.reason ?? '', /^analysis failed: success rate \d+\.\d+% < 99\.00%/);
    await waitFor(
      'the canary gone',
      async () => ((await deployment('api-canary'))?.spec.replicas ?? 0) === 0,
    );
    assert.equal(
      (await deployment('api'))?.spec.template.spec.containers[0]?.image,
      'ghcr.io/acme/demo-api:1.1.0',
    );
  });

  it('killed mid-canary, a controller started again resumes it at the same step', async () => {
    const { code, stderr } = await cli(paused, 'deploy', 'api', '--version', '1.3.0');
    assert.equal(code, 0, stderr);
    await waitFor('the pause', async () => (await release())?.status === 'paused');
    const before = (await release())!;
    for (const c of controllers) await c.kill();
    const again = startController('a-again', kubeconfig, namespace, leaseNamespace);
    await waitFor('the new controller to take the expired Lease and the release', async () =>
      said(again, /driving release 3 \(canary 1\.1\.0 → 1\.3\.0\)/),
    );
    const resumed = (await release())!;
    assert.equal(resumed.id, before.id);
    assert.equal(resumed.step, before.step, 'the same step');
    assert.equal(resumed.status, 'paused');
    assert.equal((await cli(paused, 'promote', 'api')).code, 0);
    assert.equal((await ended(3)).status, 'succeeded');
  });

  it('two controllers: only the Lease holder drives; kill it, the other takes over and goes on', async () => {
    const b = startController('b', kubeconfig, namespace, leaseNamespace);
    const leader = controllers.find((c) => c.identity === 'a-again')!;
    await waitFor('b to stand by', async () => said(b, /gantry controller .* as b/));
    const { code, stderr } = await cli(paused, 'deploy', 'api', '--version', '1.4.0');
    assert.equal(code, 0, stderr);
    await waitFor('the pause', async () => (await release())?.status === 'paused');
    assert.ok(said(leader, /driving release 4/), 'the holder drives');
    assert.ok(!said(b, /driving release 4/), 'the standby does not');
    const step = (await release())!.step;
    await leader.kill();
    await waitFor('b to take over', async () => said(b, /driving release 4 \(canary 1\.3\.0 → 1\.4\.0\)/));
    assert.equal((await release())!.step, step);
    assert.equal((await cli(paused, 'promote', 'api')).code, 0);
    assert.equal((await ended(4)).status, 'succeeded');
    const metrics = await (await fetch(`http://${await listenAddress(b)}/metrics`)).text();
    assert.match(metrics, /gantry_controller_leader 1/);
    assert.match(metrics, /^process_cpu_user_seconds_total /m);
  });

  it('its ServiceAccount (as gantry controller install binds it) drives a release, and is refused Secrets', async () => {
    for (const c of controllers) await c.kill();
    const objects = controllerManifests({
      namespace: leaseNamespace,
      image: 'unused',
      watch: [namespace],
    }).filter((o) => !['Namespace', 'Deployment', 'PodDisruptionBudget'].includes(o.kind));
    await createAll(objects);
    const token = await cluster!.tokenFor(leaseNamespace, 'gantry-controller');
    const asController = cluster!.kubeconfig({ namespace, token });
    const sa = startController('sa', asController, namespace, leaseNamespace);
    const { code, stderr } = await cli(defaults, 'deploy', 'api', '--version', '1.5.0');
    assert.equal(code, 0, stderr);
    assert.equal((await ended(5)).status, 'succeeded', sa.lines.join('\n'));
    const other = await cluster!.namespace('elsewhere');
    for (const where of [other, namespace]) {
      const read = await gantryAs(asController, where);
      assert.equal(read, 403, `reading a Secret in ${where} as the controller`);
    }
  });

  it('what gantry controller install prints is admitted as it is: two replicas available under Pod Security "restricted"', async () => {
    const installed = `gantry-install-${process.pid}`;
    const objects = controllerManifests({
      namespace: installed,
      image: 'ghcr.io/acme/gantry:1.0.0',
      watch: [await cluster!.namespace('watched')],
    });
    await createAll(objects);
    const labels = (
      (await cluster!.api.read({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: installed },
      })) as KubernetesObject
    ).metadata?.labels;
    assert.equal(labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
    await waitFor(
      'both replicas available',
      async () => {
        const live = (await cluster!.api.read({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'gantry-controller', namespace: installed },
        })) as { status?: { availableReplicas?: number } };
        return live.status?.availableReplicas === 2;
      },
      90_000,
    );
  });

  /** Creates what install prints; its ClusterRole (cluster-wide, one name) may be there from another install. */
  async function createAll(objects: ReturnType<typeof controllerManifests>): Promise<void> {
    for (const object of objects)
      await cluster!.api.create(object as KubernetesObject).catch((error: { code?: number }) => {
        if (!(object.kind === 'ClusterRole' && error.code === 409)) throw error;
      });
  }

  /** What the API server answers the controller's token for a Secret in `where`. */
  async function gantryAs(kubeconfigFile: string, where: string): Promise<number> {
    const { KubeConfig, CoreV1Api, ApiException } = await import('@kubernetes/client-node');
    const config = new KubeConfig();
    config.loadFromFile(kubeconfigFile);
    try {
      await config.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: where });
      return 200;
    } catch (error) {
      return error instanceof ApiException ? error.code : 0;
    }
  }

  /** The address a controller's endpoints listen on (it picked a free port). */
  async function listenAddress(c: Controller): Promise<string> {
    const line = c.lines.find((l) => /\/healthz \/readyz \/metrics on /.test(l));
    return /on (\S+)$/.exec(line ?? '')?.[1] ?? '';
  }
});
