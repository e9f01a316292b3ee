/**
 * A real Kubernetes control plane on 127.0.0.1 for the cluster tests: etcd → kube-apiserver →
 * kube-controller-manager → kube-scheduler → kwok, built from Go modules by
 * scripts/kube-test-cluster.sh (which owns the versions and the cache). kwok plays the kubelets:
 * three fake nodes in three zones become Ready, scheduled pods become Running and Ready (or not,
 * per test/support/kwok-stages.yaml), and its server answers the API server's log and
 * port-forward calls from Logs / ClusterLogs / PortForward objects.
 *
 * Everything lives in one directory (certs, etcd data, logs, kubeconfig, cluster.json with the
 * PIDs), so a control plane started by one process (`scripts/kube-test-cluster.sh up`, the test
 * runner) can be used and stopped by another.
 */
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { parseAllDocuments, stringify } from 'yaml';
import { freePort, isAlive } from '../../src/local/process.ts';
import { ROOT } from './gantry.ts';

/** What a test needs to talk to the control plane, as stored in `<dir>/cluster.json`. */
export interface ControlPlaneInfo {
  dir: string;
  /** https://127.0.0.1:PORT */
  server: string;
  /** The admin's bearer token (group system:masters). */
  token: string;
  /** A kubeconfig with one context, `gantry-test`, for the admin. */
  kubeconfigPath: string;
  /**
   * The API server's audit log: one JSON event per request (verb, requestURI with its query,
   * objectRef, responseStatus) of every user but the control plane's own (the controllers, the
   * scheduler and kwok use another token), so tests can see what Gantry sent and what was answered.
   */
  auditLogPath: string;
  /** PEM of the API server's self-signed CA (and serving certificate). */
  caPath: string;
  kubeVersion: string;
  /** kwok's kubelet server, where every fake node's logs and port-forwards are answered. */
  kubeletPort: number;
  /** The three fake nodes, one per zone. */
  nodes: { name: string; zone: string }[];
  pids: Record<string, number>;
  /** How long the start took, in milliseconds. */
  startMs: number;
}

export class ControlPlaneUnavailable extends Error {}

export const ZONES = ['zone-a', 'zone-b', 'zone-c'] as const;

/** The built binaries, from `scripts/kube-test-cluster.sh paths`; ControlPlaneUnavailable when not built. */
export function controlPlaneBinaries(): Record<string, string> {
  let text: string;
  try {
    text = execFileSync(join(ROOT, 'scripts/kube-test-cluster.sh'), ['paths'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new ControlPlaneUnavailable(stderr || (error as Error).message);
  }
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** Starts the five processes in `dir` (created if missing) and waits until nodes are Ready. */
export async function startControlPlane(dir: string): Promise<ControlPlaneInfo> {
  const started = Date.now();
  const bin = controlPlaneBinaries();
  for (const sub of ['certs', 'etcd', 'logs']) mkdirSync(join(dir, sub), { recursive: true });
  const pids: Record<string, number> = {};
  const info: ControlPlaneInfo = {
    dir,
    server: '',
    token: randomBytes(24).toString('hex'),
    kubeconfigPath: join(dir, 'kubeconfig'),
    auditLogPath: join(dir, 'logs', 'audit.log'),
    caPath: join(dir, 'certs', 'apiserver.crt'),
    kubeVersion: bin['kube-version']!,
    kubeletPort: 0,
    nodes: ZONES.map((zone) => ({ name: `kwok-${zone}`, zone })),
    pids,
    startMs: 0,
  };
  const save = () =>
    writeFileSync(join(dir, 'cluster.json'), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  const run = (name: string, args: string[]) => {
    pids[name] = launch(bin[name]!, args, join(dir, 'logs', `${name}.log`));
    save(); // a failure further on can still be cleaned up by PID
  };
  try {
    const [etcdClient, etcdPeer, apiPort, kubeletPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    info.server = `https://127.0.0.1:${apiPort}`;
    info.kubeletPort = kubeletPort!;
    const systemToken = randomBytes(24).toString('hex');
    writeSecrets(dir, info.token, systemToken);

    run('etcd', [
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync', // test data: no fsync (much faster on a shared disk)
      '--quota-backend-bytes=1073741824',
      '--log-level=warn',
    ]);
    await until(
      'etcd',
      () => alive(pids, dir),
      async () => {
        const res = await fetch(`http://127.0.0.1:${etcdClient}/health`).catch(() => undefined);
        return res?.ok === true;
      },
    );

    run('kube-apiserver', [
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'certs')}`,
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--allow-privileged=true',
      `--audit-policy-file=${join(dir, 'audit-policy.yaml')}`,
      `--audit-log-path=${info.auditLogPath}`,
      '--audit-log-maxsize=0',
      // kwok's server stands in for every node's kubelet (logs, port-forward); its certificate is
      // self-signed, and with no --kubelet-certificate-authority the API server does not verify it.
      '--kubelet-preferred-address-types=InternalIP',
      '--v=1',
    ]);
    await until(
      'kube-apiserver /readyz',
      () => alive(pids, dir),
      () => readyz(info),
    );
    writeKubeconfig(info.kubeconfigPath, info, info.token);
    const systemKubeconfig = join(dir, 'system.kubeconfig');
    writeKubeconfig(systemKubeconfig, info, systemToken);
    save();

    const api = objectApi(info);
    await installCustomResources(api, [...crdFiles(bin), ...kwokCrdFiles(bin)]);

    const kubeconfig = `--kubeconfig=${systemKubeconfig}`;
    const controllerPort = await freePort();
    run('kube-controller-manager', [
      kubeconfig,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${controllerPort}`,
      `--service-account-private-key-file=${join(dir, 'sa.key')}`,
      `--root-ca-file=${info.caPath}`,
      '--cluster-name=gantry-test',
      // The in-tree hostPath provisioner (for tests; it makes directories under /tmp): the default
      // StorageClass below binds the PersistentVolumeClaims of StatefulSets, which otherwise stay
      // Pending (no provisioner) and keep their pods unschedulable.
      '--enable-hostpath-provisioner=true',
      '--v=1',
    ]);
    const schedulerPort = await freePort();
    run('kube-scheduler', [
      kubeconfig,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${schedulerPort}`,
      '--v=1',
    ]);
    writeFileSync(join(dir, 'kwok.yaml'), kwokStages(bin['kwok-stages']!));
    run('kwok', [
      kubeconfig,
      `--config=${join(dir, 'kwok.yaml')}`,
      '--manage-all-nodes=true',
      // Node leases as a kubelet keeps them: without, the node lifecycle controller finds the nodes
      // silent after its grace period and marks every pod on them not Ready (kwok never re-readies a Running pod).
      '--node-lease-duration-seconds=40',
      '--node-ip=127.0.0.1',
      `--node-port=${kubeletPort}`,
      `--server-address=127.0.0.1:${kubeletPort}`,
      '--cidr=10.244.0.0/16',
      '--enable-crds=Logs,ClusterLogs,PortForward,ClusterPortForward',
    ]);

    for (const node of info.nodes) await api.create(nodeObject(node.name, node.zone));
    await api.create(DEFAULT_STORAGE_CLASS);
    await until(
      'three Ready nodes and the default ServiceAccount',
      () => alive(pids, dir),
      async () => {
        const nodes = await api.list('v1', 'Node');
        const ready = nodes.items.filter((n) =>
          (n as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions?.some(
            (c) => c.type === 'Ready' && c.status === 'True',
          ),
        );
        if (ready.length < info.nodes.length) return false;
        // The controller-manager's serviceaccount controller is running (pods need a ServiceAccount).
        return (
          (await api
            .read({
              apiVersion: 'v1',
              kind: 'ServiceAccount',
              metadata: { name: 'default', namespace: 'default' },
            })
            .catch(() => undefined)) !== undefined
        );
      },
    );
    info.startMs = Date.now() - started;
    save();
    return info;
  } catch (error) {
    await stopControlPlane(info);
    throw error;
  }
}

/** SIGTERM to every process (last started first), SIGKILL to what is left after 5 s. */
export async function stopControlPlane(info: Pick<ControlPlaneInfo, 'pids'>): Promise<void> {
  const order = ['kwok', 'kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'etcd'];
  for (const name of order) {
    const pid = info.pids[name];
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGTERM');
  }
  const deadline = Date.now() + 5_000;
  for (const name of order) {
    const pid = info.pids[name];
    if (pid === undefined) continue;
    while (isAlive(pid) && Date.now() < deadline) await sleep(50);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
}

/** The control plane stored in `dir`, when every process is alive and the API server ready. */
export async function attachControlPlane(dir: string): Promise<ControlPlaneInfo | undefined> {
  const file = join(dir, 'cluster.json');
  if (!existsSync(file)) return undefined;
  const info = JSON.parse(readFileSync(file, 'utf8')) as ControlPlaneInfo;
  if (info.startMs === 0 || !Object.values(info.pids).every(isAlive)) return undefined;
  return (await readyz(info)) ? info : undefined;
}

/** A client-node object API as the admin. */
export function objectApi(info: Pick<ControlPlaneInfo, 'kubeconfigPath'>): KubernetesObjectApi {
  const config = new KubeConfig();
  config.loadFromFile(info.kubeconfigPath);
  return KubernetesObjectApi.makeApiClient(config);
}

/** Runs a binary in its own process group, its output to `log`; returns its PID. */
function launch(binary: string, args: string[], log: string): number {
  const fd = openSync(log, 'a');
  try {
    const child = spawn(binary, args, { detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    if (child.pid === undefined) throw new Error(`cannot start ${binary}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/**
 * The token file (the tests' admin; the control plane's own components, left out of the audit
 * log), the audit policy and the service-account signing key pair.
 */
function writeSecrets(dir: string, token: string, systemToken: string): void {
  writeFileSync(
    join(dir, 'tokens.csv'),
    `${token},gantry-admin,gantry-admin,"system:masters"\n${systemToken},gantry-test-system,gantry-test-system,"system:masters"\n`,
    { mode: 0o600 },
  );
  writeFileSync(
    join(dir, 'audit-policy.yaml'),
    [
      'apiVersion: audit.k8s.io/v1',
      'kind: Policy',
      'omitStages: [RequestReceived, ResponseStarted]',
      'rules:',
      '- level: None',
      '  users: [gantry-test-system]',
      '- level: None',
      '  userGroups: ["system:serviceaccounts", "system:nodes"]',
      '- level: None',
      '  nonResourceURLs: ["/readyz*", "/healthz*", "/livez*", "/openapi*", "/version"]',
      '- level: Metadata',
      '',
    ].join('\n'),
  );
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
}

function writeKubeconfig(file: string, info: ControlPlaneInfo, token: string): void {
  const ca = readFileSync(info.caPath).toString('base64');
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: gantry-test\n  cluster:\n    server: ${info.server}\n    certificate-authority-data: ${ca}`,
    'users:',
    `- name: gantry-admin\n  user:\n    token: ${token}`,
    'contexts:',
    '- name: gantry-test\n  context:\n    cluster: gantry-test\n    user: gantry-admin\n    namespace: default',
    'current-context: gantry-test',
    '',
  ].join('\n');
  writeFileSync(file, text, { mode: 0o600 });
}

/** GET /readyz as the admin; true on 200. */
function readyz(info: Pick<ControlPlaneInfo, 'server' | 'token'>): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      `${info.server}/readyz`,
      { headers: { authorization: `Bearer ${info.token}` }, rejectUnauthorized: false, timeout: 2_000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function alive(pids: Record<string, number>, dir: string): void {
  for (const [name, pid] of Object.entries(pids))
    if (!isAlive(pid)) {
      const log = readFileSync(join(dir, 'logs', `${name}.log`), 'utf8')
        .trim()
        .split('\n')
        .slice(-15);
      throw new Error(
        `${name} exited while the control plane was starting; the end of its log:\n${log.join('\n')}`,
      );
    }
}

/** Polls `ready` every 200 ms for up to 2 minutes, failing early when `check` throws (a process died). */
async function until(what: string, check: () => void, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    check();
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`the test control plane: timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** The CRD manifests copied beside the binaries at build time (Gateway API, External Secrets). */
function crdFiles(bin: Record<string, string>): string[] {
  const dir = bin.crds!;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, f));
}

/** kwok's own CRDs for the kinds it serves as objects here (Logs, ClusterLogs, PortForward, ClusterPortForward). */
function kwokCrdFiles(bin: Record<string, string>): string[] {
  const dir = bin['kwok-crds']!;
  return ['logs', 'clusterlogs', 'portforwards', 'clusterportforwards'].map((p) =>
    join(dir, `kwok.x-k8s.io_${p}.yaml`),
  );
}

/** Server-side applies every CustomResourceDefinition in `files`, then waits until each is Established. */
async function installCustomResources(api: KubernetesObjectApi, files: string[]): Promise<void> {
  const names: string[] = [];
  for (const file of files)
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const object = doc.toJS() as KubernetesObject | null;
      if (object?.kind !== 'CustomResourceDefinition') continue;
      await api.patch(
        object,
        undefined,
        undefined,
        'gantry-test-cluster',
        true,
        PatchStrategy.ServerSideApply,
      );
      names.push(object.metadata!.name!);
    }
  await until(
    'the CRDs to be Established',
    () => {},
    async () => {
      for (const name of names) {
        const crd = (await api.read({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name },
        })) as { status?: { conditions?: { type: string; status: string }[] } };
        if (!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'))
          return false;
      }
      return true;
    },
  );
}

/** kwok's shipped stages, with pod-ready kept off the pods test/support/kwok-stages.yaml handles, then ours. */
export function kwokStages(shippedFile: string): string {
  const ours = readFileSync(join(ROOT, 'test/support/kwok-stages.yaml'), 'utf8');
  const special = parseAllDocuments(ours).map(
    (d) =>
      (d.toJS() as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.[
        'gantry.dev/version-label'
      ],
  );
  const shipped = parseAllDocuments(readFileSync(shippedFile, 'utf8'))
    .map(
      (d) =>
        d.toJS() as {
          metadata: { name: string };
          spec: { selector: { matchExpressions: unknown[] } };
        } | null,
    )
    .filter((s) => s !== null)
    .map((stage) => {
      if (stage.metadata.name === 'pod-ready')
        stage.spec.selector.matchExpressions.push({
          key: '.metadata.labels["app.kubernetes.io/version"]',
          operator: 'NotIn',
          values: special.filter((v) => v !== undefined),
        });
      return stage;
    });
  return [...shipped.map((s) => stringify(s)), ours].join('---\n');
}

const DEFAULT_STORAGE_CLASS = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: 'kubernetes.io/host-path',
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'Immediate',
} as KubernetesObject;

/** A Node kwok takes over: zone and hostname labels as a cloud's kubelet would set them. */
/** kwok's default node size, and local disk. */
const NODE_RESOURCES = { cpu: '1k', memory: '1Ti', pods: '1M', 'ephemeral-storage': '1Ti' };

function nodeObject(name: string, zone: string): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': zone,
        'topology.kubernetes.io/region': 'test',
        type: 'kwok',
      },
    },
    // What a kubelet registers its node with (kwok's own default leaves ephemeral-storage out, so a
    // pod requesting some, as `gantry controller install`'s do, would never be scheduled).
    status: { capacity: NODE_RESOURCES, allocatable: NODE_RESOURCES },
  } as KubernetesObject;
}
