import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseManifests } from './input.ts';

const located = (file: string, text: string) =>
  parseManifests(file, text).objects.map((o) => `${o.file}:${o.line} ${o.object.kind}`);

describe('parseManifests', () => {
  it('reads a multi-document stream with the line of each object', () => {
    const text = `# api
apiVersion: v1
kind: Service
metadata: { name: api }
---
---
# comment only
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
`;
    assert.deepEqual(located('a.yaml', text), ['a.yaml:2 Service', 'a.yaml:9 Deployment']);
  });

  it('unpacks List kinds, each item at its own line', () => {
    const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: { name: a }
  - apiVersion: v1
    kind: Secret
    metadata: { name: b }
---
apiVersion: v1
kind: ConfigMapList
items:
  - { apiVersion: v1, kind: ConfigMap, metadata: { name: c } }
`;
    assert.deepEqual(located('l.yaml', text), [
      'l.yaml:4 ConfigMap',
      'l.yaml:7 Secret',
      'l.yaml:14 ConfigMap',
    ]);
  });

  it('reads JSON (the object starts at its brace)', () => {
    assert.deepEqual(located('p.json', '\n{\n  "apiVersion": "v1",\n  "kind": "Pod"\n}\n'), ['p.json:2 Pod']);
  });

  it('skips documents that are not objects with a kind', () => {
    assert.deepEqual(located('x.yaml', '- a\n---\nplain\n---\nfoo: bar\n---\n'), []);
    assert.deepEqual(parseManifests('e.yaml', ''), { objects: [], findings: [] });
  });

  it('YAML 1.2: enum values like `- =` parse', () => {
    const text = 'kind: CustomResourceDefinition\nspec:\n  enum:\n    - =\n    - "!="\n';
    assert.deepEqual(parseManifests('c.yaml', text).findings, []);
  });

  it('a syntax error is a yaml-syntax finding at its line; the other documents are still read', () => {
    const text = `kind: Service
metadata: { name: a }
---
kind: Deployment
metadata:
  name: [unclosed
---
kind: Pod
metadata: { name: c }
`;
    const parsed = parseManifests('bad.yaml', text);
    assert.deepEqual(
      parsed.objects.map((o) => o.object.kind),
      ['Service', 'Pod'],
    );
    assert.equal(parsed.findings.length > 0, true);
    for (const finding of parsed.findings) {
      assert.equal(finding.rule, 'yaml-syntax');
      assert.equal(finding.severity, 'error');
      assert.equal(finding.file, 'bad.yaml');
      assert.ok(finding.line >= 6 && finding.line <= 7, `line ${finding.line}`);
      assert.doesNotMatch(finding.message, /\n/);
    }
  });

  it('alias abuse is a finding, not a crash', () => {
    const bomb = `kind: ConfigMap\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`;
    const parsed = parseManifests('bomb.yaml', bomb);
    assert.deepEqual(parsed.objects, []);
    assert.equal(parsed.findings[0]?.rule, 'yaml-syntax');
  });

  it('a broken document (an unclosed quote) does not swallow the documents after it', () => {
    const text = 'kind: ConfigMap\nmetadata: { name: "a }\n---\nkind: Secret\nmetadata: { name: b }\n';
    const parsed = parseManifests('q.yaml', text);
    assert.deepEqual(
      parsed.objects.map((o) => `${o.line} ${o.object.kind}`),
      ['4 Secret'],
    );
    assert.ok(parsed.findings.every((f) => f.rule === 'yaml-syntax' && f.line <= 2));
  });

  it('directives and content on a marker line are read by the exact reader', () => {
    assert.deepEqual(located('d.yaml', '%YAML 1.2\n---\nkind: Pod\n'), ['d.yaml:3 Pod']);
    assert.deepEqual(located('m.yaml', 'kind: Pod\n--- {kind: Service}\n'), [
      'm.yaml:1 Pod',
      'm.yaml:2 Service',
    ]);
  });
});

describe('the two readers agree', () => {
  const FIXTURES = fileURLToPath(new URL('../../test/fixtures/lint/', import.meta.url));
  const files = readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' }).filter((f) =>
    /\.ya?ml$/.test(f),
  );
  it('finds fixtures to compare', () => assert.ok(files.length > 8));
  for (const file of files)
    it(`${file}: js-yaml's fast path gives what the yaml Document API gives`, () => {
      const text = readFileSync(join(FIXTURES, file), 'utf8');
      assert.deepEqual(parseManifests(file, text), parseManifests(file, text, 'exact'));
    });
  it('on what only the exact reader can place: anchors, tags, complex and empty keys, List items', () => {
    const text = [
      'kind: ConfigMap\ndata: &d { a: "1" }\nother: *d',
      'kind: ConfigMap\ndata: !!map { a: "1" }',
      'kind: ConfigMap\n? [x]\n: 1',
      'kind: ConfigMap\n: empty',
      'kind: List\nitems:\n  - { kind: Pod }\n  - kind: Service',
      'kind: ConfigMap\ndata: { a: -.5, b: 0b101, c: 0o14, d: yes, e: "=" }',
      // An anchor right after a JSON key's colon; an alias without its anchor (js-yaml refuses it).
      'kind: ConfigMap\ndata: {"a":&b "1", "c": *b}',
      'kind: ConfigMap\ndata: { a: *b }',
      // Asterisks that are no alias stay on the fast path, and read the same.
      'kind: CronJob\nspec: { schedule: "*/5 * * * *" }\ncommand: [sh, -c, "ls *.log"]',
      'kind: ConfigMap\n~: x',
      'kind: ConfigMap\nnull : x',
      // Empty and complex keys are looked for wherever they can open a line: after indentation,
      // after a list's dashes, in every spelling of null, and on the document's last line.
      'kind: ConfigMap\ndata:\n  - : x',
      'kind: ConfigMap\ndata:\n  - - ? [y]\n      : 1',
      'kind: ConfigMap\ndata:\n  NULL: z\n  Null: w',
      'kind: ConfigMap\ndata: {a: "x: y", b: "? z"}\n:',
    ].join('\n---\n');
    assert.deepEqual(parseManifests('x.yaml', text), parseManifests('x.yaml', text, 'exact'));
  });
});
