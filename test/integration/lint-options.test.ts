/**
 * `gantry lint` options as users run them, on real processes: --fix in place (and again),
 * --config (.gantry-lint.yaml), the other linters' ignore annotations, --format junit,
 * --list-rules.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gantrySync as gantry, ROOT } from '../support/gantry.ts';

interface JsonReport {
  summary: Record<string, number>;
  findings: { rule: string; line: number; name: string; severity: string; file: string }[];
}
const json = (stdout: string) => JSON.parse(stdout) as JsonReport;
const rulesOf = (report: JsonReport) => [...new Set(report.findings.map((f) => f.rule))].sort();

const FIXED_RULES = [
  'capabilities-not-dropped',
  'deprecated-api-version',
  'image-pull-policy-not-always',
  'no-seccomp-profile',
  'privilege-escalation-allowed',
  'read-only-root-filesystem',
  'runs-as-root',
  'service-account-token-mounted',
];

describe('gantry lint --fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-lint-fix-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'guestbook.yaml');
  copyFileSync(join(ROOT, 'test/fixtures/lint/fix/guestbook.yaml'), file);
  const original = readFileSync(file, 'utf8');
  const before = json(gantry(['lint', file, '--format', 'json', '--fail-on', 'never']).stdout);
  const safe = gantry(['lint', file, '--fix', '--format', 'json', '--fail-on', 'never']);
  const safelyFixed = readFileSync(file, 'utf8');
  const first = gantry(['lint', file, '--fix=unsafe', '--format', 'json', '--fail-on', 'never']);
  const fixed = readFileSync(file, 'utf8');
  const second = gantry(['lint', file, '--fix=unsafe', '--fail-on', 'never']);

  it('--fix applies only what cannot break a workload, and says why it left the rest', () => {
    assert.equal(safe.code, 0, safe.stderr);
    const applied = safe.stderr.split('\n').filter((line) => /: (set|renamed) /.test(line));
    assert.deepEqual(
      applied.map((line) => line.trim()),
      [
        '5 Deployment/frontend service-account-token-mounted: set automountServiceAccountToken: false',
        '56 CronJob/cleanup deprecated-api-version: set apiVersion: batch/v1 (was batch/v1beta1)',
        '56 CronJob/cleanup service-account-token-mounted: set automountServiceAccountToken: false',
        '77 Deployment/redis-leader service-account-token-mounted: set automountServiceAccountToken: false',
      ],
    );
    assert.match(
      safe.stderr,
      /5 Deployment\/frontend \[php-redis\] runs-as-root: not applied: unsafe \(see below\)/,
    );
    assert.match(
      safe.stderr,
      /Not applied, because they may break a workload \(--fix=unsafe applies them\):\n( {2}.*\n)* {2}runs-as-root: an image whose USER is root \(nginx, mongo, many official images\) no longer starts/,
    );
    // An explicit imagePullPolicy: IfNotPresent is a choice, kept even by --fix=unsafe.
    assert.match(safelyFixed, /imagePullPolicy: 'IfNotPresent'/);
    assert.match(fixed, /imagePullPolicy: 'IfNotPresent'/);
    assert.doesNotMatch(safelyFixed, /runAsNonRoot/);
  });

  it('--fix=unsafe rewrites the file and lists every change on stderr', () => {
    assert.equal(first.code, 0, first.stderr);
    assert.notEqual(fixed, original);
    assert.match(
      first.stderr,
      /privilege-escalation-allowed: set securityContext\.allowPrivilegeEscalation: false/,
    );
    assert.match(first.stderr, /deprecated-api-version: /);
    assert.match(first.stderr, /✓ --fix=unsafe: \d+ changes in 1 file/);
  });

  it('keeps every comment', () => {
    // A fixed line may change before its comment (`drop: [NET_RAW, ALL] # …`): compare the comments.
    const comments = (text: string) => text.split('\n').flatMap((line) => /#.*$/.exec(line)?.[0] ?? []);
    assert.deepEqual(comments(fixed), comments(original));
  });

  it('the report after --fix is the relint: the fixed rules are gone, except what was left on purpose', () => {
    const after = json(first.stdout);
    assert.ok(before.findings.length > after.findings.length);
    const fixedBefore = before.findings.filter((f) => FIXED_RULES.includes(f.rule)).length;
    const fixedAfter = after.findings.filter((f) => FIXED_RULES.includes(f.rule));
    assert.ok(fixedBefore > 10, `${fixedBefore} fixable findings before`);
    // Left on purpose, and said so on stderr: an explicit runAsUser: 0, an explicit IfNotPresent and an Ingress whose fields changed.
    assert.deepEqual(fixedAfter.map((f) => f.rule).sort(), [
      'deprecated-api-version',
      'image-pull-policy-not-always',
      'runs-as-root',
    ]);
    assert.match(first.stderr, /left as is: /);
  });

  it('a second --fix changes nothing', () => {
    assert.equal(readFileSync(file, 'utf8'), fixed);
    assert.match(second.stderr, /✓ --fix=unsafe: 0 changes in 0 files/);
  });

  it('stdin is linted but not written', () => {
    const run = gantry(['lint', '-', '--fix', '--fail-on', 'never'], { input: original });
    assert.equal(run.code, 0);
    assert.match(run.stderr, /stdin is linted but cannot be written back/);
  });
});

describe('gantry lint --config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-lint-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'deploy/vendor'), { recursive: true });
  copyFileSync(join(ROOT, 'test/fixtures/lint/tutorial/wordpress.yaml'), join(dir, 'deploy/wordpress.yaml'));
  copyFileSync(join(ROOT, 'test/fixtures/lint/corpus/rbac.yaml'), join(dir, 'deploy/vendor/rbac.yaml'));

  it('reads .gantry-lint.yaml from the working directory: severities, off (by other tools’ ids too), excludes, labels', () => {
    writeFileSync(
      join(dir, '.gantry-lint.yaml'),
      [
        'rules:',
        '  secret-in-env: warning',
        '  CKV_K8S_14: off            # Checkov id of image-tag-latest',
        '  runs-as-root: error',
        'exclude: ["deploy/vendor/**"]',
        'requiredLabels: [team]',
        '',
      ].join('\n'),
    );
    const { code, stdout } = gantry(['lint', 'deploy', '--format', 'json'], { cwd: dir });
    assert.equal(code, 1, 'runs-as-root is an error now');
    const report = json(stdout);
    assert.equal(report.summary.files, 1, 'vendor/ is excluded');
    const severity = (rule: string) => report.findings.find((f) => f.rule === rule)?.severity;
    assert.equal(severity('secret-in-env'), 'warning');
    assert.equal(severity('runs-as-root'), 'error');
    assert.equal(severity('image-tag-latest'), undefined);
    const labels = report.findings.find((f) => f.rule === 'missing-recommended-label');
    assert.match(JSON.stringify(labels), /no label team/);
  });

  it('a named file is linted even when a glob excludes it', () => {
    const { stdout } = gantry(['lint', 'deploy/vendor/rbac.yaml', '--format', 'json', '--fail-on', 'never'], {
      cwd: dir,
    });
    assert.ok(json(stdout).findings.some((f) => f.rule === 'cluster-admin-binding'));
  });

  it('a bad config is a usage error naming file, line and field, with a hint', () => {
    writeFileSync(join(dir, 'bad.yaml'), 'rules:\n  runs-as-rot: error\n');
    const { code, stderr } = gantry(['lint', 'deploy', '--config', 'bad.yaml'], { cwd: dir });
    assert.equal(code, 2);
    assert.match(stderr, /bad\.yaml:2:3/);
    assert.match(stderr, /unknown rule `runs-as-rot`/);
    assert.match(stderr, /did you mean `runs-as-root`/);
    assert.doesNotMatch(stderr, /\n\s+at /);
    const missing = gantry(['lint', 'deploy', '--config', 'nope.yaml'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.yaml/);
  });
});

describe('other linters’ ignore annotations', () => {
  it('kube-score, kube-linter, Polaris and Checkov annotations silence our rules through the aliases', () => {
    const manifest = (annotations: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
${annotations}
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: "nginx:1.27.3" }]
`;
    const lint = (annotations: string) =>
      rulesOf(
        json(
          gantry(['lint', '-', '--format', 'json', '--fail-on', 'never'], { input: manifest(annotations) })
            .stdout,
        ),
      );
    const baseline = lint('    note: none');
    assert.ok(baseline.includes('runs-as-root') && baseline.includes('missing-readiness-probe'));
    const without = (annotations: string, ...rules: string[]) => {
      const found = lint(annotations);
      for (const rule of rules) assert.ok(!found.includes(rule), `${annotations.trim()} silences ${rule}`);
      assert.equal(found.length, baseline.length - rules.length, annotations.trim());
    };
    without('    kube-score/ignore: pod-probes', 'missing-liveness-probe', 'missing-readiness-probe');
    without('    ignore-check.kube-linter.io/run-as-non-root: "legacy image"', 'runs-as-root');
    without('    polaris.fairwinds.com/runAsRootAllowed-exempt: "true"', 'runs-as-root');
    without('    checkov.io/skip1: CKV_K8S_20=handled by admission policy', 'privilege-escalation-allowed');
    without('    gantry.dev/ignore: "single-replica (dev only)"', 'single-replica');
  });
});

describe('gantry lint --format junit', () => {
  it('one testsuite per file, a failure per finding, clean objects as passing testcases', () => {
    const { code, stdout } = gantry([
      'lint',
      'test/fixtures/lint/hardened.yaml',
      'test/fixtures/lint/tutorial',
      '--format',
      'junit',
    ]);
    assert.equal(code, 1);
    assert.match(stdout, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
    const suites = [...stdout.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)"/g)].map(
      (m) => [m[1], Number(m[2]), Number(m[3])],
    );
    assert.deepEqual(suites, [
      ['test/fixtures/lint/hardened.yaml', 2, 0],
      ['test/fixtures/lint/tutorial/widget.yaml', 1, 0],
      ['test/fixtures/lint/tutorial/wordpress.yaml', 15, 15],
    ]);
  });
});

describe('gantry lint --list-rules', () => {
  it('lists every rule by category; json carries why, fix, docs and aliases', () => {
    const text = gantry(['lint', '--list-rules']).stdout;
    assert.match(text, /^security\n {2}privileged-container +error +Privileged container$/m);
    const rules = JSON.parse(gantry(['lint', '--list-rules', '--format', 'json']).stdout) as {
      id: string;
      docs: string;
      aliases: object;
    }[];
    assert.ok(rules.length >= 50);
    for (const rule of rules) {
      assert.match(rule.docs, /^https:\/\/kubernetes\.io\/docs\//);
      assert.equal(typeof rule.aliases, 'object');
    }
  });
});
