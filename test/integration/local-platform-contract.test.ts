/**
 * LocalPlatform (src/local/local-platform.ts) passes the Platform contract (platform.contract.ts)
 * with everything real, wired as the daemon wires it (src/daemon/daemon.ts) without its API: a
 * SQLite store in a temporary state directory, the proxy process (the data plane, dist/proxy-main.js)
 * and one ServiceController whose replicas are processes of the example shop's api. The traffic is
 * HTTP requests to the service's load balancer; the measurements are what the proxy counted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalPlatform } from '../../src/local/local-platform.ts';
import { DataPlane } from '../../src/local/proxy/data-plane.ts';
import { replicaEnvironment } from '../../src/local/replica-env.ts';
import { ServiceController } from '../../src/local/service-controller.ts';
import { StateDir } from '../../src/local/state-dir.ts';
import { Store } from '../../src/local/store.ts';
import { platformContract } from '../../src/platform/platform.contract.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { assertBuilt, ROOT } from '../support/gantry.ts';

const SPEC = `app: contract
services:
  api:
    run: node ${join(ROOT, 'examples/shop/api/server.js')}
    port: 8000
    health:
      readiness: { path: /health/ready, periodSeconds: 1 }
    replicas: 2
`;

function apiModel(dir: string) {
  const loaded = loadSpec(SPEC, { file: join(dir, 'gantry.yaml'), target: 'local' });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return { app: loaded.model.app, api: loaded.model.services.api! };
}

platformContract('LocalPlatform (real replicas, proxy and HTTP)', async () => {
  assertBuilt(); // the proxy runs from dist/
  const dir = mkdtempSync(join(tmpdir(), 'gantry-local-contract-'));
  const state = new StateDir(join(dir, '.gantry'));
  state.ensure();
  const store = new Store(state.database);
  const { app, api } = apiModel(dir);
  const log: string[] = [];
  const dataPlane = await DataPlane.open({
    stateDir: state,
    store,
    record: (service, type, reason, message) => log.push(`${type} ${service} ${reason}: ${message}`),
    log: (line) => log.push(line),
  });
  const controller = new ServiceController(api, {
    store,
    stateDir: state,
    specDir: dir,
    dataPlane,
    record: (service, replica, event) => log.push(`${service}/${replica} ${event.reason}: ${event.message}`),
    environment: (revision, version, index, port) =>
      replicaEnvironment(revision, { app, version, index, port }, { file: {}, environment: process.env }, {}),
  });
  const now = Date.now();
  store.saveRevision('api', 'v1', api, now);
  store.saveRevision('api', 'v2', api, now);
  store.setDesired({ service: 'api', version: 'v1', replicas: 2, weight: 100, generation: 0 });
  await controller.listen(undefined); // a free port
  await controller.reconcile();
  const platform = new LocalPlatform(store, new Map([['api', controller]]));
  const close = async () => {
    await controller.close();
    await dataPlane.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 30_000;
    while ((await platform.observe('api')).versions[0]?.ready !== 2) {
      if (Date.now() > deadline) throw new Error(`v1 did not become ready:\n${log.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    platform,
    service: 'api',
    stable: { version: 'v1', replicas: 2 },
    next: 'v2',
    timeoutMs: 30_000,
    async sendTraffic(requests) {
      const { url } = await platform.observe('api');
      for (let i = 0; i < requests; i++) {
        const response = await fetch(`${url}/api/products`);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GET /api/products answered ${response.status}`);
      }
    },
    close,
  };
});
