/**
 * A fake Kubernetes API server — not a cluster; the cluster tests (test/cluster/) use a real
 * control plane. Kept for test/integration/deploy-digest-contract.test.ts until it moves there. It
 * records every request and answers like the API for the paths the adapter uses: discovery
 * (/api/v1, /apis/<group>/<version>), server-side apply PATCH, GET, LIST with labelSelector,
 * DELETE, and watch streams. Workloads get a status the way the controllers would give it:
 * StatefulSets are ready at once; a Deployment becomes Available (or exceeds its progress
 * deadline, per `rollout`) shortly after a watch on it opens. Binds 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ManagedFieldsEntry } from '../../src/platform/kubernetes/release-owned.ts';
import { conflicts, managedAfter, reapplied } from './fake-field-ownership.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: unknown;
}

interface Resource {
  name: string;
  kind: string;
  namespaced: boolean;
}

const DISCOVERY: Record<string, Resource[]> = {
  v1: [
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'secrets', kind: 'Secret', namespaced: true },
    { name: 'services', kind: 'Service', namespaced: true },
    { name: 'pods', kind: 'Pod', namespaced: true },
    { name: 'events', kind: 'Event', namespaced: true },
  ],
  'apps/v1': [
    { name: 'deployments', kind: 'Deployment', namespaced: true },
    { name: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  ],
  'autoscaling/v2': [{ name: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true }],
  'policy/v1': [{ name: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true }],
  'networking.k8s.io/v1': [
    { name: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true },
    { name: 'ingresses', kind: 'Ingress', namespaced: true },
  ],
  'external-secrets.io/v1': [{ name: 'externalsecrets', kind: 'ExternalSecret', namespaced: true }],
  'gateway.networking.k8s.io/v1': [{ name: 'httproutes', kind: 'HTTPRoute', namespaced: true }],
  'postgresql.cnpg.io/v1': [{ name: 'clusters', kind: 'Cluster', namespaced: true }],
};

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    generation?: number;
    managedFields?: ManagedFieldsEntry[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
};

/** An answer the test forces for matching requests: status code and Status message. */
export interface Refusal {
  method: string;
  /** Matched against the request path (e.g. /deployments/api$). */
  path: RegExp;
  code: number;
  reason: string;
  message: string;
}

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  /** Stored objects by their API path. */
  readonly objects = new Map<string, Obj>();
  /** API group/versions the "cluster" does not serve (their CRDs are "not installed"). */
  readonly notServed = new Set<string>();
  readonly refusals: Refusal[] = [];
  /** What Deployments do once watched. */
  rollout: 'available' | 'deadline' = 'available';
  /** Delay before the controller "acts" on a watched Deployment. */
  rolloutDelayMs = 150;
  private server: Server | undefined;
  private readonly watchers = new Set<{ path: string; name: string; res: ServerResponse }>();
  private readonly timers = new Set<NodeJS.Timeout>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const w of this.watchers) w.res.end();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Put an object in the "cluster" as if someone had created it. */
  put(object: Obj): void {
    this.objects.set(objectPath(object), structuredClone(object));
  }

  /** Requests that change or read objects (discovery left out), as `METHOD path`. */
  calls(): string[] {
    return this.requests.filter((r) => !isDiscovery(r.path)).map((r) => `${r.method} ${r.path}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = await readBody(req);
    const query = Object.fromEntries(url.searchParams);
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {}
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      contentType: req.headers['content-type'],
      body,
    });

    const refusal = this.refusals.find((r) => r.method === req.method && r.path.test(url.pathname));
    if (refusal) return status(res, refusal.code, refusal.reason, refusal.message);

    const route = parsePath(url.pathname);
    if (!route) return status(res, 404, 'NotFound', `the server could not find the requested resource`);
    if (this.notServed.has(route.groupVersion))
      return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    if (route.discovery)
      return json(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: route.groupVersion,
        resources: DISCOVERY[route.groupVersion],
      });
    const resource = DISCOVERY[route.groupVersion]?.find((r) => r.name === route.plural);
    if (!resource) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const apiVersion = route.groupVersion;

    if (req.method === 'GET' && route.name === undefined && query.watch === 'true')
      return this.watch(res, url.pathname, query.fieldSelector?.replace('metadata.name=', '') ?? '');
    if (req.method === 'GET' && route.name === undefined) {
      const items = [...this.objects.entries()]
        .filter(([path]) => path.startsWith(`${url.pathname}/`))
        .map(([, o]) => o)
        .filter((o) => matchesLabels(o, query.labelSelector));
      return json(res, 200, {
        apiVersion,
        kind: `${resource.kind}List`,
        metadata: { resourceVersion: '1' },
        items,
      });
    }
    const stored = this.objects.get(url.pathname);
    const notFound = () =>
      status(res, 404, 'NotFound', `${route.plural} "${route.name}" not found`, {
        name: route.name,
        kind: route.plural,
      });
    if (req.method === 'GET') return stored ? json(res, 200, stored) : notFound();
    if (req.method === 'DELETE') {
      if (!stored) return notFound();
      if (query.dryRun !== 'All') this.objects.delete(url.pathname);
      return json(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
    }
    if (req.method === 'PATCH') {
      if (req.headers['content-type'] !== 'application/apply-patch+yaml' || !query.fieldManager)
        return status(res, 400, 'BadRequest', 'fake: expected a server-side apply with a fieldManager');
      const object = body as Obj;
      if (
        route.namespace &&
        !this.objects.has(`/api/v1/namespaces/${route.namespace}`) &&
        !this.namespaceImplied
      )
        return status(res, 404, 'NotFound', `namespaces "${route.namespace}" not found`);
      // A second field manager's apply adds its fields to the object (server-side apply's merge);
      // the manager that created it re-applying is treated as owning the whole object (`put` objects
      // have no creator, so every apply merges into them).
      const creator = this.creators.get(url.pathname);
      const manager = query.fieldManager;
      const force = query.force === 'true';
      const conflict = stored && !force ? conflicts(stored, object, manager) : undefined;
      if (conflict) return status(res, 409, 'Conflict', conflict);
      const merging = stored !== undefined && creator !== manager;
      const result = !stored
        ? object
        : merging
          ? mergeApplied(stored, object)
          : reapplied(stored, object, manager);
      const applied = this.admit(result, stored);
      applied.metadata.managedFields = managedAfter(stored, object, manager, force);
      if (query.dryRun !== 'All') {
        this.objects.set(url.pathname, applied);
        if (!stored) this.creators.set(url.pathname, query.fieldManager);
      }
      return json(res, stored ? 200 : 201, applied);
    }
    return status(res, 405, 'MethodNotAllowed', `fake: ${req.method} not supported`);
  }

  /** When true (the default) namespaced writes do not need the Namespace object to exist. */
  namespaceImplied = true;
  /** When true, an applied Deployment is at once ready at its replica count (no watch needed). */
  readyOnApply = false;
  /** The field manager that created each object, by path (`put` objects have none). */
  private readonly creators = new Map<string, string>();

  /** What the API server and controllers would make of an applied object. */
  private admit(object: Obj, stored: Obj | undefined): Obj {
    const generation = (stored?.metadata.generation ?? 0) + 1;
    const applied: Obj = structuredClone({ ...object, metadata: { ...object.metadata, generation } });
    if (object.kind === 'StatefulSet') {
      const replicas = (object.spec?.replicas as number | undefined) ?? 1;
      applied.status = {
        observedGeneration: generation,
        replicas,
        readyReplicas: replicas,
        updatedReplicas: replicas,
        availableReplicas: replicas,
        currentRevision: 'r1',
        updateRevision: 'r1',
      };
    }
    if (object.kind === 'Deployment') {
      applied.status = { observedGeneration: generation - 1 };
      if (this.readyOnApply) {
        const replicas = (object.spec?.replicas as number | undefined) ?? 1;
        applied.status = {
          observedGeneration: generation,
          replicas,
          readyReplicas: replicas,
          updatedReplicas: replicas,
          availableReplicas: replicas,
        };
      }
    }
    return applied;
  }

  private watch(res: ServerResponse, path: string, name: string): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    const watcher = { path, name, res };
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
    const object = this.objects.get(`${path}/${name}`);
    if (!object) return;
    res.write(`${JSON.stringify({ type: 'ADDED', object })}\n`);
    if (object.kind !== 'Deployment') return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.progress(object);
      this.emit(`${path}/${name}`);
    }, this.rolloutDelayMs);
    this.timers.add(timer);
  }

  /** The Deployment controller's verdict on the stored Deployment. */
  private progress(object: Obj): void {
    const replicas = (object.spec?.replicas as number | undefined) ?? 1;
    const generation = object.metadata.generation;
    object.status =
      this.rollout === 'available'
        ? {
            observedGeneration: generation,
            replicas,
            updatedReplicas: replicas,
            readyReplicas: replicas,
            availableReplicas: replicas,
            conditions: [
              { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
              { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
            ],
          }
        : {
            observedGeneration: generation,
            replicas,
            updatedReplicas: replicas,
            unavailableReplicas: replicas,
            conditions: [
              { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' },
              {
                type: 'Progressing',
                status: 'False',
                reason: 'ProgressDeadlineExceeded',
                message: `ReplicaSet "${object.metadata.name}-5d8f" has timed out progressing.`,
              },
            ],
          };
  }

  /** The Deployment controller acts on the stored Deployment now (per `rollout`), as if it were watched. */
  settle(objectPathName: string): void {
    const object = this.objects.get(objectPathName);
    if (object?.kind !== 'Deployment') throw new Error(`fake: no Deployment at ${objectPathName}`);
    this.progress(object);
    this.emit(objectPathName);
  }

  /** Send the stored object's current state to every watcher of it. */
  emit(objectPathName: string): void {
    const object = this.objects.get(objectPathName);
    for (const w of this.watchers)
      if (`${w.path}/${w.name}` === objectPathName)
        w.res.write(`${JSON.stringify({ type: 'MODIFIED', object })}\n`);
  }
}

interface Route {
  groupVersion: string;
  discovery: boolean;
  namespace?: string;
  plural?: string;
  name?: string;
}

function parsePath(path: string): Route | undefined {
  const parts = path.split('/').filter(Boolean);
  let groupVersion: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    groupVersion = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    groupVersion = `${parts[1]}/${parts[2]}`;
    rest = parts.slice(3);
  } else return undefined;
  if (rest.length === 0) return { groupVersion, discovery: true };
  if (rest[0] === 'namespaces' && rest.length >= 3)
    return {
      groupVersion,
      discovery: false,
      namespace: rest[1]!,
      plural: rest[2]!,
      ...(rest[3] ? { name: rest[3] } : {}),
    };
  return { groupVersion, discovery: false, plural: rest[0]!, ...(rest[1] ? { name: rest[1] } : {}) };
}

function isDiscovery(path: string): boolean {
  return parsePath(path)?.discovery === true;
}

export function objectPath(object: Obj): string {
  const root = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  const resource = DISCOVERY[object.apiVersion]?.find((r) => r.kind === object.kind);
  if (!resource) throw new Error(`fake: unknown kind ${object.apiVersion} ${object.kind}`);
  const ns = resource.namespaced ? `/namespaces/${object.metadata.namespace ?? 'default'}` : '';
  return `${root}${ns}/${resource.name}/${object.metadata.name}`;
}

/**
 * Server-side apply's merge, as far as these tests need it: maps merge key by key, `containers`
 * merge by name, other lists are replaced whole (atomic).
 */
export function mergeApplied<T>(live: T, applied: unknown, key = ''): T {
  if (Array.isArray(applied)) {
    if (key !== 'containers' || !Array.isArray(live)) return structuredClone(applied) as T;
    const named = (item: unknown) => (item as { name: string }).name;
    const merged = live.map((item) => {
      const update = applied.find((a) => named(a) === named(item));
      return update ? mergeApplied(item, update) : item;
    });
    for (const item of applied) if (!live.some((l) => named(l) === named(item))) merged.push(item);
    return merged as T;
  }
  if (isMap(applied) && isMap(live)) {
    const merged: Record<string, unknown> = { ...live };
    for (const [field, value] of Object.entries(applied))
      merged[field] = mergeApplied(live[field], value, field);
    return merged as T;
  }
  return structuredClone(applied) as T;
}

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function matchesLabels(object: Obj, selector: string | undefined): boolean {
  if (!selector) return true;
  const labels = object.metadata.labels ?? {};
  return selector.split(',').every((term) => {
    const [key, value] = term.split('=');
    return labels[key!] === value;
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => resolve(text));
  });
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(res: ServerResponse, code: number, reason: string, message: string, details?: unknown): void {
  json(res, code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
    ...(details ? { details } : {}),
  });
}

/**
 * A kubeconfig whose only context points at the fake server. client-node refuses plain HTTP
 * unless TLS verification is off for the cluster, so the fake's cluster entry says so.
 */
export function kubeconfigFor(server: string, namespace = 'default'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: fake\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true`,
    'users:',
    '- name: tester\n  user:\n    token: fake-token',
    'contexts:',
    `- name: fake\n  context:\n    cluster: fake\n    user: tester\n    namespace: ${namespace}`,
    'current-context: fake',
    '',
  ].join('\n');
}
