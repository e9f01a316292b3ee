/** `gantry lint` as users run it: a real process, its exit code and the exact text it prints. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GANTRY = join(ROOT, 'bin/gantry.js');
const FIXTURES = 'test/fixtures/lint';

function gantry(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [GANTRY, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 30_000,
    ...(input === undefined ? {} : { input }),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('gantry lint', () => {
  it('reports a tutorial Deployment grouped by file, with fix hints, and skips the custom resource (exit 1)', () => {
    const { code, stdout, stderr } = gantry(['lint', `${FIXTURES}/tutorial`]);
    assert.equal(code, 1, stderr);
    assert.equal(stderr, '');
    const findings = stdout.split('\n').filter((line) => /^ {2}\d/.test(line));
    assert.deepEqual(findings, [
      '  2 Deployment/wordpress [wordpress] image-tag-latest warning image wordpress:latest uses the :latest tag',
      '  2 Deployment/wordpress [wordpress] missing-liveness-probe warning no livenessProbe',
      '  2 Deployment/wordpress [wordpress] missing-readiness-probe warning no readinessProbe',
      '  2 Deployment/wordpress [wordpress] missing-resources warning no cpu request, no memory request, no memory limit',
      '  2 Deployment/wordpress [wordpress] privilege-escalation-allowed warning allowPrivilegeEscalation is not false',
      '  2 Deployment/wordpress [wordpress] runs-as-root warning may run as root: runAsNonRoot is not true and no runAsUser is set',
      '  2 Deployment/wordpress [wordpress] secret-in-env error env WORDPRESS_DB_PASSWORD holds a literal value',
    ]);
    assert.match(stdout, /^test\/fixtures\/lint\/tutorial\/wordpress\.yaml$/m);
    assert.match(stdout, /^ {4}fix: env:\n {11}- name: DB_PASSWORD$/m);
    assert.match(stdout, /\n✗ 7 findings \(1 error, 6 warnings\) in 2 objects in 2 files\n$/);
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
    assert.equal(stdout, '✓ no findings (1 object in 1 file)\n');
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
      objects: 1,
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
      line: 2,
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
    const { code, stdout, stderr } = gantry(['lint', '-'], '{{{ ]]] :\n\t- &x *y\n');
    assert.equal(code, 1);
    assert.doesNotMatch(stderr, /\n\s+at /);
    assert.match(stdout, /^<stdin>\n {2}\d+ yaml-syntax error /);
  });

  it('our own render of the shop example has no findings at error severity', () => {
    const rendered = gantry(['render', '-f', 'examples/shop/gantry.yaml', '--env', 'prod']);
    assert.equal(rendered.code, 0, rendered.stderr);
    const { code, stdout } = gantry(['lint', '-', '--format', 'json'], rendered.stdout);
    assert.equal(code, 0, stdout);
    const report = JSON.parse(stdout);
    assert.ok(report.summary.objects > 10);
    assert.deepEqual(
      report.findings.filter((f: { severity: string }) => f.severity === 'error'),
      [],
    );
  });
});
