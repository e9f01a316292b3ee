/**
 * `gantry render --format kustomize`: DIR/base (the base spec's objects) and
 * DIR/overlays/<env> for each environment, built from the difference between the
 * environment's render and the base's, so that `kubectl kustomize DIR/overlays/<env>`
 * yields exactly `gantry render --env <env>`:
 *
 * - objects carry no namespace; each kustomization sets `namespace:` (the base its own,
 *   an overlay the environment's, which wins);
 * - an object only in the environment → a resource file in the overlay;
 * - an object only in the base → a `$patch: delete` patch;
 * - an object in both that differs → a JSON6902 patch that replaces (adds, removes) each
 *   differing top-level section (`/spec`, `/data`…) and `/metadata/labels|annotations`
 *   whole, so the result is the environment's object, not a merge of the two.
 *
 * Objects pair up by apiVersion, kind and name. Pure: kustomizeFiles gives the tree's files,
 * which the CLI writes (src/cli/generated-files.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import type { K8sObject } from './kubernetes/types.ts';
import { objectFileNames, yamlWriter } from './serialize.ts';

/** One render: its objects and the namespace they are in. */
export interface NamespacedRender {
  namespace: string;
  objects: readonly K8sObject[];
}

export interface KustomizationDir {
  /** The kustomization.yaml, as data; `comment` goes above it. */
  kustomization: Record<string, unknown>;
  comment: string;
  /** File name → object (resources) and patches/<file> → patch document. */
  files: Map<string, unknown>;
}

export interface KustomizePlan {
  base: KustomizationDir;
  overlays: Map<string, KustomizationDir>;
}

interface JsonPatchOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

const KUSTOMIZATION = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };
const IDENTITY_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);
const METADATA_SECTIONS = ['labels', 'annotations'] as const;

export function planKustomize(
  base: NamespacedRender,
  environments: ReadonlyMap<string, NamespacedRender>,
): KustomizePlan {
  const baseObjects = base.objects.map((object) => withoutNamespace(object, base.namespace));
  const baseFiles = objectFileNames(baseObjects);
  const plan: KustomizePlan = {
    base: {
      comment: 'The base spec (no environment). Every overlay in ../overlays builds on it.',
      kustomization: { ...KUSTOMIZATION, namespace: base.namespace, resources: baseFiles },
      files: new Map(baseFiles.map((file, i) => [file, baseObjects[i]])),
    },
    overlays: new Map(),
  };
  for (const [name, render] of environments) plan.overlays.set(name, planOverlay(name, baseObjects, render));
  return plan;
}

function planOverlay(
  name: string,
  baseObjects: readonly K8sObject[],
  render: NamespacedRender,
): KustomizationDir {
  const envObjects = render.objects.map((object) => withoutNamespace(object, render.namespace));
  const inBase = new Map(baseObjects.map((object) => [identity(object), object]));
  const inEnv = new Set(envObjects.map(identity));

  const added = envObjects.filter((object) => !inBase.has(identity(object)));
  const addedFiles = objectFileNames(added);
  const files = new Map<string, unknown>(addedFiles.map((file, i) => [file, added[i]]));
  const patches: Array<{ path: string; target: Record<string, string> }> = [];
  const addPatch = (object: K8sObject, prefix: string, patch: unknown) => {
    const path = `patches/${prefix}${objectFileNames([object])[0]}`;
    files.set(path, patch);
    patches.push({ path, target: target(object) });
  };

  for (const object of envObjects) {
    const before = inBase.get(identity(object));
    if (!before) continue;
    const ops = diff(before, object);
    if (ops.length > 0) addPatch(object, '', ops);
  }
  for (const object of baseObjects)
    if (!inEnv.has(identity(object)))
      addPatch(object, 'delete-', {
        $patch: 'delete',
        apiVersion: object.apiVersion,
        kind: object.kind,
        metadata: { name: object.metadata.name },
      });

  const kustomization: Record<string, unknown> = {
    ...KUSTOMIZATION,
    namespace: render.namespace,
    resources: ['../../base', ...addedFiles],
  };
  if (patches.length > 0) kustomization.patches = patches;
  return {
    comment: `Environment ${name}: \`kubectl kustomize\` here yields the objects of \`gantry render --env ${name}\`.`,
    kustomization,
    files,
  };
}

/** JSON6902 operations turning `from` into `to` (same identity), whole sections at a time. */
export function diff(from: K8sObject, to: K8sObject): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  const compare = (path: string, a: unknown, b: unknown) => {
    if (isDeepStrictEqual(a, b)) return;
    if (b === undefined) ops.push({ op: 'remove', path });
    else ops.push({ op: a === undefined ? 'add' : 'replace', path, value: b });
  };
  for (const section of METADATA_SECTIONS)
    compare(`/metadata/${section}`, from.metadata[section], to.metadata[section]);
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].filter(
    (k) => !IDENTITY_FIELDS.has(k),
  );
  for (const key of keys) compare(`/${escapePointer(key)}`, from[key], to[key]);
  return ops;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function identity(object: K8sObject): string {
  return `${object.apiVersion}/${object.kind}/${object.metadata.name}`;
}

function target(object: K8sObject): Record<string, string> {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  return { ...(group ? { group } : {}), version: version!, kind: object.kind, name: object.metadata.name };
}

/** The kustomization's `namespace:` puts them back; an object elsewhere cannot be expressed. */
function withoutNamespace(object: K8sObject, namespace: string): K8sObject {
  const { namespace: own, ...metadata } = object.metadata;
  if (own !== undefined && own !== namespace)
    throw new Error(
      `${object.kind} ${own}/${object.metadata.name} is outside the render's namespace ${namespace}; a kustomization sets one namespace for all its objects`,
    );
  return { ...object, metadata };
}

/**
 * The tree's files: base/, overlays/<env>/ and overlays/<env>/patches/, `banner` (generated.ts)
 * first in each, the kustomization's comment under it.
 */
export function kustomizeFiles(
  base: NamespacedRender,
  environments: ReadonlyMap<string, NamespacedRender>,
  banner: string,
): Map<string, string> {
  const plan = planKustomize(base, environments);
  const files = new Map<string, string>();
  const write = yamlWriter();
  const add = (dir: string, content: KustomizationDir) => {
    files.set(`${dir}/kustomization.yaml`, `${banner}# ${content.comment}\n${write(content.kustomization)}`);
    for (const [file, data] of content.files) files.set(`${dir}/${file}`, `${banner}${write(data)}`);
  };
  add('base', plan.base);
  for (const [name, overlay] of plan.overlays) add(`overlays/${name}`, overlay);
  return files;
}

/** What an earlier kustomize render may have left that this one no longer writes. */
export const KUSTOMIZE_PATHS = /^(base|overlays\/[^/]+)(\/patches)?\/[^/]+\.yaml$/;
