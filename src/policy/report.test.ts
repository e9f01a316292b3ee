import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toJsonReport } from './report-json.ts';
import { formatText, summary } from './report-text.ts';
import type { Finding } from './rule.ts';
import { RULES } from './rules/index.ts';

const findings: Finding[] = [
  { rule: 'yaml-syntax', severity: 'error', file: 'a.yaml', line: 7, column: 1, message: 'Unexpected ]' },
  {
    rule: 'missing-readiness-probe',
    severity: 'warning',
    file: 'b.yaml',
    line: 1,
    column: 1,
    kind: 'Deployment',
    name: 'api',
    container: 'web',
    message: 'no readinessProbe',
  },
];

describe('formatText', () => {
  it('groups by file, with the fix hint indented under its finding, and a summary', () => {
    assert.equal(
      formatText(findings, { rules: RULES, objects: 1, files: 2 }),
      [
        'a.yaml',
        '  a.yaml:7:1 yaml-syntax error Unexpected ]',
        '',
        'b.yaml',
        '  b.yaml:1:1 Deployment/api [web] missing-readiness-probe warning no readinessProbe',
        '    fix: readinessProbe:',
        '           httpGet: { path: /ready, port: http }',
        '           periodSeconds: 5',
        '',
        '✗ 2 findings (1 error, 1 warning) in 1 object in 2 files',
        '',
      ].join('\n'),
    );
  });
  it('says clean when clean', () => {
    assert.equal(summary([], { objects: 3, files: 1 }), '✓ no findings (3 objects in 1 file)');
  });
});

describe('toJsonReport', () => {
  it('counts by severity and adds category and docs for known rules', () => {
    const report = toJsonReport(findings, { rules: RULES, objects: 1, files: 2 });
    assert.deepEqual(report.summary, { objects: 1, files: 2, error: 1, warning: 1, info: 0 });
    assert.deepEqual(report.findings[0], findings[0]);
    assert.equal(report.findings[1]?.category, 'reliability');
    assert.match(report.findings[1]?.docs ?? '', /^https:\/\/kubernetes\.io\//);
  });

  it('writes every finding with its keys in the documented order, whatever order it came in', () => {
    // A finding moved to its Kustomize source is a spread: objectLine may come last. Here every key is out of order.
    const entries = Object.entries({ ...findings[1]!, objectLine: 3 }).reverse();
    const reversed = Object.fromEntries(entries) as unknown as Finding;
    const [json] = toJsonReport([reversed], { rules: RULES, objects: 1, files: 1 }).findings;
    assert.deepEqual(Object.keys(json!), [
      'rule',
      'severity',
      'file',
      'line',
      'column',
      'objectLine',
      'kind',
      'name',
      'container',
      'message',
      'category',
      'docs',
    ]);
  });
});
