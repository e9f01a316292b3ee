import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configureRules } from './config.ts';
import { parseLintConfig } from './config-file.ts';
import type { Rule } from './rule.ts';

const rule = (id: string, aliases: Rule['aliases'] = {}): Rule => ({
  id,
  severity: 'warning',
  category: 'security',
  title: id,
  why: 'why',
  fix: 'a: b',
  docs: 'https://kubernetes.io/docs/',
  aliases,
  check: () => [],
});
const RULES = [
  rule('runs-as-root', { kubeLinter: ['run-as-non-root'], checkov: ['CKV_K8S_23'] }),
  rule('missing-liveness-probe', { kubeScore: ['pod-probes'] }),
  rule('missing-readiness-probe', { kubeScore: ['pod-probes'] }),
];

const parse = (text: string) => parseLintConfig('.gantry-lint.yaml', text, RULES);

describe('parseLintConfig', () => {
  it('reads severities (ours and other tools’ ids), excludes and required labels', () => {
    const result = parse(`rules:
  runs-as-root: error
  pod-probes: off
exclude: ["vendor/**"]
requiredLabels: [app.kubernetes.io/name, team]
`);
    assert.ok(result.ok);
    assert.deepEqual(
      [...result.config.rules],
      [
        ['runs-as-root', 'error'],
        ['missing-liveness-probe', 'off'],
        ['missing-readiness-probe', 'off'],
      ],
    );
    assert.deepEqual(result.config.exclude, ['vendor/**']);
    assert.deepEqual(result.config.requiredLabels, ['app.kubernetes.io/name', 'team']);
  });

  it('an empty file is the default configuration', () => {
    const result = parse('');
    assert.ok(result.ok);
    assert.equal(result.config.rules.size, 0);
    assert.deepEqual(result.config.exclude, []);
  });

  it('names line, field and a hint for an unknown rule, a bad severity and an unknown key', () => {
    const result = parse(`rules:
  runs-as-rot: error
  CKV_K8S_23: loud
exclud: []
`);
    assert.ok(!result.ok);
    const brief = result.problems.map(
      (p) => `${p.line}:${p.column} ${p.path}: ${p.message} (${p.hint ?? ''})`,
    );
    assert.equal(brief.length, 2, brief.join('\n'));
    assert.match(brief[0]!, /^3:3 rules\.CKV_K8S_23: .*error.*warning.*info.*off/);
    assert.match(brief[1]!, /^4:1 exclud: unknown field `exclud` \(did you mean `exclude`/);
    const typo = parse('rules:\n  runs-as-rot: error\n');
    assert.ok(!typo.ok);
    assert.equal(typo.problems[0]!.line, 2);
    assert.equal(typo.problems[0]!.message, 'unknown rule `runs-as-rot`');
    assert.match(typo.problems[0]!.hint!, /did you mean `runs-as-root`/);
  });

  it('a syntax error is a problem at its line', () => {
    const result = parse('rules:\n  a: [\n');
    assert.ok(!result.ok);
    assert.ok(result.problems[0]!.line >= 2);
  });
});

describe('configureRules', () => {
  it('drops rules that are off and changes severities, leaving the others as they are', () => {
    const result = parse('rules: { runs-as-root: error, missing-liveness-probe: off }');
    assert.ok(result.ok);
    const configured = configureRules(RULES, result.config);
    assert.deepEqual(
      configured.map((r) => `${r.id}:${r.severity}`),
      ['runs-as-root:error', 'missing-readiness-probe:warning'],
    );
    assert.equal(configured[1], RULES[2], 'unchanged rules are the same objects');
  });
});
