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
import { imagePullPolicyNotAlways } from '../rules/image-pull-policy-not-always.ts';
import { RULES } from '../rules/index.ts';
import { noSeccompProfile } from '../rules/no-seccomp-profile.ts';
import { privilegeEscalationAllowed } from '../rules/privilege-escalation-allowed.ts';
import { readOnlyRootFilesystem } from '../rules/read-only-root-filesystem.ts';
import { runsAsRoot } from '../rules/runs-as-root.ts';
import { serviceAccountTokenMounted } from '../rules/service-account-token-mounted.ts';
import { FIXABLE_RULES, fixManifest } from './fix-manifest.ts';

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
];

const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/lint/fix/${name}`, import.meta.url), 'utf8');
const lint = (text: string, rules: readonly Rule[] = FIXED_RULES): Finding[] =>
  runRules(parseManifests('guestbook.yaml', text).objects, rules);
const documents = (text: string) => text.split(/^---\n/m);
const comments = (text: string) => text.match(/#.*$/gm) ?? [];

describe('fixManifest on a tutorial guestbook (Deployment, Service, CronJob, List)', () => {
  const input = fixture('guestbook.yaml');
  const findings = lint(input);
  const fixed = fixManifest(input, findings);

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
        '5 php-redis capabilities-not-dropped: added ALL to securityContext.capabilities.drop',
        '5 php-redis image-pull-policy-not-always: set imagePullPolicy: Always (was IfNotPresent)',
        '5 (pod) no-seccomp-profile: set pod securityContext.seccompProfile.type: RuntimeDefault',
        '5 php-redis privilege-escalation-allowed: set securityContext.allowPrivilegeEscalation: false',
        '5 php-redis read-only-root-filesystem: set securityContext.readOnlyRootFilesystem: true',
        '5 (pod) runs-as-root: set pod securityContext.runAsNonRoot: true',
        '56 (pod) deprecated-api-version: set apiVersion: batch/v1 (was batch/v1beta1)',
        '56 (pod) service-account-token-mounted: set automountServiceAccountToken: false',
        '56 cleanup capabilities-not-dropped: set securityContext.capabilities.drop: [ALL]',
        '56 cleanup image-pull-policy-not-always: set imagePullPolicy: Always',
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
        '56 cleanup runs-as-root: runAsUser: 0 is set explicitly (root on purpose); left as is',
        '104 (pod) deprecated-api-version: moving to networking.k8s.io/v1 changes fields, not only apiVersion; port it by hand (https://kubernetes.io/docs/reference/using-api/deprecation-guide/)',
      ],
    );
  });

  it('lints clean for the fixed rules afterwards, except what it left on purpose', () => {
    assert.deepEqual(
      lint(fixed.text).map((f) => `${f.kind}/${f.name} ${f.container ?? '(pod)'} ${f.rule}`),
      ['CronJob/cleanup cleanup runs-as-root', 'Ingress/frontend (pod) deprecated-api-version'],
    );
  });

  it('changes nothing the second time', () => {
    const again = fixManifest(fixed.text, lint(fixed.text));
    assert.equal(again.text, fixed.text);
    assert.deepEqual(again.changes, []);
  });

  it('leaves the findings of other rules alone (the full rule set gives the same text)', () => {
    assert.equal(fixManifest(input, lint(input, [...RULES, ...FIXED_RULES])).text, fixed.text);
  });

  it('FIXABLE_RULES names exactly the rules with a fixer', () => {
    assert.deepEqual([...FIXABLE_RULES].sort(), FIXED_RULES.map((r) => r.id).sort());
  });
});
