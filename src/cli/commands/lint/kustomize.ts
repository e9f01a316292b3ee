/**
 * `gantry lint DIR` on a Kustomize tree: a directory with a kustomization file is not a pile of
 * manifests (its patches are partial objects) but a recipe, so gantry lints what
 * `kubectl kustomize` builds from it and reports each finding in the source file the object comes
 * from, at the field when that file has it (a field a patch adds is reported at the object).
 *
 * Which directories are built: every kustomization that no other kustomization in the input uses
 * (as a resource, base or component) — the overlays, or the base alone when it is all there is.
 * Each build is its own set for the cross-object rules, as each is applied on its own.
 *
 * Where objects come from: the build runs through a wrapper kustomization that adds
 * `buildMetadata: [originAnnotations]`, so Kustomize itself writes each object's source file into
 * `config.kubernetes.io/origin` (generated ConfigMaps and Secrets name the kustomization file).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { formatPath } from '../../../policy/engine.ts';
import { type LocatedObject, parseManifests } from '../../../policy/input.ts';
import { locate } from '../../../policy/locate.ts';
import type { FieldPath, Finding } from '../../../policy/rule.ts';
import { field, isJson } from '../../../policy/workload.ts';
import type { LintSet } from './run.ts';

const KUSTOMIZATION = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;
export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
export const BUILD_RULE = 'kustomize-build';

/** The files outside any Kustomize tree, and the kustomization directories to build. */
export function splitKustomizations(files: readonly string[]): { plain: string[]; kustomizations: string[] } {
  const dirs = [...new Set(files.filter((f) => KUSTOMIZATION.test(f)).map((f) => resolve(dirname(f))))];
  const inTree = (file: string) => dirs.some((dir) => resolve(file).startsWith(dir + sep));
  const used = new Set(dirs.flatMap((dir) => usedDirectories(dir)));
  return {
    plain: files.filter((file) => !inTree(file)),
    kustomizations: dirs.filter((dir) => !used.has(dir)).map((dir) => relative('.', dir) || '.'),
  };
}

/** The local directories a kustomization uses: its resources, bases and components that are directories. */
function usedDirectories(dir: string): string[] {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization']
    .map((f) => join(dir, f))
    .find(existsSync);
  let kustomization: unknown;
  try {
    kustomization = parse(readFileSync(file!, 'utf8'));
  } catch {
    return [];
  }
  const entries = ['resources', 'bases', 'components'].flatMap((key) => {
    const list = field(kustomization, key);
    return Array.isArray(list) ? list.filter((e): e is string => typeof e === 'string') : [];
  });
  return entries
    .map((entry) => resolve(dir, entry))
    .filter((path) => {
      try {
        return statSync(path).isDirectory();
      } catch {
        return false;
      }
    });
}

/** One set per kustomization: its build, with findings moved to the files the objects come from. */
export function kustomizeSets(dirs: readonly string[]): LintSet[] {
  return dirs.map((dir) => {
    const name = `<kustomize ${dir}>`;
    const built = build(dir);
    if (!built.ok) {
      const failed: Finding = {
        rule: BUILD_RULE,
        severity: 'error',
        file: kustomizationFile(dir),
        line: 1,
        column: 1,
        message: `kubectl kustomize ${dir} failed: ${built.error}`,
      };
      return { sources: [], relocate: (findings) => [...findings, failed] };
    }
    return {
      sources: [{ file: name, read: () => built.text }],
      relocate: (findings) => relocate(findings, name, built.text),
    };
  });
}

function kustomizationFile(dir: string): string {
  return (
    ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((f) => join(dir, f)).find(existsSync) ??
    dir
  );
}

/** `kubectl kustomize` through a wrapper that asks Kustomize to record each object's origin. */
function build(dir: string): { ok: true; text: string } | { ok: false; error: string } {
  const wrapper = mkdtempSync(join(tmpdir(), 'gantry-kustomize-'));
  try {
    const resource = relative(wrapper, resolve(dir));
    writeFileSync(
      join(wrapper, 'kustomization.yaml'),
      `resources:\n  - ${JSON.stringify(resource)}\nbuildMetadata: [originAnnotations]\n`,
    );
    const run = spawnSync('kubectl', ['kustomize', wrapper, '--load-restrictor', 'LoadRestrictionsNone'], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    if (run.error)
      return {
        ok: false,
        error: `${run.error.message} (gantry lints a Kustomize tree with kubectl kustomize)`,
      };
    if (run.status !== 0) {
      const error =
        run.stderr
          .replace(/^E\d{4} [\d:.]+\s+\d+ \S+\] /gm, '')
          .trim()
          .split('\n')[0] ?? '';
      return { ok: false, error: error.replaceAll(wrapper, '.') };
    }
    return { ok: true, text: run.stdout };
  } finally {
    rmSync(wrapper, { recursive: true, force: true });
  }
}

/**
 * Findings on the build moved to the source files: the object found there by kind and name (the
 * built name may carry a prefix or suffix), its field located when the source has it.
 */
function relocate(findings: readonly Finding[], name: string, text: string): Finding[] {
  const built = new Map(parseManifests(name, text).objects.map((o) => [o.line, o]));
  const sources = new Map<string, LocatedObject[]>();
  return findings.map((finding) => {
    if (finding.file !== name) return finding;
    const object = built.get(finding.objectLine ?? -1);
    const file = object && originOf(object);
    if (!file) return finding;
    if (!sources.has(file)) {
      let objects: LocatedObject[] = [];
      try {
        objects = parseManifests(file, readFileSync(file, 'utf8')).objects;
      } catch {}
      sources.set(file, objects);
    }
    const source = matching(sources.get(file)!, object.object.kind, finding.name ?? '');
    if (!source?.source) return { ...finding, file, line: 1, column: 1, objectLine: 1 };
    const at = locate(source.source.text, source.source.base, parsePath(finding.field), source.object);
    return {
      ...finding,
      file,
      line: source.source.line + at.line - 1,
      column: at.column,
      objectLine: source.line,
    };
  });
}

/** The source file an object's origin annotation names, relative to the working directory. */
function originOf(object: LocatedObject): string | undefined {
  const origin = field(object.object, 'metadata', 'annotations', ORIGIN_ANNOTATION);
  if (typeof origin !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = parse(origin);
  } catch {
    return undefined;
  }
  if (!isJson(parsed)) return undefined;
  // A generated object names the kustomization that configured it; a resource, its own file.
  const path = typeof parsed.path === 'string' ? parsed.path : undefined;
  const configuredIn = typeof parsed.configuredIn === 'string' ? parsed.configuredIn : undefined;
  // Paths are relative to the wrapper, which sat in the temporary directory.
  const base = tmpdir();
  const absolute = path
    ? resolve(base, 'x', path)
    : configuredIn
      ? resolve(base, 'x', configuredIn)
      : undefined;
  return absolute && existsSync(absolute) ? relative('.', absolute) : undefined;
}

/** The source object of this kind whose name the built name contains (namePrefix, nameSuffix), the longest. */
function matching(
  objects: readonly LocatedObject[],
  kind: string,
  builtName: string,
): LocatedObject | undefined {
  const sameKind = objects.filter((o) => o.object.kind === kind);
  if (sameKind.length === 1) return sameKind[0];
  return sameKind
    .filter((o) => {
      const name = field(o.object, 'metadata', 'name');
      return typeof name === 'string' && builtName.includes(name);
    })
    .sort(
      (a, b) =>
        String(field(b.object, 'metadata', 'name')).length -
        String(field(a.object, 'metadata', 'name')).length,
    )[0];
}

/** `spec.template.spec.containers[0]["a.b"]` back to its steps (engine.ts formatPath's inverse). */
export function parsePath(text: string | undefined): FieldPath {
  if (!text) return [];
  const steps: (string | number)[] = [];
  for (const match of text.matchAll(/\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (match[1] !== undefined) steps.push(match[1]);
    else if (match[2] !== undefined) steps.push(Number(match[2]));
    else steps.push(JSON.parse(match[3]!) as string);
  }
  return formatPath(steps) === text ? steps : [];
}
