/** `gantry lint` as users run it: a real process, its exit code and the exact text it prints. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gantrySync as gantry } from '../support/gantry.ts';

const FIXTURES = 'test/fixtures/lint';

describe('gantry lint', () => {
  it('reports a tutorial Deployment grouped by file, with fix hints, and skips the custom resource (exit 1)', () => {
    const { code, stdout, stderr } = gantry(['lint', `${FIXTURES}/tutorial`]);
    assert.equal(code, 1, stderr);
    assert.equal(stderr, '');
    const findings = stdout.split('\n').filter((line) => /^ {2}\S+:\d/.test(line));
    assert.deepEqual(findings, [
      '  test/fixtures/lint/tutorial/wordpress.yaml:4:1 Deployment/wordpress missing-namespace info metadata.namespace is not set: it goes where kubectl points',
      '  test/fixtures/lint/tutorial/wordpress.yaml:4:1 Deployment/wordpress missing-recommended-label info no label app.kubernetes.io/name (on the object and its pod template)',
      '  test/fixtures/lint/tutorial/wordpress.yaml:7:3 Deployment/wordpress single-replica warning replicas: 1 and no HorizontalPodAutoscaler scales it',
      '  test/fixtures/lint/tutorial/wordpress.yaml:13:5 Deployment/wordpress default-service-account warning no serviceAccountName (uses default)',
      '  test/fixtures/lint/tutorial/wordpress.yaml:13:5 Deployment/wordpress service-account-token-mounted info automountServiceAccountToken is not false',
      '  test/fixtures/lint/tutorial/wordpress.yaml:15:11 Deployment/wordpress [wordpress] capabilities-not-dropped warning capabilities.drop does not include ALL',
      '  test/fixtures/lint/tutorial/wordpress.yaml:15:11 Deployment/wordpress [wordpress] missing-liveness-probe warning no livenessProbe',
      '  test/fixtures/lint/tutorial/wordpress.yaml:15:11 Deployment/wordpress [wordpress] missing-readiness-probe warning no readinessProbe',
      '  test/fixtures/lint/tutorial/wordpress.yaml:15:11 Deployment/wordpress [wordpress] missing-resources warning no cpu request',
      '  test/fixtures/lint/tutorial/wordpress.yaml:15:11 Deployment/wordpress [wordpress] missing-resources warning no memory request',
      '  test/fixtures/lint/tutorial/wordpress.yaml:15:11 Deployment/wordpress [wordpress] missing-resources warning no memory limit',
      '  test/fixtures/lint/tutorial/wordpress.yaml:15:11 Deployment/wordpress [wordpress] no-seccomp-profile warning no seccompProfile (pod or container)',
      '  test/fixtures/lint/tutorial/wordpress.yaml:15:11 Deployment/wordpress [wordpress] privilege-escalation-allowed warning allowPrivilegeEscalation is not false',
      '  test/fixtures/lint/tutorial/wordpress.yaml:15:11 Deployment/wordpress [wordpress] read-only-root-filesystem warning readOnlyRootFilesystem is not true',
      '  test/fixtures/lint/tutorial/wordpress.yaml:15:11 Deployment/wordpress [wordpress] runs-as-root warning may run as root: runAsNonRoot is not true and no runAsUser is set',
      '  test/fixtures/lint/tutorial/wordpress.yaml:16:11 Deployment/wordpress [wordpress] image-tag-latest warning image wordpress:latest uses the :latest tag',
      '  test/fixtures/lint/tutorial/wordpress.yaml:19:15 Deployment/wordpress [wordpress] secret-in-env error env WORDPRESS_DB_PASSWORD holds a literal value',
    ]);
    assert.match(stdout, /^test\/fixtures\/lint\/tutorial\/wordpress\.yaml$/m);
    assert.match(stdout, /^ {4}fix: env:\n {11}- name: DB_PASSWORD$/m);
    assert.match(
      stdout,
      /\n✗ 17 findings \(1 error, 13 warnings, 3 infos\) in 2 objects in 2 files; 6 fixable \(--fix: the safe ones, --fix=unsafe: all\)\n$/,
    );
  });

  it('--fail-on sets the threshold', () => {
    const file = `${FIXTURES}/tutorial/wordpress.yaml`;
    assert.equal(gantry(['lint', file, '--fail-on', 'never']).code, 0);
    const hardened = `${FIXTURES}/hardened.yaml`;
    assert.equal(gantry(['lint', hardened, '--fail-on', 'info']).code, 0);
  });

  it('says so when there is nothing to report (exit 0)', () => {
    const { code, stdout } = gantry(['lint', `${FIXTURES}/hardened.yaml`]);
    assert.equal(code, 0);
    assert.equal(stdout, '✓ no findings (2 objects in 1 file)\n');
  });

  it('a syntax error is a finding with its line; the other files are still linted', () => {
    const { code, stdout, stderr } = gantry([
      'lint',
      `${FIXTURES}/broken`,
      `${FIXTURES}/hardened.yaml`,
      '--format',
      'json',
    ]);
    assert.equal(code, 1, stderr);
    const report = JSON.parse(stdout);
    assert.equal(report.version, 1);
    assert.deepEqual(report.summary, {
      objects: 2,
      files: 2,
      error: report.findings.length,
      warning: 0,
      info: 0,
    });
    assert.ok(report.findings.length > 0);
    for (const finding of report.findings) {
      assert.equal(finding.rule, 'yaml-syntax');
      assert.equal(finding.file, `${FIXTURES}/broken/bad.yaml`);
      assert.equal(finding.line, 4);
    }
  });

  it('json names the rule, category and docs of each finding', () => {
    const { stdout } = gantry(['lint', `${FIXTURES}/tutorial/wordpress.yaml`, '--format', 'json']);
    const secret = JSON.parse(stdout).findings.find((f: { rule: string }) => f.rule === 'secret-in-env');
    assert.deepEqual(secret, {
      rule: 'secret-in-env',
      severity: 'error',
      file: `${FIXTURES}/tutorial/wordpress.yaml`,
      line: 19,
      column: 15,
      objectLine: 2,
      field: 'spec.template.spec.containers[0].env[0].value',
      kind: 'Deployment',
      name: 'wordpress',
      container: 'wordpress',
      message: 'env WORDPRESS_DB_PASSWORD holds a literal value',
      category: 'security',
      docs: 'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables',
    });
  });

  it('usage errors exit 2 without a stack trace', () => {
    for (const args of [['lint'], ['lint', 'no/such/file.yaml'], ['lint', '.', '--fail-on', 'sometimes']]) {
      const { code, stderr } = gantry(args);
      assert.equal(code, 2, args.join(' '));
      assert.doesNotMatch(stderr, /\n\s+at /);
    }
    assert.match(
      gantry(['lint', 'no/such/file.yaml']).stderr,
      /^error: no\/such\/file\.yaml: no such file or directory\n/,
    );
  });

  it('garbage on stdin is a finding, not a crash', () => {
    const { code, stdout, stderr } = gantry(['lint', '-'], { input: '{{{ ]]] :\n\t- &x *y\n' });
    assert.equal(code, 1);
    assert.doesNotMatch(stderr, /\n\s+at /);
    assert.match(stdout, /^<stdin>\n {2}<stdin>:\d+:\d+ yaml-syntax error /);
  });

  it('--spec: what render makes of the example has no findings at all, in every environment', () => {
    const { code, stdout, stderr } = gantry([
      'lint',
      '--spec',
      '-f',
      'examples/shop/gantry.yaml',
      '--fail-on',
      'info',
    ]);
    assert.equal(code, 0, stdout + stderr);
    assert.match(stdout, /^✓ no findings \(\d+ objects in 3 files\)\n$/);
    const objects = Number(/(\d+) objects/.exec(stdout)![1]);
    assert.ok(objects > 60, stdout);
  });

  it('--spec --env lints one environment; an unknown one is an error naming the spec', () => {
    const one = gantry([
      'lint',
      '--spec',
      '-f',
      'examples/shop/gantry.yaml',
      '--env',
      'prod',
      '--format',
      'json',
    ]);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(JSON.parse(one.stdout).summary.files, 1);
    const unknown = gantry(['lint', '--spec', '-f', 'examples/shop/gantry.yaml', '--env', 'moon']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /examples\/shop\/gantry\.yaml/);
    assert.doesNotMatch(unknown.stderr, /\n\s+at /);
  });
});
