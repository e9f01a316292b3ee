/**
 * `gantry render` as users run it, and the Kustomize output checked with the real
 * `kubectl kustomize`: every overlay must yield exactly the objects of `gantry render --env`.
 * kubectl is required: without it this file fails, it does not skip.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { writeFiles } from '../../src/cli/generated-files.ts';
import { generatedBanner } from '../../src/render/generated.ts';
import { type K8sObject, type RenderOptions, renderKubernetes } from '../../src/render/kubernetes/index.ts';
import { kustomizeFiles, type NamespacedRender } from '../../src/render/kustomize.ts';
import { loadSpec } from '../../src/spec/load.ts';
import type { AppModel } from '../../src/spec/model.ts';
import { gantrySync } from '../support/gantry.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/shop/gantry.yaml');
const EXAMPLE_TEXT = readFileSync(EXAMPLE, 'utf8');
const work = mkdtempSync(join(tmpdir(), 'gantry-render-'));
after(() => rmSync(work, { recursive: true, force: true }));

const gantry = (args: string[]) => gantrySync(args, { cwd: work });

function model(env?: string): AppModel {
  const loaded = loadSpec(EXAMPLE_TEXT, { file: EXAMPLE, target: 'cluster', ...(env ? { env } : {}) });
  assert.ok(loaded.ok, JSON.stringify(loaded.problems, null, 2));
  return loaded.model;
}

function parseStream(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      assert.deepEqual(doc.errors, []);
      return doc.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

const key = (o: K8sObject) => `${o.apiVersion}/${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function bySet(objects: K8sObject[]): Map<string, K8sObject> {
  const map = new Map(objects.map((o) => [key(o), o]));
  assert.equal(map.size, objects.length, 'duplicate kind/namespace/name');
  return map;
}

function assertSameObjects(actual: K8sObject[], expected: K8sObject[], what: string): void {
  const got = bySet(actual);
  const want = bySet(expected);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${what}: the same objects`);
  for (const [name, object] of want) assert.deepEqual(got.get(name), object, `${what}: ${name}`);
}

function kubectl(args: string[]): string {
  const result = spawnSync('kubectl', args, { encoding: 'utf8', timeout: 60_000 });
  if (result.error)
    assert.fail(
      `kubectl is required for this test (install it: https://kubernetes.io/docs/tasks/tools/): ${result.error.message}`,
    );
  assert.equal(result.status, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

describe('kustomize overlays equal gantry render --env (real kubectl kustomize)', () => {
  const environments = model().environments;
  const cases: Array<{ title: string; options: RenderOptions }> = [
    { title: 'default options', options: {} },
    {
      title: '--namespace team-shop --active green --traffic gateway',
      options: { namespace: 'team-shop', active: 'green', traffic: 'gateway' },
    },
    {
      title: '--monitoring (PodMonitors, PrometheusRules with per-namespace PromQL, the dashboard)',
      options: { monitoring: { namespace: 'monitoring' } },
    },
  ];

  before(() => kubectl(['version', '--client']));

  it('kubectl is installed (required: this test fails without it, never skips)', () => {
    assert.match(kubectl(['version', '--client']), /Kustomize Version/);
  });

  it('the example declares environments to compare', () => {
    assert.deepEqual(environments, ['dev', 'staging', 'prod']);
  });

  for (const { title, options } of cases) {
    describe(title, () => {
      const dir = join(work, `kustomize-${cases.findIndex((c) => c.title === title)}`);
      const namespaced = (m: AppModel) => ({
        ...renderKubernetes(m, options),
        namespace: options.namespace ?? m.namespace,
      });
      before(() => {
        const envs = new Map(environments.map((env) => [env, namespaced(model(env))]));
        writeKustomize(dir, namespaced(model()), envs);
      });

      it('base equals the base render', () => {
        assertSameObjects(
          parseStream(kubectl(['kustomize', join(dir, 'base')])),
          renderKubernetes(model(), options).objects,
          'base',
        );
      });

      for (const env of environments)
        it(`overlays/${env} equals the ${env} render`, () => {
          const built = parseStream(kubectl(['kustomize', join(dir, 'overlays', env)]));
          assertSameObjects(built, renderKubernetes(model(env), options).objects, env);
        });
    });
  }

  it('a CloudNativePG Cluster deleted, added and patched; labels changed; a namespace per environment', () => {
    const text = readFileSync(join(ROOT, 'test/fixtures/render/cnpg-environments.yaml'), 'utf8');
    const load = (env?: string) => {
      const loaded = loadSpec(text, { file: 'data.yaml', target: 'cluster', ...(env ? { env } : {}) });
      assert.ok(loaded.ok, JSON.stringify(loaded.problems, null, 2));
      return loaded.model;
    };
    const dir = join(work, 'kustomize-data');
    const namespaced = (m: AppModel) => ({ ...renderKubernetes(m), namespace: m.namespace });
    writeKustomize(
      dir,
      namespaced(load()),
      new Map(['dev', 'prod'].map((env) => [env, namespaced(load(env))])),
    );
    const dev = readFileSync(join(dir, 'overlays/dev/kustomization.yaml'), 'utf8');
    assert.match(dev, /delete-cluster-data-db\.yaml/);
    assert.match(dev, /statefulset-data-db\.yaml/);
    for (const env of ['dev', 'prod']) {
      const built = parseStream(kubectl(['kustomize', join(dir, 'overlays', env)]));
      assertSameObjects(built, renderKubernetes(load(env)).objects, env);
    }
  });

  it('the CLI writes the same tree, with a header in every kustomization', () => {
    const dir = join(work, 'cli-kustomize');
    const { code, stderr } = gantry(['render', '-f', EXAMPLE, '--format', 'kustomize', '-o', dir]);
    assert.equal(code, 0, stderr);
    for (const env of environments) {
      const kustomization = readFileSync(join(dir, 'overlays', env, 'kustomization.yaml'), 'utf8');
      assert.match(kustomization, /^# Generated by Gantry/);
      const built = parseStream(kubectl(['kustomize', join(dir, 'overlays', env)]));
      assertSameObjects(built, renderKubernetes(model(env)).objects, env);
    }
  });
});

describe('gantry render (CLI)', () => {
  it('prints a YAML stream of the environment to stdout and notes to stderr', () => {
    const { code, stdout, stderr } = gantry(['render', '-f', EXAMPLE, '--env', 'prod']);
    assert.equal(code, 0, stderr);
    const objects = parseStream(stdout);
    assertSameObjects(objects, renderKubernetes(model('prod')).objects, 'prod');
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of [
      'Deployment',
      'Service',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'NetworkPolicy',
      'StatefulSet',
    ])
      assert.ok(kinds.has(kind), `${kind} in ${[...kinds].join(', ')}`);
    assert.match(stderr, /Secret shop-db-connection/);
  });

  it('-o DIR writes one file per object', () => {
    const dir = join(work, 'yaml-files');
    const { code, stderr } = gantry(['render', '-f', EXAMPLE, '--env', 'dev', '-o', dir]);
    assert.equal(code, 0, stderr);
    const expected = renderKubernetes(model('dev')).objects;
    const files = readdirSync(dir).sort();
    assert.equal(files.length, expected.length);
    assert.deepEqual(files, expected.map((o) => `${o.kind.toLowerCase()}-${o.metadata.name}.yaml`).sort());
    const read = files.flatMap((file) => parseStream(readFileSync(join(dir, file), 'utf8')));
    assertSameObjects(read, expected, 'files');
    assert.match(stderr, new RegExp(`wrote ${expected.length} files to ${dir}`));
  });

  it('--format kustomize without -o is a usage error (exit 2)', () => {
    const { code, stdout, stderr } = gantry(['render', '-f', EXAMPLE, '--format', 'kustomize']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /--format kustomize writes a directory tree: pass -o DIR/);
  });

  it('an invalid spec exits 1 with file:line:column and renders nothing', () => {
    const file = join(work, 'broken.yaml');
    writeFileSync(file, 'app: shop\nservices:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n    port: 80000\n');
    const { code, stdout, stderr } = gantry(['render', '-f', file]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(
      stderr,
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:\\d+ error services\\.api\\.port`),
    );
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });
});

/** The tree `gantry render --format kustomize` writes, written as it writes it. */
function writeKustomize(dir: string, base: NamespacedRender, envs: ReadonlyMap<string, NamespacedRender>) {
  const banner = generatedBanner('#', `gantry render --format kustomize -o ${dir}`);
  writeFiles(dir, kustomizeFiles(base, envs, banner), { report: false });
}
