/**
 * The one Kubernetes Platform behaviour the real test control plane (test/cluster/) cannot show:
 * it installs the Gateway API CRDs for every test file, so a cluster WITHOUT them is played by a
 * FAKE API server — an HTTP server that answers every request 404 NotFound, as kube-apiserver
 * answers the discovery of a group it does not serve (GET /apis/gateway.networking.k8s.io/v1).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { connect } from '../../src/platform/kubernetes/cluster.ts';
import { KubernetesPlatform } from '../../src/platform/kubernetes/platform.ts';
import { effectiveAnalysis } from '../../src/spec/model.ts';

const work = mkdtempSync(join(tmpdir(), 'gantry-k8s-release-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('Kubernetes platform — fake API server, for what the test control plane cannot show', () => {
  it('falls back to the replica ratio when the Gateway API is not installed (fake API server: the test control plane always installs its CRDs)', async () => {
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(404, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
          message: 'the server could not find the requested resource',
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const kubeconfig = join(work, 'kubeconfig');
      const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      writeFileSync(
        kubeconfig,
        `apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: ${address}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    user: u\ncurrent-context: fake\n`,
      );
      const { cluster: api } = connect({ kubeconfig });
      const platform = new KubernetesPlatform(api, 'demo', effectiveAnalysis(undefined));
      assert.equal(await platform.traffic('api'), 'replica-ratio');
      assert.deepEqual(paths, ['/apis/gateway.networking.k8s.io/v1']);
    } finally {
      server.close();
    }
  });
});
