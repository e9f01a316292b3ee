import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failsOn, runRules } from './engine.ts';
import { parseManifests } from './input.ts';
import type { Finding, Rule } from './rule.ts';
import { RULES } from './rules/index.ts';

/** A rule that flags every object whose name starts with "bad". */
const badName: Rule = {
  id: 'bad-name',
  severity: 'warning',
  category: 'hygiene',
  title: 'Bad name',
  why: 'Tests need a rule.',
  fix: 'metadata: { name: good }',
  docs: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/names/',
  aliases: {},
  check: (object) =>
    String((object.metadata as { name?: unknown } | undefined)?.name).startsWith('bad')
      ? [{ message: 'has a bad name' }]
      : [],
};

/** A cross-object rule: flags a Service when no other object shares its name. */
const lonelyService: Rule = {
  ...badName,
  id: 'lonely-service',
  check: (object, context) => {
    if (object.kind !== 'Service') return [];
    const name = (object.metadata as { name: string }).name;
    const others = context.objects.filter(
      (o) => o.object.kind !== 'Service' && (o.object.metadata as { name?: string }).name === name,
    );
    return others.length === 0 ? [{ message: 'selects nothing' }] : [];
  },
};

const lint = (text: string, rules: readonly Rule[], file = 'm.yaml') =>
  runRules(parseManifests(file, text).objects, rules);
const brief = (findings: Finding[]) =>
  findings.map((f) => `${f.file}:${f.line} ${f.kind}/${f.name} ${f.container ?? '-'} ${f.rule}`);

describe('runRules', () => {
  it('names the object, its namespace and line on every finding', () => {
    const text = 'kind: ConfigMap\nmetadata: { name: bad-one, namespace: shop }\n';
    assert.deepEqual(lint(text, [badName]), [
      {
        rule: 'bad-name',
        severity: 'warning',
        file: 'm.yaml',
        line: 1,
        column: 1,
        objectLine: 1,
        kind: 'ConfigMap',
        name: 'bad-one',
        namespace: 'shop',
        message: 'has a bad name',
      },
    ]);
  });

  it('gantry.dev/ignore silences the listed rules for that object only', () => {
    const text = `kind: ConfigMap
metadata:
  name: bad-a
  annotations: { gantry.dev/ignore: "other-rule, bad-name (renamed in v2)" }
---
kind: ConfigMap
metadata: { name: bad-b }
`;
    assert.deepEqual(brief(lint(text, [badName])), ['m.yaml:6 ConfigMap/bad-b - bad-name']);
  });

  it('cross-object rules see the whole set', () => {
    const text = 'kind: Service\nmetadata: { name: api }\n---\nkind: Service\nmetadata: { name: web }\n';
    const deployment = parseManifests('d.yaml', 'kind: Deployment\nmetadata: { name: api }\n').objects;
    const objects = [...parseManifests('s.yaml', text).objects, ...deployment];
    assert.deepEqual(brief(runRules(objects, [lonelyService])), ['s.yaml:4 Service/web - lonely-service']);
  });

  it('unpacks Lists and skips custom resources without noise', () => {
    const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: { name: web }
    spec:
      containers: [{ name: app, image: nginx }]
---
apiVersion: example.com/v1
kind: Widget
metadata: { name: w }
spec:
  template: { spec: { containers: [{ name: x, image: nginx, securityContext: { privileged: true } }] } }
`;
    const findings = lint(text, RULES);
    assert.ok(findings.length > 0);
    assert.deepEqual(
      new Set(findings.map((f) => `${f.objectLine} ${f.kind}/${f.name}`)),
      new Set(['4 Pod/web']),
    );
  });

  it('sorts by file, line, container, rule', () => {
    const a = parseManifests('b.yaml', 'kind: Pod\nmetadata: { name: bad }\n').objects;
    const b = parseManifests(
      'a.yaml',
      'kind: Pod\nmetadata: { name: ok }\n---\nkind: Pod\nmetadata: { name: bad2 }\n',
    ).objects;
    assert.deepEqual(brief(runRules([...a, ...b], [badName])), [
      'a.yaml:4 Pod/bad2 - bad-name',
      'b.yaml:1 Pod/bad - bad-name',
    ]);
  });
});

describe('failsOn', () => {
  const finding = (severity: Finding['severity']): Finding => ({
    rule: 'r',
    severity,
    file: 'f',
    line: 1,
    column: 1,
    message: 'm',
  });
  const rows: Array<[string, Finding['severity'][], 'error' | 'warning' | 'info' | 'never', boolean]> = [
    ['no findings pass', [], 'info', false],
    ['a warning passes --fail-on error', ['warning'], 'error', false],
    ['a warning fails --fail-on warning', ['warning'], 'warning', true],
    ['an error fails --fail-on info', ['error'], 'info', true],
    ['info fails --fail-on info', ['info'], 'info', true],
    ['never fails on nothing', ['error'], 'never', false],
  ];
  for (const [name, severities, threshold, expected] of rows)
    it(name, () => assert.equal(failsOn(severities.map(finding), threshold), expected));
});
