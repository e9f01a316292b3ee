/**
 * The real control plane (kube-control-plane.ts) as tests use it:
 *
 *   const cluster = await startTestCluster();   // { kubeconfigPath, server, token, stop(), … }
 *
 * When GANTRY_TEST_CLUSTER names the directory of a running control plane (`scripts/test.js`
 * starts one for the cluster phase; `eval "$(scripts/kube-test-cluster.sh env)"` points a shell at
 * the one `up` started), every test file shares it and `stop()` leaves it running. Otherwise the
 * file gets its own (about 15–40 s to start on this machine), stopped by `stop()` or when the
 * process exits. Tests on a shared control plane keep to namespaces of their own (`namespace()`).
 *
 * `testClusterOrSkip()` is for a test file's top level: where the binaries are not built it
 * returns the reason to skip (printed, so the skip is loud) — but under CI it throws, since
 * .ci/run builds them and a skipped cluster suite there would hide a broken build.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  CoreV1Api,
  KubeConfig,
  type KubernetesObject,
  type KubernetesObjectApi,
} from '@kubernetes/client-node';
import {
  attachControlPlane,
  type ControlPlaneInfo,
  ControlPlaneUnavailable,
  objectApi,
  startControlPlane,
  stopControlPlane,
} from './kube-control-plane.ts';

export interface TestCluster extends ControlPlaneInfo {
  /** True when this process started it (then `stop()` stops it). */
  owned: boolean;
  /** The admin's client-node object API, for arranging and checking objects. */
  api: KubernetesObjectApi;
  /** Creates a Namespace of its own for a test (`<prefix>-<random>`) and returns its name. */
  namespace(prefix: string, labels?: Record<string, string>): Promise<string>;
  /** A kubeconfig file for `token` (default: the admin's) whose context defaults to `namespace`. */
  kubeconfig(options: { namespace?: string; token?: string }): string;
  /**
   * A ServiceAccount `name` in `namespace` bound to a Role with `rules`, and a token for it (the
   * TokenRequest API), for tests of what a user with narrow rights sees.
   */
  serviceAccountToken(namespace: string, name: string, rules: unknown[]): Promise<string>;
  /** A token (the TokenRequest API) for an existing ServiceAccount, with whatever it is bound to. */
  tokenFor(namespace: string, serviceAccount: string): Promise<string>;
  /** What the API server's audit log recorded for requests in `namespace`, oldest first. */
  requests(namespace: string): AuditedRequest[];
  stop(): Promise<void>;
}

/** One audited request: `PATCH /apis/apps/v1/namespaces/x/deployments/api` and its query. */
export interface AuditedRequest {
  verb: string;
  method: string;
  path: string;
  query: Record<string, string>;
  code: number;
  resource: string;
  name?: string;
  subresource?: string;
}

export const SHARED_CLUSTER_ENV = 'GANTRY_TEST_CLUSTER';

export async function startTestCluster(): Promise<TestCluster> {
  const shared = process.env[SHARED_CLUSTER_ENV];
  if (shared) {
    const info = await attachControlPlane(shared);
    if (!info)
      throw new Error(
        `${SHARED_CLUSTER_ENV}=${shared}: no running test control plane there (scripts/kube-test-cluster.sh up starts one)`,
      );
    return withHelpers(info, false, async () => {});
  }
  const dir = mkdtempSync(join(tmpdir(), 'gantry-kube-'));
  const info = await startControlPlane(dir).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  // The processes run in their own process groups: stop them when this test process ends.
  const killOnExit = () => {
    for (const pid of Object.values(info.pids))
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
  };
  process.once('exit', killOnExit);
  return withHelpers(info, true, async () => {
    process.off('exit', killOnExit);
    await stopControlPlane(info);
    rmSync(dir, { recursive: true, force: true });
  });
}

export type ClusterOrSkip =
  | { cluster: TestCluster; skip?: undefined }
  | { cluster?: undefined; skip: string };

export async function testClusterOrSkip(): Promise<ClusterOrSkip> {
  try {
    return { cluster: await startTestCluster() };
  } catch (error) {
    if (!(error instanceof ControlPlaneUnavailable) || process.env.CI) throw error;
    const skip = `no test control plane: ${error.message}`;
    console.error(`\n*** SKIPPING the cluster tests of this file — ${skip} ***\n`);
    // A skipped suite's tests are never registered, so the runner would count nothing: one skipped
    // test per file makes the skip show in the closing "N passed, N failed, N skipped".
    test('the cluster tests of this file', { skip }, () => {});
    return { skip };
  }
}

function withHelpers(info: ControlPlaneInfo, owned: boolean, stop: () => Promise<void>): TestCluster {
  const api = objectApi(info);
  const config = new KubeConfig();
  config.loadFromFile(info.kubeconfigPath);
  let files = 0;
  return {
    ...info,
    owned,
    api,
    stop,
    async namespace(prefix, labels = {}) {
      const name = `${prefix}-${randomBytes(3).toString('hex')}`;
      await api.create({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels },
      } as KubernetesObject);
      return name;
    },
    kubeconfig({ namespace = 'default', token = info.token }) {
      const file = join(info.dir, `kubeconfig-${process.pid}-${++files}`);
      const text = [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: gantry-test\n  cluster:\n    server: ${info.server}\n    certificate-authority: ${info.caPath}`,
        'users:',
        `- name: tester\n  user:\n    token: ${token}`,
        'contexts:',
        `- name: gantry-test\n  context:\n    cluster: gantry-test\n    user: tester\n    namespace: ${namespace}`,
        'current-context: gantry-test',
        '',
      ].join('\n');
      writeFileSync(file, text, { mode: 0o600 });
      return file;
    },
    async serviceAccountToken(namespace, name, rules) {
      const rbac = 'rbac.authorization.k8s.io';
      const objects = [
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } },
        { apiVersion: `${rbac}/v1`, kind: 'Role', metadata: { name, namespace }, rules },
        {
          apiVersion: `${rbac}/v1`,
          kind: 'RoleBinding',
          metadata: { name, namespace },
          roleRef: { apiGroup: rbac, kind: 'Role', name },
          subjects: [{ kind: 'ServiceAccount', name, namespace }],
        },
      ];
      for (const object of objects) await api.create(object as KubernetesObject);
      return this.tokenFor(namespace, name);
    },
    async tokenFor(namespace, serviceAccount) {
      const core = config.makeApiClient(CoreV1Api);
      const request = await core.createNamespacedServiceAccountToken({
        name: serviceAccount,
        namespace,
        body: { spec: { audiences: [], expirationSeconds: 3600 } },
      });
      return request.status!.token;
    },
    requests(namespace) {
      return readFileSync(info.auditLogPath, 'utf8')
        .split('\n')
        .filter((line) => line.includes(`"namespace":"${namespace}"`))
        .map((line) => JSON.parse(line) as AuditEvent)
        .filter((event) => event.objectRef?.namespace === namespace)
        .map(audited);
    },
  };
}

interface AuditEvent {
  verb: string;
  requestURI: string;
  responseStatus?: { code?: number };
  objectRef?: { resource?: string; namespace?: string; name?: string; subresource?: string };
}

const METHOD: Record<string, string> = {
  get: 'GET',
  list: 'GET',
  watch: 'GET',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  deletecollection: 'DELETE',
};

function audited(event: AuditEvent): AuditedRequest {
  const url = new URL(event.requestURI, 'https://api');
  return {
    verb: event.verb,
    method: METHOD[event.verb] ?? event.verb,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    code: event.responseStatus?.code ?? 0,
    resource: event.objectRef?.resource ?? '',
    ...(event.objectRef?.name ? { name: event.objectRef.name } : {}),
    ...(event.objectRef?.subresource ? { subresource: event.objectRef.subresource } : {}),
  };
}

/** Polls `done` every 250 ms until it is true; fails naming `what` after `timeoutMs` (controllers and kwok act in their own time). */
export async function waitFor(what: string, done: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
