/**
 * Blue-green, rollback and history on a cluster, as users run them (real CLI processes: `gantry
 * apply`, then `gantry deploy/promote/abort/rollback/history --env prod`) against a REAL control
 * plane (test/support/kube-cluster.ts). The Deployment controller and kwok decide when the idle
 * colour is available; the audit log shows when the Service's selector was written.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { decodeRelease } from '../../src/platform/kubernetes/release-annotation.ts';
import type { ReleaseState } from '../../src/rollout/state.ts';
import { gantry } from '../support/gantry.ts';
import { testClusterOrSkip, waitFor } from '../support/kube-cluster.ts';

const { cluster, skip } = await testClusterOrSkip();
after(() => cluster?.stop());

const work = mkdtempSync(join(tmpdir(), 'gantry-blue-green-cluster-'));
after(() => rmSync(work, { recursive: true, force: true }));

const spec = (namespace: string, delay: number, extra = '') => `app: demo
namespace: ${namespace}
services:
  api:
    image: ghcr.io/acme/demo-api:1.0.0
    port: 8000
    replicas: 4
    release:
      strategy: blue-green
      autoPromotion: false
      scaleDownDelaySeconds: ${delay}
      progressDeadlineSeconds: 20
      analysis: { enabled: false }   # the mechanics only: kwok's pods serve no traffic to measure
${extra}environments:
  prod: {}
`;

type Deployment = KubernetesObject & {
  spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
};
type Service = KubernetesObject & {
  metadata: { annotations?: Record<string, string> };
  spec: { selector: Record<string, string> };
};

/** `gantry apply` renders both colours at 1.0.0 (green, idle, at 0) and the Service selecting blue; the controllers roll them out. */
async function applied(options: { delay?: number; extra?: string } = {}) {
  const namespace = await cluster!.namespace('bg');
  const file = join(work, `${namespace}.yaml`);
  writeFileSync(file, spec(namespace, options.delay ?? 2, options.extra));
  const kubeconfig = cluster!.kubeconfig({ namespace });
  const cli = (...args: string[]) =>
    gantry([...args, '-f', file, '--env', 'prod', '--kubeconfig', kubeconfig], { timeoutMs: 150_000 });
  const read = async <T>(apiVersion: string, kind: string, name: string) =>
    (await cluster!.api.read({ apiVersion, kind, metadata: { name, namespace } })) as T;
  const deployment = (colour: string) => read<Deployment>('apps/v1', 'Deployment', `api-${colour}`);
  const image = async (colour: string) => (await deployment(colour)).spec.template.spec.containers[0]?.image;
  const service = () => read<Service>('v1', 'Service', 'api');
  const selected = async () => (await service()).spec.selector.version;
  const release = async (): Promise<ReleaseState | undefined> => {
    const text = (await service()).metadata.annotations?.['gantry.dev/release'];
    if (text === undefined) return undefined;
    const decoded = decodeRelease(text);
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.problem);
    return decoded.value.state;
  };
  const writes = (manager: string, name?: string) =>
    cluster!
      .requests(namespace)
      .filter(
        (r) =>
          r.method === 'PATCH' && r.query.fieldManager === manager && (name === undefined || r.name === name),
      );
  const run = await cli('apply', '--timeout', '90s');
  assert.equal(run.code, 0, run.stderr);
  assert.equal(await selected(), 'blue');
  assert.equal(await image('green'), 'ghcr.io/acme/demo-api:1.0.0');
  assert.equal((await deployment('green')).spec.replicas, 0, 'the idle colour waits at 0 for a release');
  return { namespace, cli, deployment, image, selected, release, writes };
}

describe('blue-green, rollback and history on a real control plane', { skip }, () => {
  it('deploy: the idle colour takes the new image, the selector moves only after it is available and promoted, the old colour goes to 0 after scaleDownDelaySeconds; apply keeps it', async () => {
    const { namespace, cli, deployment, image, selected, release, writes } = await applied();
    const deploy = cli('deploy', 'api', '--version', '1.1.0', '--timeout', '60');
    await waitFor('the pause for promotion', async () => (await release())?.status === 'paused');
    assert.equal(await image('green'), 'ghcr.io/acme/demo-api:1.1.0');
    assert.equal(await image('blue'), 'ghcr.io/acme/demo-api:1.0.0', 'the serving colour is not touched');
    assert.equal(await selected(), 'blue', 'autoPromotion false: no switch without promote');
    assert.match((await release())?.message ?? '', /switch traffic with `gantry promote api`/);
    assert.equal(writes('gantry-release-selector').length, 0);

    const promote = await cli('promote', 'api', '--full');
    assert.equal(promote.code, 0, promote.stderr);
    const { code, stdout, stderr } = await deploy;
    assert.equal(code, 0, stderr);
    assert.match(stdout, /revision 1: blue-green release of api 1\.0\.0 → 1\.1\.0 on gantry-test/);
    assert.match(stdout, new RegExp(`traffic: all at once, by the selector of the Service ${namespace}/api`));
    assert.match(stdout, /api-blue \(1\.0\.0\) scaled to 0/);
    assert.equal(await selected(), 'green');
    const switched = writes('gantry-release-selector');
    assert.equal(switched.length, 1);
    assert.equal(switched[0]?.query.force, 'true');
    assert.equal((await deployment('blue')).spec.replicas, 0);
    assert.equal((await deployment('green')).spec.replicas, 4);
    assert.equal((await release())?.status, 'succeeded');

    const again = await cli('apply', '--timeout', '90s');
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      new RegExp(`kept Service ${namespace}/api \\.spec\\.selector.* as a release set them`),
    );
    assert.equal(await selected(), 'green');
    assert.equal(await image('green'), 'ghcr.io/acme/demo-api:1.1.0');
    assert.equal((await deployment('blue')).spec.replicas, 0);
  });

  it('a new colour that never becomes available: the Service is never written, the new colour goes back to 0', async () => {
    const { cli, deployment, selected, release, writes } = await applied();
    const { code, stderr } = await cli('deploy', 'api', '--version', 'never-ready', '--timeout', '60');
    assert.equal(code, 1);
    assert.match(stderr, /api never-ready (rolled-back|aborted|failed)/);
    assert.equal(await selected(), 'blue');
    assert.equal(writes('gantry-release-selector').length, 0);
    assert.equal((await deployment('green')).spec.replicas, 0);
    assert.equal((await deployment('blue')).spec.replicas, 4);
    assert.notEqual((await release())?.status, 'succeeded');
  });

  it('abort before the switch (from a second process): the new colour goes to 0, the Service selector is never written', async () => {
    const { cli, deployment, selected, release, writes } = await applied();
    const deploy = cli('deploy', 'api', '--version', '1.1.0', '--timeout', '60');
    await waitFor('the pause for promotion', async () => (await release())?.status === 'paused');
    const abort = await cli('abort', 'api');
    assert.equal(abort.code, 0, abort.stderr);
    const { code, stderr } = await deploy;
    assert.equal(code, 1);
    assert.match(stderr, /api 1\.1\.0 aborted: aborted by a person/);
    assert.equal(await selected(), 'blue');
    assert.equal(writes('gantry-release-selector').length, 0);
    assert.equal((await deployment('green')).spec.replicas, 0);
    assert.equal((await deployment('blue')).spec.replicas, 4);
    assert.equal((await release())?.status, 'aborted');
  });

  it('smoke checks go through a real port-forward to a ready pod of the new colour; a failing one rolls back before the switch', async () => {
    const { namespace, cli, deployment, selected } = await applied({
      extra: '      smoke: [ { path: /health } ]\n',
    });
    const seen: string[] = [];
    const pod = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(500).end('broken');
    });
    await new Promise<void>((resolve) => pod.listen(0, '127.0.0.1', resolve));
    const forward = `pf-${namespace}`;
    await cluster!.api.create({
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'ClusterPortForward',
      metadata: { name: forward },
      spec: {
        selector: { matchNamespaces: [namespace] },
        forwards: [
          { ports: [8000], target: { address: '127.0.0.1', port: (pod.address() as AddressInfo).port } },
        ],
      },
    } as KubernetesObject);
    try {
      const { code, stdout, stderr } = await cli('deploy', 'api', '--version', '1.1.0', '--timeout', '60');
      assert.equal(code, 1, stdout);
      assert.deepEqual(seen, ['/health']);
      assert.match(stdout, /SmokeFailed: GET \/health: /);
      assert.match(stderr, /api 1\.1\.0 rolled-back: smoke check failed: GET \/health/);
      assert.equal(await selected(), 'blue');
      assert.equal((await deployment('green')).spec.replicas, 0);
    } finally {
      await cluster!.api.delete({
        apiVersion: 'kwok.x-k8s.io/v1alpha1',
        kind: 'ClusterPortForward',
        metadata: { name: forward },
      });
      pod.close();
    }
  });

  it('rollback of a finished release brings the previous colour up at its image, then switches back; history lists every revision', async () => {
    const { cli, deployment, image, selected, release } = await applied();
    const deploy = cli('deploy', 'api', '--version', '1.1.0', '--timeout', '60');
    await waitFor('the pause for promotion', async () => (await release())?.status === 'paused');
    assert.equal((await cli('promote', 'api', '--full')).code, 0);
    assert.equal((await deploy).code, 0);
    assert.equal((await deployment('blue')).spec.replicas, 0);

    const { code, stdout, stderr } = await cli('rollback', 'api');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /revision 2: rollback of api 1\.1\.0 → 1\.0\.0 \(revision 1\)/);
    assert.equal(await image('blue'), 'ghcr.io/acme/demo-api:1.0.0');
    assert.equal(await selected(), 'blue');
    assert.equal((await deployment('blue')).spec.replicas, 4);
    assert.equal(
      (await deployment('green')).spec.replicas,
      0,
      'green scaled down after scaleDownDelaySeconds',
    );

    const history = await cli('history', 'api', '--output', 'json');
    assert.equal(history.code, 0, history.stderr);
    assert.deepEqual(
      (JSON.parse(history.stdout) as ReleaseState[]).map((r) => [
        r.id,
        r.strategy,
        r.stable,
        r.version,
        r.status,
      ]),
      [
        [1, 'blue-green', '1.0.0', '1.1.0', 'succeeded'],
        [2, 'rollback', '1.1.0', '1.0.0', 'succeeded'],
      ],
    );
    const table = await cli('history', 'api');
    assert.match(table.stdout, /^REVISION {2}VERSION {2}STRATEGY {4}RESULT {5}ANALYSIS +STARTED/);
  });

  it('rollback while the old colour is still kept is instant: the Service goes back, the deploy that kept it leaves both colours to it', async () => {
    const { cli, deployment, selected, release, writes } = await applied({ delay: 20 });
    const deploy = cli('deploy', 'api', '--version', '1.1.0', '--timeout', '60');
    await waitFor('the pause for promotion', async () => (await release())?.status === 'paused');
    assert.equal((await cli('promote', 'api', '--full')).code, 0);
    await waitFor(
      'the switch',
      async () => (await release())?.status === 'succeeded' && (await selected()) === 'green',
    );
    const blueScaledBefore = writes('gantry-release-replicas', 'api-blue').length;

    const rollback = await cli('rollback', 'api');
    assert.equal(rollback.code, 0, rollback.stderr);
    assert.match(
      rollback.stdout,
      /revision 2: rollback of api 1\.1\.0 → 1\.0\.0 \(revision 1\)[\s\S]*back on 1\.0\.0/,
    );
    assert.equal(await selected(), 'blue');
    assert.equal(
      writes('gantry-release-replicas', 'api-blue').length,
      blueScaledBefore,
      'blue was kept at full size: nothing to bring up',
    );
    const kept = await deploy;
    assert.equal(kept.code, 0, kept.stderr);
    assert.match(kept.stdout, /revision 2 took over; api-blue is left to it/);
    assert.equal((await deployment('blue')).spec.replicas, 4, 'the serving colour is never scaled to 0');
    await waitFor(
      'green scaled down by the rollback',
      async () => (await deployment('green')).spec.replicas === 0,
    );
  });
});
