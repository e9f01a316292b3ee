/**
 * The one Kubernetes Platform behaviour the real test control plane (test/cluster/) cannot show:
 * it installs the Gateway API CRDs for every test file, so a cluster WITHOUT them is played by
 * the FAKE API server (test/support/fake-kube-api.ts), which answers 404 on the group's discovery
 * as kube-apiserver does for a group it does not serve.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KubernetesPlatform } from '../../src/platform/kubernetes/platform.ts';
import { connectForRelease } from '../../src/platform/kubernetes/release-api.ts';
import { effectiveAnalysis } from '../../src/spec/model.ts';
import { FakeKubeApi, kubeconfigFor } from '../support/fake-kube-api.ts';

const work = mkdtempSync(join(tmpdir(), 'gantry-k8s-release-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('Kubernetes platform — fake API server, for what the test control plane cannot show', () => {
  it('falls back to the replica ratio when the Gateway API is not installed (fake API server: the test control plane always installs its CRDs)', async () => {
    const fake = new FakeKubeApi();
    const kubeconfig = join(work, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigFor(await fake.start(), 'demo'));
    try {
      fake.notServed.add('gateway.networking.k8s.io/v1');
      const { api } = connectForRelease({ kubeconfig });
      const platform = new KubernetesPlatform(api, 'demo', effectiveAnalysis(undefined));
      assert.equal(await platform.traffic('api'), 'replica-ratio');
      assert.ok(fake.requests.some((r) => r.path === '/apis/gateway.networking.k8s.io/v1'));
    } finally {
      await fake.stop();
    }
  });
});
