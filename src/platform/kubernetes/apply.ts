/**
 * `gantry apply` against a cluster, in the plan's order: the objects up to the ConfigMaps, a
 * check that every Secret the workloads read exists, the rest, then (with --prune) the deletion
 * of Gantry's objects for this app that are no longer rendered, and the wait for rollouts. Each
 * step reports what it did; the first failure stops it with an error naming the object.
 * Fields a release set on the live objects (release-owned.ts) stay as the release left them,
 * unless --force-conflicts asks to take them back.
 */
import type { K8sObject } from '../../render/kubernetes/index.ts';
import { KubeError, kindNotInstalled } from './api-failure.ts';
import type { ApplyPlan, SecretReference } from './apply-plan.ts';
import type { Cluster } from './cluster-api.ts';
import { PRUNABLE_KINDS } from './kinds.ts';
import { type ListedObject, pruneCandidates, pruneSelector } from './prune.ts';
import { type KeptField, withoutReleaseFields } from './release-owned.ts';
import type { RolloutStatus } from './rollout-status.ts';
import { isWorkload, type WaitOptions, waitForRollouts } from './rollout-wait.ts';

export interface ApplyOptions {
  app: string;
  namespace: string;
  dryRun: boolean;
  force: boolean;
  prune: boolean;
  wait: WaitOptions;
}

export interface ApplyEvents {
  applied(object: K8sObject): void;
  /** Fields of `object` left as a release set them. */
  kept(object: K8sObject, fields: KeptField[]): void;
  pruned(object: ListedObject): void;
  rollout(workload: K8sObject, status: RolloutStatus): void;
}

export interface ApplyResult {
  applied: K8sObject[];
  pruned: ListedObject[];
  waited: K8sObject[];
}

/** Objects that may be applied before the Secret check: nothing that starts pods. */
const BEFORE_SECRETS = new Set(['Namespace', 'ServiceAccount', 'ConfigMap']);

/** The kinds a release writes fields of (images and replicas, the colour selector, weights). */
const RELEASE_WRITTEN = new Set(['Deployment', 'Service', 'HTTPRoute']);

export async function applyPlan(
  cluster: Cluster,
  plan: ApplyPlan,
  options: ApplyOptions,
  events: ApplyEvents,
): Promise<ApplyResult> {
  const applied: K8sObject[] = [];
  const apply = async (rendered: K8sObject) => {
    const object = options.force ? rendered : await leaveReleaseFields(cluster, rendered, events);
    await cluster.apply(object, { dryRun: options.dryRun, force: options.force });
    applied.push(rendered);
    events.applied(rendered);
  };
  await checkServed(cluster, plan.objects);
  const first = plan.objects.filter((o) => BEFORE_SECRETS.has(o.kind));
  const rest = plan.objects.filter((o) => !BEFORE_SECRETS.has(o.kind));
  for (const object of first) await apply(object);
  await checkSecrets(cluster, plan.secrets);
  for (const object of rest) await apply(object);

  const pruned = options.prune ? await prune(cluster, plan.objects, options, events) : [];
  const waited = options.dryRun ? [] : applied.filter(isWorkload);
  await waitForRollouts(cluster, waited, options.wait, events.rollout);
  return { applied, pruned, waited };
}

async function leaveReleaseFields(
  cluster: Cluster,
  rendered: K8sObject,
  events: ApplyEvents,
): Promise<K8sObject> {
  if (!RELEASE_WRITTEN.has(rendered.kind)) return rendered;
  const live = await cluster.read(rendered);
  if (!live) return rendered;
  const { object, kept } = withoutReleaseFields(rendered, live);
  if (kept.length > 0) events.kept(rendered, kept);
  return object;
}

/**
 * Every kind is served before anything is applied. A real API server refuses a custom resource
 * whose CRD is missing only when that object's turn comes, after the objects before it were
 * applied; this check keeps a cluster without, say, CloudNativePG from getting half an app.
 */
async function checkServed(cluster: Cluster, objects: readonly K8sObject[]): Promise<void> {
  const seen = new Set<string>();
  for (const object of objects) {
    const key = `${object.apiVersion}/${object.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!(await cluster.served(object))) {
      const missing = kindNotInstalled(object);
      throw new KubeError(`${missing.message}\n  nothing was applied`, missing.hint);
    }
  }
}

/** Every missing Secret at once, each with the command that creates it. */
async function checkSecrets(cluster: Cluster, secrets: readonly SecretReference[]): Promise<void> {
  const missing: SecretReference[] = [];
  for (const secret of secrets) {
    const ref = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secret.name, namespace: secret.namespace },
    };
    if ((await cluster.read(ref)) === undefined) missing.push(secret);
  }
  if (missing.length === 0) return;
  const lines = missing.map(
    (s) =>
      `Secret ${s.namespace}/${s.name} does not exist (read by ${s.usedBy.join(', ')}${s.keys.length > 0 ? `; keys ${s.keys.join(', ')}` : ''})`,
  );
  throw new KubeError(
    `${lines.join('\n  ')}\n  nothing that reads it was applied`,
    missing.map((s) => s.hint).join('\n        '),
  );
}

async function prune(
  cluster: Cluster,
  rendered: readonly K8sObject[],
  options: ApplyOptions,
  events: ApplyEvents,
): Promise<ListedObject[]> {
  const selectors = { labelSelector: pruneSelector(options.app) };
  const listed: ListedObject[] = [];
  for (const kind of PRUNABLE_KINDS) listed.push(...(await cluster.list(kind, options.namespace, selectors)));
  const doomed = pruneCandidates(options.app, listed, rendered);
  for (const object of doomed) {
    await cluster.remove(object, { dryRun: options.dryRun });
    events.pruned(object);
  }
  return doomed;
}
