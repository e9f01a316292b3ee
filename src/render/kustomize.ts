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
 * Objects pair up by apiVersion, kind and name. planKustomize is pure; writeKustomize writes.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { K8sObject } from './kubernetes/types.ts';
import { GENERATED_HEADER, objectFileNames, writeGeneratedFiles, yamlWriter } from './serialize.ts';

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
 * Writes the plan under `dir` (base/, overlays/<env>/, overlays/<env>/patches/) with a
 * header on every file, removing generated files (and overlays) an earlier run left behind.
 * Returns the directories written.
 */
export function writeKustomize(
  dir: string,
  base: NamespacedRender,
  environments: ReadonlyMap<string, NamespacedRender>,
): string[] {
  const plan = planKustomize(base, environments);
  const written = [join(dir, 'base')];
  writeDir(written[0]!, plan.base);
  for (const [name, overlay] of plan.overlays) {
    written.push(join(dir, 'overlays', name));
    writeDir(join(dir, 'overlays', name), overlay);
  }
  removeStaleOverlays(join(dir, 'overlays'), new Set(plan.overlays.keys()));
  return written;
}

function writeDir(dir: string, content: KustomizationDir): void {
  const top = new Map<string, string>();
  const patches = new Map<string, string>();
  const write = yamlWriter();
  top.set('kustomization.yaml', `${GENERATED_HEADER}\n# ${content.comment}\n${write(content.kustomization)}`);
  for (const [file, data] of content.files) {
    const text = `${GENERATED_HEADER}\n${write(data)}`;
    if (file.startsWith('patches/')) patches.set(file.slice('patches/'.length), text);
    else top.set(file, text);
  }
  writeGeneratedFiles(dir, top);
  if (patches.size > 0 || existsSync(join(dir, 'patches')))
    writeGeneratedFiles(join(dir, 'patches'), patches);
}

/** An overlay directory whose kustomization Gantry wrote, for an environment the spec no longer has. */
function removeStaleOverlays(overlays: string, keep: ReadonlySet<string>): void {
  if (!existsSync(overlays)) return;
  for (const entry of readdirSync(overlays, { withFileTypes: true })) {
    if (!entry.isDirectory() || keep.has(entry.name)) continue;
    const dir = join(overlays, entry.name);
    const kustomization = join(dir, 'kustomization.yaml');
    if (!existsSync(kustomization) || !readFileSync(kustomization, 'utf8').startsWith(GENERATED_HEADER))
      continue;
    if (existsSync(join(dir, 'patches'))) writeGeneratedFiles(join(dir, 'patches'), new Map());
    writeGeneratedFiles(dir, new Map());
    for (const sub of [join(dir, 'patches'), dir]) {
      try {
        rmdirSync(sub);
      } catch {
        // not empty: the user's own files stay
      }
    }
  }
}
