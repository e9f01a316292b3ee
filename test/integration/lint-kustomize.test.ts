/**
 * `gantry lint DIR` on a Kustomize tree (a base and a prod overlay that patches replicas and adds
 * a prefix and a namespace): lints what the real `kubectl kustomize` builds, once, and reports each
 * finding in the source file the object comes from, at its field.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gantrySync as gantry } from '../support/gantry.ts';

const TREE = 'test/fixtures/lint/kustomize';

interface JsonFinding {
  rule: string;
  file: string;
  line: number;
  column: number;
  name: string;
  namespace?: string;
  message: string;
}

describe('gantry lint on a Kustomize tree', () => {
  const run = gantry(['lint', TREE, '--format', 'json']);
  const report = JSON.parse(run.stdout) as { summary: { objects: number }; findings: JsonFinding[] };
  const at = (rule: string) =>
    report.findings.filter((f) => f.rule === rule).map((f) => `${f.file}:${f.line}:${f.column} ${f.name}`);

  it('lints the build of the overlay (the base is used by it, not linted again)', () => {
    assert.equal(run.stderr, '');
    assert.equal(run.code, 1, 'privileged is an error');
    assert.equal(report.summary.objects, 3);
    assert.ok(report.findings.every((f) => f.namespace === 'shop' && f.name.startsWith('prod-')));
  });

  it('reports at the source file and field the object comes from', () => {
    assert.deepEqual(at('privileged-container'), [`${TREE}/base/deployment.yaml:16:13 prod-web`]);
    assert.deepEqual(at('missing-recommended-label'), [
      `${TREE}/base/deployment.yaml:4:1 prod-web`,
      `${TREE}/base/service.yaml:3:1 prod-web`,
      `${TREE}/overlays/prod/extra.yaml:3:1 prod-extra`,
    ]);
  });

  it('the patch is not linted as an object, and its replicas are what counts', () => {
    assert.ok(report.findings.every((f) => !f.file.endsWith('replicas.yaml')));
    assert.deepEqual(at('single-replica'), []);
    assert.match(report.findings.find((f) => f.rule === 'missing-pdb')!.message, /^3 replicas/);
  });

  it('a tree that does not build is a finding at its kustomization file, not a crash', () => {
    const broken = gantry(['lint', 'test/fixtures/lint/kustomize-broken', '--format', 'json']);
    assert.equal(broken.code, 1);
    const [finding] = (JSON.parse(broken.stdout) as { findings: JsonFinding[] }).findings;
    assert.equal(finding?.rule, 'kustomize-build');
    assert.equal(finding?.file, 'test/fixtures/lint/kustomize-broken/kustomization.yaml');
    assert.match(
      finding!.message,
      /^kubectl kustomize test\/fixtures\/lint\/kustomize-broken failed: .*missing\.yaml/,
    );
  });
});
