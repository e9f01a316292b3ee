/**
 * `scripts/kube-test-cluster.sh up|env|down`: the test control plane for a shell, for the test runner
 * (scripts/test.js) and for other suites (Helm charts, the controller) that want a real API server.
 *
 *   up    start one in $GANTRY_KUBE_CLUSTER (default /tmp/gantry-kube-test-cluster) unless one runs
 *         there; print its env lines
 *   env   print the env lines of the running one:  eval "$(scripts/kube-test-cluster.sh env)"
 *   down  stop it (by the PIDs in cluster.json) and remove the directory
 *
 * The env lines: KUBECONFIG (admin, context gantry-test), GANTRY_TEST_CLUSTER (the directory, which
 * test/support/kube-cluster.ts attaches to), GANTRY_TEST_CLUSTER_SERVER and _TOKEN.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  attachControlPlane,
  type ControlPlaneInfo,
  ControlPlaneUnavailable,
  startControlPlane,
  stopControlPlane,
} from './kube-control-plane.ts';

const dir = process.env.GANTRY_KUBE_CLUSTER ?? '/tmp/gantry-kube-test-cluster';

function envLines(info: ControlPlaneInfo): string {
  const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;
  return [
    `export KUBECONFIG=${quote(info.kubeconfigPath)}`,
    `export GANTRY_TEST_CLUSTER=${quote(info.dir)}`,
    `export GANTRY_TEST_CLUSTER_SERVER=${quote(info.server)}`,
    `export GANTRY_TEST_CLUSTER_TOKEN=${quote(info.token)}`,
    '',
  ].join('\n');
}

async function main(command: string | undefined): Promise<number> {
  if (command === 'up') {
    const running = await attachControlPlane(dir);
    if (running) {
      console.error(`a test control plane already runs in ${dir} (${running.server})`);
      process.stdout.write(envLines(running));
      return 0;
    }
    await down(); // a half-started or dead one
    console.error(`starting kube-apiserver, controller-manager, scheduler, etcd and kwok in ${dir}`);
    const info = await startControlPlane(dir);
    console.error(
      `control plane ${info.kubeVersion} ready at ${info.server} in ${(info.startMs / 1000).toFixed(1)} s (nodes: ${info.nodes.map((n) => n.name).join(', ')}; logs in ${join(dir, 'logs')})`,
    );
    process.stdout.write(envLines(info));
    return 0;
  }
  if (command === 'env') {
    const info = await attachControlPlane(dir);
    if (!info) {
      console.error(`no test control plane runs in ${dir}: scripts/kube-test-cluster.sh up starts one`);
      return 1;
    }
    process.stdout.write(envLines(info));
    return 0;
  }
  if (command === 'down') {
    await down();
    return 0;
  }
  console.error('usage: scripts/kube-test-cluster.sh up|env|down');
  return 2;
}

async function down(): Promise<void> {
  const file = join(dir, 'cluster.json');
  if (existsSync(file)) {
    await stopControlPlane(JSON.parse(readFileSync(file, 'utf8')) as ControlPlaneInfo);
    console.error(`stopped the test control plane in ${dir}`);
  }
  rmSync(dir, { recursive: true, force: true });
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ControlPlaneUnavailable ? error.message : error);
    process.exit(1);
  },
);
