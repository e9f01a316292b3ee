/**
 * `gantry render --format helm` as users run it, checked with a real helm (v4, built from its Go
 * module by scripts/validators.sh; without it this file fails, it never skips): `helm lint
 * --strict` with every values file, `helm template R DIR -f values-<env>.yaml` equal to
 * `gantry render --env <env>` object for object (parsed and compared, as the Kustomize test
 * does), the values schema at work, and `gantry lint` of what helm renders.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { type K8sObject, type RenderOptions, renderKubernetes } from '../../src/render/kubernetes/index.ts';
import { loadSpec } from '../../src/spec/load.ts';
import type { AppModel } from '../../src/spec/model.ts';
import { gantrySync } from '../support/gantry.ts';
import { validator } from '../support/validators.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/shop/gantry.yaml');
const work = mkdtempSync(join(tmpdir(), 'gantry-helm-'));
after(() => rmSync(work, { recursive: true, force: true }));

const gantry = (args: string[]) => gantrySync(args, { cwd: work });

function helm(args: string[]): { code: number; stdout: string; stderr: string } {
  const run = spawnSync(validator('helm'), args, { encoding: 'utf8', timeout: 120_000, cwd: work });
  if (run.error) throw run.error;
  return { code: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

function helmOk(args: string[]): string {
  const run = helm(args);
  assert.equal(run.code, 0, `helm ${args.join(' ')}:\n${run.stderr}${run.stdout}`);
  return run.stdout;
}

function loader(file: string, text = readFileSync(file, 'utf8')) {
  return (env?: string): AppModel => {
    const loaded = loadSpec(text, { file, target: 'cluster', ...(env ? { env } : {}) });
    assert.ok(loaded.ok, JSON.stringify(loaded.problems, null, 2));
    return loaded.model;
  };
}

/** As the API server reads YAML (1.1), without the empty documents of switched-off objects. */
function parseStream(text: string): K8sObject[] {
  return parseAllDocuments(text, { version: '1.1' })
    .map((doc) => {
      assert.deepEqual(doc.errors, []);
      return doc.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

const key = (o: K8sObject) => `${o.apiVersion}/${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function assertSameObjects(actual: K8sObject[], expected: K8sObject[], what: string): void {
  const got = new Map(actual.map((o) => [key(o), o]));
  const want = new Map(expected.map((o) => [key(o), o]));
  assert.equal(got.size, actual.length, `${what}: an object twice`);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${what}: the same objects`);
  for (const [name, object] of want) assert.deepEqual(got.get(name), object, `${what}: ${name}`);
}

/** `helm template` of the chart with values-<env>.yaml (or values.yaml alone). */
function template(dir: string, env?: string, release = 'shop', extra: string[] = []): K8sObject[] {
  const values = env ? ['-f', join(dir, `values-${env}.yaml`)] : [];
  return parseStream(helmOk(['template', release, dir, ...values, ...extra]));
}

function renderChart(dir: string, args: string[]): string {
  const run = gantry(['render', '--format', 'helm', '-o', dir, ...args]);
  assert.equal(run.code, 0, run.stderr);
  return run.stderr;
}

describe('gantry render --format helm, checked with a real helm', () => {
  const model = loader(EXAMPLE);
  const environments = model().environments;

  it('helm v4 is built (required: this file fails without it, never skips)', () => {
    assert.match(helmOk(['version']), /Version:"v4\./);
  });

  const cases: Array<{ title: string; args: string[]; options: RenderOptions }> = [
    { title: 'default options', args: [], options: {} },
    {
      title: '--namespace team-shop --active green --traffic gateway',
      args: ['--namespace', 'team-shop', '--active', 'green', '--traffic', 'gateway'],
      options: { namespace: 'team-shop', active: 'green', traffic: 'gateway' },
    },
    {
      title: '--monitoring (PodMonitors, PrometheusRules whose {{ $value }} stays text, the dashboard)',
      args: ['--monitoring'],
      options: { monitoring: { namespace: 'monitoring' } },
    },
  ];
  for (const [index, { title, args, options }] of cases.entries())
    describe(title, () => {
      const dir = join(work, `chart-${index}`);
      before(() => renderChart(dir, ['-f', EXAMPLE, ...args]));

      it('helm lint --strict is clean with values.yaml and with every values-<env>.yaml', () => {
        for (const env of [undefined, ...environments]) {
          const values = env ? ['-f', join(dir, `values-${env}.yaml`)] : [];
          const out = helmOk(['lint', '--strict', dir, ...values]);
          assert.match(out, /1 chart\(s\) linted, 0 chart\(s\) failed/);
          assert.doesNotMatch(out, /\[(WARNING|ERROR)\]/, out);
        }
      });

      it('helm template with values.yaml equals gantry render (the base spec)', () => {
        assertSameObjects(template(dir), renderKubernetes(model(), options).objects, 'base');
      });

      for (const env of environments)
        it(`helm template -f values-${env}.yaml equals gantry render --env ${env}`, () => {
          assertSameObjects(template(dir, env), renderKubernetes(model(env), options).objects, env);
        });

      if (options.monitoring)
        it('monitoring.enabled=false leaves out what only --monitoring adds (for clusters without the prometheus-operator)', () => {
          for (const env of environments) {
            const plain = new Set(renderKubernetes(model(env)).objects.map(key));
            const expected = renderKubernetes(model(env), options).objects.filter(
              (o) => plain.has(key(o)) || !['PodMonitor', 'PrometheusRule', 'ConfigMap'].includes(o.kind),
            );
            assert.ok(expected.length < renderKubernetes(model(env), options).objects.length);
            assertSameObjects(
              template(dir, env, 'shop', ['--set', 'monitoring.enabled=false']),
              expected,
              env,
            );
          }
        });

      it('gantry lint finds nothing in what helm renders for any environment', () => {
        for (const env of environments) {
          const file = join(dir, `..`, `templated-${index}-${env}.yaml`);
          writeFileSync(file, helmOk(['template', 'shop', dir, '-f', join(dir, `values-${env}.yaml`)]));
          const lint = gantry(['lint', file]);
          assert.equal(lint.code, 0, `${env}: ${lint.stdout}${lint.stderr}`);
          assert.match(lint.stdout + lint.stderr, /no findings/);
        }
      });
    });

  describe('the chart of the example', () => {
    const dir = join(work, 'chart-example');
    let firstRun = '';
    before(() => {
      firstRun = renderChart(dir, ['-f', EXAMPLE]);
    });

    it('writes Chart.yaml, values per environment, the schema, helpers, NOTES and one template per kind', () => {
      for (const file of [
        'Chart.yaml',
        'values.yaml',
        'values-dev.yaml',
        'values-staging.yaml',
        'values-prod.yaml',
        'values.schema.json',
        'templates/_helpers.tpl',
        'templates/NOTES.txt',
        'templates/deployment.yaml',
        'templates/statefulset.yaml',
        'templates/horizontalpodautoscaler.yaml',
        'templates/poddisruptionbudget.yaml',
        'templates/networkpolicy.yaml',
        'templates/externalsecret.yaml',
        'templates/ingress.yaml',
        'templates/serviceaccount.yaml',
      ])
        assert.match(firstRun, new RegExp(`written +${dir}/${file.replace('.', '\\.')}\\n`), file);
      const chart = readFileSync(join(dir, 'Chart.yaml'), 'utf8');
      assert.match(chart, /^apiVersion: v2\nname: shop\n/m);
      assert.match(chart, /^version: 0\.1\.0$/m);
      assert.match(chart, /^appVersion: 1\.4\.2$/m);
    });

    it('a second run changes nothing and says so for every file', () => {
      const second = renderChart(dir, ['-f', EXAMPLE]);
      const lines = second.split('\n').filter((line) => line.includes(dir));
      assert.equal(lines.length, firstRun.split('\n').filter((line) => line.includes(dir)).length);
      for (const line of lines) assert.match(line, /^unchanged /, line);
    });

    it('values-<env>.yaml hold only what differs: prod changes no image, dev switches the canary off', () => {
      const read = (file: string) => parse(readFileSync(join(dir, file), 'utf8'));
      const prod = read('values-prod.yaml');
      assert.equal(prod.namespace, 'shop-prod');
      assert.equal(prod.deployment.api.containers, undefined, 'prod runs the base image and resources');
      assert.equal(prod.deployment.worker.replicas, 2);
      assert.equal(prod.deployment['api-canary'].enabled, true);
      assert.equal(prod.configMap, undefined, 'prod has the base env');
      const values = read('values.yaml');
      assert.equal(values.deployment['api-canary'].enabled, false);
      assert.equal(values.deployment.api.containers.api.image, 'ghcr.io/acme/shop-api:1.4.2');
      assert.deepEqual(read('values-dev.yaml').configMap, {
        'api-config': { data: { LOG_LEVEL: 'debug' } },
        'worker-config': { data: { LOG_LEVEL: 'debug' } },
      });
    });

    it('the names come from the spec, not the release: any release name renders the same objects', () => {
      assertSameObjects(template(dir, 'prod', 'another-release'), template(dir, 'prod'), 'release name');
    });

    it('a value set on the command line changes that field only (the image of api in prod)', () => {
      const image = 'ghcr.io/acme/shop-api:1.5.0';
      const objects = template(dir, 'prod', 'shop', [
        '--set',
        `deployment.api.containers.api.image=${image}`,
      ]);
      const expected = renderKubernetes(model('prod')).objects.map((object) =>
        object.kind === 'Deployment' && object.metadata.name === 'api' ? withImage(object, image) : object,
      );
      assertSameObjects(objects, expected, '--set image');
    });

    it('values.schema.json rejects a misspelt value and a negative replica count, naming the field', () => {
      const typo = helm(['template', 'shop', dir, '--set', 'deployment.api.replica=2']);
      assert.notEqual(typo.code, 0);
      assert.match(typo.stderr, /replica/);
      const negative = helm(['template', 'shop', dir, '--set', 'deployment.worker.replicas=-1']);
      assert.notEqual(negative.code, 0);
      assert.match(negative.stderr, /replicas/);
    });

    it('the chart holds no Secret and no secret value; NOTES prints the commands for the Secrets of that environment', () => {
      for (const env of environments)
        assert.ok(!template(dir, env).some((o) => o.kind === 'Secret'), `${env}: no Secret object`);
      const dev = helmOk(['install', 'shop', dir, '-f', join(dir, 'values-dev.yaml'), '--dry-run=client']);
      const notes = dev.slice(dev.indexOf('NOTES:'));
      assert.match(
        notes,
        /kubectl create secret generic shop-db-credentials -n shop --from-literal=password='…' --from-literal=username='…'/,
      );
      assert.doesNotMatch(notes, /shop-db-connection/, 'dev runs its database in the cluster');
      const prod = helmOk(['install', 'shop', dir, '-f', join(dir, 'values-prod.yaml'), '--dry-run=client']);
      assert.match(
        prod.slice(prod.indexOf('NOTES:')),
        /kubectl create secret generic shop-db-connection -n shop-prod --from-literal=url='…'/,
      );
      assert.match(
        prod,
        /kubectl create secret generic shop-api-secrets -n shop-prod --from-literal=DATABASE_URL='…' --from-literal=PAYMENT_API_KEY='…'/,
      );
    });
  });

  it('a CloudNativePG Cluster only in some environments, a namespace each, a backing gone managed', () => {
    const file = join(ROOT, 'test/fixtures/render/cnpg-environments.yaml');
    const load = loader(file);
    const dir = join(work, 'chart-data');
    renderChart(dir, ['-f', file, '--chart-version', '2.0.0-rc.1', '--app-version', '1.0.0']);
    assert.match(readFileSync(join(dir, 'Chart.yaml'), 'utf8'), /^version: 2\.0\.0-rc\.1$/m);
    for (const env of [undefined, 'dev', 'prod']) {
      helmOk(['lint', '--strict', dir, ...(env ? ['-f', join(dir, `values-${env}.yaml`)] : [])]);
      assertSameObjects(template(dir, env), renderKubernetes(load(env)).objects, env ?? 'base');
    }
  });

  it('an environment removed from the spec: its values file (and a kind no render has) go too', () => {
    const file = join(work, 'shrinking.yaml');
    const spec = (environments: string) => `app: shrink
services:
  api: { image: "ghcr.io/acme/api:1.0.0", port: 8000, replicas: 2 }
environments:
${environments}`;
    writeFileSync(
      file,
      spec(
        '  dev: { services: { api: { replicas: 1 } } }\n  prod: { services: { api: { routes: [{ host: api.example.com }] } } }\n',
      ),
    );
    const dir = join(work, 'chart-shrink');
    renderChart(dir, ['-f', file]);
    assert.ok(existsSync(join(dir, 'templates/ingress.yaml')));
    writeFileSync(file, spec('  dev: { services: { api: { replicas: 1 } } }\n'));
    const stderr = renderChart(dir, ['-f', file]);
    assert.match(stderr, /removed +.*values-prod\.yaml/);
    assert.match(stderr, /removed +.*templates\/ingress\.yaml/);
    assert.ok(!existsSync(join(dir, 'values-prod.yaml')));
    assertSameObjects(template(dir, 'dev'), renderKubernetes(loader(file)('dev')).objects, 'dev');
  });

  describe('bad input: a clear error, exit 2, nothing written, no stack trace', () => {
    const cases: Array<{ title: string; args: string[]; message: RegExp }> = [
      {
        title: 'no -o',
        args: ['render', '--format', 'helm', '-f', EXAMPLE],
        message: /--format helm writes a directory tree: pass -o DIR/,
      },
      {
        title: 'a chart version that is not semantic',
        args: [
          'render',
          '--format',
          'helm',
          '-f',
          EXAMPLE,
          '-o',
          join(work, 'bad-version'),
          '--chart-version',
          '1.0',
        ],
        message: /--chart-version 1\.0: a chart version must be a semantic version/,
      },
      {
        title: '-o naming a file',
        args: ['render', '--format', 'helm', '-f', EXAMPLE, '-o', EXAMPLE],
        message: /-o .*gantry\.yaml is a file: a chart is a directory/,
      },
      {
        title: '-o naming a file, for kustomize too',
        args: ['render', '--format', 'kustomize', '-f', EXAMPLE, '-o', EXAMPLE],
        message: /-o .*gantry\.yaml is a file: --format kustomize writes files into a directory/,
      },
      {
        title: '--chart-version without --format helm',
        args: ['render', '-f', EXAMPLE, '--chart-version', '1.0.0'],
        message: /--chart-version is only for --format helm/,
      },
    ];
    for (const { title, args, message } of cases)
      it(title, () => {
        const run = gantry(args);
        assert.equal(run.code, 2, run.stderr);
        assert.equal(run.stdout, '');
        assert.match(run.stderr, message);
        assert.doesNotMatch(run.stderr, /\n\s+at /);
      });

    it("a directory holding someone else's chart is left alone", () => {
      const dir = join(work, 'theirs');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: theirs\nversion: 1.0.0\n');
      const run = gantry(['render', '--format', 'helm', '-f', EXAMPLE, '-o', dir]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /Chart\.yaml is not a chart Gantry wrote/);
      assert.equal(
        readFileSync(join(dir, 'Chart.yaml'), 'utf8'),
        'apiVersion: v2\nname: theirs\nversion: 1.0.0\n',
      );
      assert.ok(!existsSync(join(dir, 'values.yaml')));
    });
  });
});

function withImage(object: K8sObject, image: string): K8sObject {
  const copy = structuredClone(object) as K8sObject & {
    spec: { template: { spec: { containers: Array<{ name: string; image: string }> } } };
  };
  for (const container of copy.spec.template.spec.containers)
    if (container.name === 'api') container.image = image;
  return copy;
}
