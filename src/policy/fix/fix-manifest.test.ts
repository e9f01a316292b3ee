/**
 * fixManifest end to end: a tutorial-style multi-document file fixed, compared with the expected
 * file, and checked for what `--fix` promises — comments survive, untouched documents are byte for
 * byte, the fixed rules lint clean (bar what was left on purpose), and a second run changes nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { runRules } from '../engine.ts';
import { parseManifests } from '../input.ts';
import type { Finding, Rule } from '../rule.ts';
import { capabilitiesNotDropped } from '../rules/capabilities-not-dropped.ts';
import { deprecatedApiVersion } from '../rules/deprecated-api-version.ts';
import { deprecatedServiceAccountField } from '../rules/deprecated-service-account-field.ts';
import { imagePullPolicyNotAlways } from '../rules/image-pull-policy-not-always.ts';
import { RULES } from '../rules/index.ts';
import { noSeccompProfile } from '../rules/no-seccomp-profile.ts';
import { privilegeEscalationAllowed } from '../rules/privilege-escalation-allowed.ts';
import { readOnlyRootFilesystem } from '../rules/read-only-root-filesystem.ts';
import { runsAsRoot } from '../rules/runs-as-root.ts';
import { serviceAccountTokenMounted } from '../rules/service-account-token-mounted.ts';
import { FIXER_RULES, fixManifest } from './fix-manifest.ts';
import { FIXABLE_RULES } from './risks.ts';
import { notEditable } from './tree.ts';

/** The rules with a fixer. */
const FIXED_RULES: readonly Rule[] = [
  privilegeEscalationAllowed,
  runsAsRoot,
  readOnlyRootFilesystem,
  capabilitiesNotDropped,
  noSeccompProfile,
  serviceAccountTokenMounted,
  imagePullPolicyNotAlways,
  deprecatedApiVersion,
  deprecatedServiceAccountField,
];

/** Every fix, unsafe ones included: these tests are about how fixes edit, not which apply. */
const ALL = { unsafe: true };

const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/lint/fix/${name}`, import.meta.url), 'utf8');
const lint = (text: string, rules: readonly Rule[] = FIXED_RULES): Finding[] =>
  runRules(parseManifests('guestbook.yaml', text).objects, rules);
const fix = (text: string, rules: readonly Rule[]) => fixManifest(text, lint(text, rules), ALL);
const documents = (text: string) => text.split(/^---\n/m);
const comments = (text: string) => text.match(/#.*$/gm) ?? [];

describe('fixManifest on a tutorial guestbook (Deployment, Service, CronJob, List)', () => {
  const input = fixture('guestbook.yaml');
  const findings = lint(input);
  const fixed = fixManifest(input, findings, ALL);

  it('writes the expected file', () => {
    assert.equal(fixed.text, fixture('guestbook.fixed.yaml'));
  });

  it('keeps every comment, once', () => {
    assert.deepEqual(comments(fixed.text), comments(input));
  });

  it('leaves the untouched documents and List items byte for byte', () => {
    const [header, , service] = documents(input);
    assert.equal(documents(fixed.text)[0], header);
    assert.equal(documents(fixed.text)[2], service);
    const configMap = input.slice(input.indexOf('  - apiVersion: v1\n    kind: ConfigMap'));
    assert.ok(fixed.text.endsWith(configMap));
  });

  it('says what it changed, one line per edit, and what it left', () => {
    const summary = (c: { line: number; container?: string; rule: string }, text: string) =>
      `${c.line} ${c.container ?? '(pod)'} ${c.rule}: ${text}`;
    assert.deepEqual(
      fixed.changes.map((c) => summary(c, c.description)),
      [
        '5 (pod) service-account-token-mounted: set automountServiceAccountToken: false',
        '5 (pod) no-seccomp-profile: set pod securityContext.seccompProfile.type: RuntimeDefault',
        '5 php-redis privilege-escalation-allowed: set securityContext.allowPrivilegeEscalation: false',
        '5 php-redis read-only-root-filesystem: set securityContext.readOnlyRootFilesystem: true',
        '5 (pod) runs-as-root: set pod securityContext.runAsNonRoot: true',
        '5 php-redis capabilities-not-dropped: added ALL to securityContext.capabilities.drop',
        '56 (pod) deprecated-api-version: set apiVersion: batch/v1 (was batch/v1beta1)',
        '56 (pod) service-account-token-mounted: set automountServiceAccountToken: false',
        '56 cleanup image-pull-policy-not-always: set imagePullPolicy: Always',
        '56 cleanup capabilities-not-dropped: set securityContext.capabilities.drop: [ALL]',
        '56 (pod) no-seccomp-profile: set pod securityContext.seccompProfile.type: RuntimeDefault',
        '56 cleanup privilege-escalation-allowed: set securityContext.allowPrivilegeEscalation: false',
        '56 cleanup read-only-root-filesystem: set securityContext.readOnlyRootFilesystem: true',
        '77 (pod) service-account-token-mounted: set automountServiceAccountToken: false',
        '77 leader capabilities-not-dropped: set securityContext.capabilities.drop: [ALL]',
        '77 leader image-pull-policy-not-always: set imagePullPolicy: Always',
        '77 (pod) no-seccomp-profile: set pod securityContext.seccompProfile.type: RuntimeDefault',
        '77 leader privilege-escalation-allowed: set securityContext.allowPrivilegeEscalation: false',
        '77 (pod) runs-as-root: set pod securityContext.runAsNonRoot: true',
      ],
    );
    assert.deepEqual(
      fixed.skipped.map((s) => summary(s, s.reason)),
      [
        '5 php-redis image-pull-policy-not-always: imagePullPolicy: IfNotPresent is set explicitly; left as is',
        '56 cleanup runs-as-root: runAsUser: 0 is set explicitly (root on purpose); left as is',
        '104 (pod) deprecated-api-version: moving to networking.k8s.io/v1 changes fields, not only apiVersion; port it by hand (https://kubernetes.io/docs/reference/using-api/deprecation-guide/)',
      ],
    );
  });

  it('lints clean for the fixed rules afterwards, except what it left on purpose', () => {
    assert.deepEqual(
      lint(fixed.text).map((f) => `${f.kind}/${f.name} ${f.container ?? '(pod)'} ${f.rule}`),
      [
        'Deployment/frontend php-redis image-pull-policy-not-always',
        'CronJob/cleanup cleanup runs-as-root',
        'Ingress/frontend (pod) deprecated-api-version',
      ],
    );
  });

  it('changes nothing the second time', () => {
    const again = fixManifest(fixed.text, lint(fixed.text), ALL);
    assert.equal(again.text, fixed.text);
    assert.deepEqual(again.changes, []);
  });

  it('leaves the findings of other rules alone (the full rule set gives the same text)', () => {
    assert.equal(fixManifest(input, lint(input, [...RULES, ...FIXED_RULES]), ALL).text, fixed.text);
  });

  it('FIXABLE_RULES (risks.ts) and FIXER_RULES name exactly the rules with a fixer', () => {
    assert.deepEqual([...FIXER_RULES].sort(), FIXED_RULES.map((r) => r.id).sort());
    assert.deepEqual([...FIXABLE_RULES].sort(), [...FIXER_RULES].sort());
  });
});

describe('fixManifest edge cases', () => {
  const pod = (containers: string) => `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
${containers}`;

  it('returns the very text when no finding is fixable', () => {
    const text = pod('  - name: web\n    image: nginx\n');
    const result = fixManifest(
      text,
      lint(text, RULES).filter((f) => !FIXABLE_RULES.has(f.rule)),
    );
    assert.deepEqual(result, { text, changes: [], skipped: [], unsafe: [] });
  });

  it('fixes exactly the findings given (the rest were ignored or turned off)', () => {
    const text = pod('  - name: web\n  - name: worker\n');
    const findings = lint(text, [readOnlyRootFilesystem]).filter((f) => f.container === 'web');
    assert.equal(
      fixManifest(text, findings, ALL).text,
      pod('  - name: web\n    securityContext:\n      readOnlyRootFilesystem: true\n  - name: worker\n'),
    );
  });

  it('names unnamed containers #n, as the rules do', () => {
    const text = pod('  - image: a\n  - image: b\n');
    const findings = lint(text, [readOnlyRootFilesystem]).filter((f) => f.container === '#1');
    assert.equal(
      fixManifest(text, findings, ALL).text,
      pod('  - image: a\n  - image: b\n    securityContext:\n      readOnlyRootFilesystem: true\n'),
    );
  });

  it('reports a finding whose line holds no such object (the file changed since the lint)', () => {
    const text = pod('  - name: web\n');
    const [finding] = lint(text, [readOnlyRootFilesystem]);
    const result = fixManifest(text, [{ ...finding!, objectLine: 3 }], ALL);
    assert.equal(result.text, text);
    assert.deepEqual(
      result.skipped.map((s) => s.reason),
      ['no Pod starts at line 3; lint the file again'],
    );
  });

  it('edits an anchored node once, and leaves aliases and << merges to a person', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
    - name: web
      securityContext: &hardened {runAsUser: 1000}
    - name: worker
      securityContext: *hardened
    - &base
      name: sidecar
    - <<: *base
      name: copy
`;
    const result = fix(text, [readOnlyRootFilesystem]);
    assert.equal(
      result.text,
      text
        .replace('{runAsUser: 1000}', '{runAsUser: 1000, readOnlyRootFilesystem: true}')
        .replace(
          'name: sidecar\n',
          'name: sidecar\n      securityContext:\n        readOnlyRootFilesystem: true\n',
        ),
    );
    assert.deepEqual(
      result.changes.map((c) => c.container),
      ['web', 'sidecar'],
    );
    assert.deepEqual(
      result.skipped.map((s) => `${s.container}: ${s.reason}`),
      [`worker: ${notEditable('securityContext')}`, `copy: ${notEditable('securityContext')}`],
    );
  });

  it('keeps CRLF line endings in the lines it adds', () => {
    const text = pod('  - name: web\n    image: nginx:1.27\n').replaceAll('\n', '\r\n');
    const result = fix(text, [readOnlyRootFilesystem]);
    assert.equal(
      result.text,
      pod(
        '  - name: web\n    image: nginx:1.27\n    securityContext:\n      readOnlyRootFilesystem: true\n',
      ).replaceAll('\n', '\r\n'),
    );
  });

  it('adds lines at the end of a file with no final newline', () => {
    const text = pod('  - name: web\n    image: nginx:1.27');
    assert.equal(
      fix(text, [readOnlyRootFilesystem]).text,
      `${text}\n    securityContext:\n      readOnlyRootFilesystem: true\n`,
    );
  });

  it('leaves documents with syntax errors, directives and end markers as they are', () => {
    const broken = 'apiVersion: v1\nkind: Pod\nmetadata: {name: [broken\n';
    const text = `%YAML 1.2\n---\n${pod('  - name: web\n')}...\n---\n${broken}`;
    assert.equal(
      fix(text, [readOnlyRootFilesystem]).text,
      `%YAML 1.2\n---\n${pod('  - name: web\n    securityContext:\n      readOnlyRootFilesystem: true\n')}...\n---\n${broken}`,
    );
  });

  it('fixes JSON and writes JSON back, in its indentation and key order', () => {
    const object = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    };
    const text = `${JSON.stringify(object, null, 4)}\n`;
    const result = fix(text, [readOnlyRootFilesystem, serviceAccountTokenMounted]);
    const expected: Record<string, unknown> = {
      ...object,
      spec: {
        containers: [{ name: 'web', image: 'nginx:1.27', securityContext: { readOnlyRootFilesystem: true } }],
        automountServiceAccountToken: false,
      },
    };
    assert.equal(result.text, `${JSON.stringify(expected, null, 4)}\n`);
    const compact = JSON.stringify(object);
    assert.equal(fix(compact, [readOnlyRootFilesystem]).text.includes('\n'), false);
  });
});
