import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  artifactLocation,
  FINGERPRINT,
  fingerprint,
  formatSarif,
  pascalCase,
  SRCROOT,
  toSarif,
} from './report-sarif.ts';
import type { Finding } from './rule.ts';
import { RULES } from './rules/index.ts';

const syntax: Finding = {
  rule: 'yaml-syntax',
  severity: 'error',
  file: 'a.yaml',
  line: 7,
  column: 1,
  message: 'Unexpected ]',
};
const probe: Finding = {
  rule: 'missing-readiness-probe',
  severity: 'warning',
  file: './deploy/b.yaml',
  line: 12,
  column: 1,
  kind: 'Deployment',
  name: 'api',
  namespace: 'shop',
  container: 'web',
  message: 'no readinessProbe',
};
const info: Finding = { ...probe, rule: 'some-info-rule', severity: 'info', message: 'a hint' };
const scope = { rules: RULES, objects: 3, files: 2, toolVersion: '1.2.3' };

describe('toSarif', () => {
  const log = toSarif([syntax, probe], scope);
  const run = log.runs[0];

  it('is one SARIF 2.1.0 run by gantry, with the version and the linted scope', () => {
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0\.json$/);
    assert.equal(log.runs.length, 1);
    assert.equal(run.tool.driver.name, 'gantry');
    assert.equal(run.tool.driver.semanticVersion, '1.2.3');
    assert.match(run.tool.driver.informationUri, /^https:\/\//);
    assert.deepEqual(run.properties, { objects: 3, files: 2 });
  });

  it('describes every rule, and yaml-syntax, whether or not it fired', () => {
    const ids = run.tool.driver.rules.map((rule) => rule.id);
    assert.deepEqual(ids, [...RULES.map((rule) => rule.id), 'yaml-syntax']);
  });

  it('a rule descriptor carries the title, why, fix snippet, docs, level and category', () => {
    const rule = RULES.find((r) => r.id === 'runs-as-root')!;
    const descriptor = run.tool.driver.rules.find((d) => d.id === 'runs-as-root')!;
    assert.equal(descriptor.name, 'RunsAsRoot');
    assert.equal(descriptor.shortDescription.text, 'Container may run as root.');
    assert.equal(descriptor.fullDescription.text, rule.why);
    assert.equal(descriptor.helpUri, rule.docs);
    assert.ok(descriptor.help.markdown.includes(`\`\`\`yaml\n${rule.fix}\n\`\`\``));
    assert.ok(descriptor.help.markdown.includes(`(${rule.docs})`));
    assert.ok(descriptor.help.text.includes('    runAsNonRoot: true'));
    assert.ok(descriptor.help.text.includes('gantry.dev/ignore: "runs-as-root"'));
    assert.ok(descriptor.help.text.includes('kube-linter run-as-non-root'));
    assert.deepEqual(descriptor.defaultConfiguration, { level: 'warning' });
    assert.deepEqual(descriptor.properties, {
      category: 'security',
      tags: ['kubernetes', 'security'],
      'security-severity': '5.0',
    });
    const reliability = run.tool.driver.rules.find((d) => d.id === 'missing-resources')!;
    assert.equal(reliability.properties['security-severity'], undefined);
  });

  it('a result names its rule by id and index, the object and container, and the line', () => {
    const result = run.results[1]!;
    assert.equal(result.ruleId, 'missing-readiness-probe');
    assert.equal(run.tool.driver.rules[result.ruleIndex]?.id, 'missing-readiness-probe');
    assert.equal(result.level, 'warning');
    assert.equal(result.message.text, 'Deployment/api (namespace shop), container web: no readinessProbe.');
    assert.deepEqual(result.locations, [
      {
        physicalLocation: {
          artifactLocation: { uri: 'deploy/b.yaml', uriBaseId: SRCROOT },
          region: { startLine: 12, startColumn: 1 },
        },
        logicalLocations: [{ name: 'web', fullyQualifiedName: 'shop/Deployment/api/web', kind: 'object' }],
      },
    ]);
  });

  it('a syntax error is a file-level result: no logical location', () => {
    const result = run.results[0]!;
    assert.equal(result.ruleId, 'yaml-syntax');
    assert.equal(result.level, 'error');
    assert.equal(result.message.text, 'Unexpected ].');
    assert.equal(result.locations[0]?.logicalLocations, undefined);
    assert.deepEqual(result.locations[0]?.physicalLocation.region, { startLine: 7, startColumn: 1 });
  });

  it('maps severities to levels: error → error, warning → warning, info → note', () => {
    const levels = toSarif([syntax, probe, info], scope).runs[0].results.map((r) => r.level);
    assert.deepEqual(levels, ['error', 'warning', 'note']);
  });

  it('describes a rule it was not given, so every ruleIndex resolves', () => {
    const { rules } = toSarif([info], scope).runs[0].tool.driver;
    const descriptor = rules[rules.length - 1]!;
    assert.equal(descriptor.id, 'some-info-rule');
    assert.equal(descriptor.name, 'SomeInfoRule');
    assert.deepEqual(descriptor.defaultConfiguration, { level: 'note' });
  });

  it('fingerprints are stable across line moves and differ between containers', () => {
    const result = run.results[1]!;
    assert.equal(result.partialFingerprints[FINGERPRINT], fingerprint(probe));
    assert.equal(fingerprint({ ...probe, line: 40 }), fingerprint(probe));
    assert.notEqual(fingerprint({ ...probe, container: 'sidecar' }), fingerprint(probe));
    assert.match(fingerprint(probe), /^[0-9a-f]{32}$/);
  });
});

describe('artifactLocation', () => {
  for (const [name, file, expected] of [
    ['relative path under %SRCROOT%', 'deploy/api.yaml', { uri: 'deploy/api.yaml', uriBaseId: SRCROOT }],
    ['leading ./ dropped', './deploy/api.yaml', { uri: 'deploy/api.yaml', uriBaseId: SRCROOT }],
    ['segments percent-encoded', 'my dir/a#1%.yaml', { uri: 'my%20dir/a%231%25.yaml', uriBaseId: SRCROOT }],
    ['a colon cannot read as a scheme', 'c:odd.yaml', { uri: 'c%3Aodd.yaml', uriBaseId: SRCROOT }],
    ['absolute path as a file URI', '/srv/k8s/api.yaml', { uri: 'file:///srv/k8s/api.yaml' }],
    [
      'stdin as a relative URI that names no file',
      '<stdin>',
      { uri: '%3Cstdin%3E', description: { text: 'standard input' } },
    ],
  ] as const)
    it(name, () => assert.deepEqual(artifactLocation(file), expected));
});

describe('formatSarif', () => {
  it('is JSON ending with a newline', () => {
    const text = formatSarif([probe], scope);
    assert.ok(text.endsWith('}\n'));
    assert.deepEqual(JSON.parse(text), toSarif([probe], scope));
  });
  it('a clean run has no results but still lists the rules', () => {
    const run = toSarif([], scope).runs[0];
    assert.deepEqual(run.results, []);
    assert.equal(run.tool.driver.rules.length, RULES.length + 1);
  });
});

describe('pascalCase', () => {
  it('turns kebab-case ids into names', () => {
    assert.equal(pascalCase('privilege-escalation-allowed'), 'PrivilegeEscalationAllowed');
    assert.equal(pascalCase('yaml-syntax'), 'YamlSyntax');
  });
});
