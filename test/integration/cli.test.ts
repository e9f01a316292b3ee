/** The gantry CLI as users run it: a real process, its exit code and the exact text it prints. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GANTRY = join(ROOT, 'bin/gantry.js');
const EXAMPLE = join(ROOT, 'examples/shop/gantry.yaml');
const work = mkdtempSync(join(tmpdir(), 'gantry-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

function gantry(args: string[], cwd = work) {
  const result = spawnSync(process.execPath, [GANTRY, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '' },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const BROKEN = `app: shop
services:
  api:
    run: node server.js
    port: 8000
    health:
      readines: { path: /ready }
    resources: { requests: { cpu: 100m } }
    autoscale: { min: 5, max: 3, cpu: 70 }
environments:
  prod: {}
`;

describe('gantry --help and --version', () => {
  it('lists the commands and exits 0', () => {
    const { code, stdout } = gantry(['--help']);
    assert.equal(code, 0);
    for (const command of ['init', 'validate', 'schema'])
      assert.match(stdout, new RegExp(`^  ${command}\\b`, 'm'));
  });
  it('prints the package version', () => {
    const { code, stdout } = gantry(['--version']);
    assert.equal(code, 0);
    assert.equal(stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
});

describe('gantry validate', () => {
  it('accepts the example with every environment (exit 0)', () => {
    const { code, stdout, stderr } = gantry(['validate', '-f', EXAMPLE]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, `✓ ${EXAMPLE} is valid (base spec and environments dev, staging, prod)\n`);
  });

  it('reports every problem with file:line:column, the source line and a hint (exit 1)', () => {
    writeFileSync(join(work, 'gantry.yaml'), BROKEN);
    const { code, stdout, stderr } = gantry(['validate']);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      `gantry.yaml:7:7 error services.api.health.readines: unknown field \`readines\`
    7 |       readines: { path: /ready }
      |       ^
  hint: did you mean \`readiness\`?

gantry.yaml:9:18 error services.api.autoscale.min: autoscale.min (5) is greater than autoscale.max (3)
    9 |     autoscale: { min: 5, max: 3, cpu: 70 }
      |                  ^

✗ gantry.yaml: 2 errors (base spec and environment prod)
`,
    );
  });

  it('writes a JSON report with --output json', () => {
    writeFileSync(join(work, 'gantry.yaml'), BROKEN);
    const { code, stdout } = gantry(['validate', '--output', 'json']);
    assert.equal(code, 1);
    const report = JSON.parse(stdout);
    assert.equal(report.valid, false);
    assert.deepEqual(report.environments, ['prod']);
    assert.deepEqual(report.problems[0], {
      severity: 'error',
      file: 'gantry.yaml',
      line: 7,
      column: 7,
      path: 'services.api.health.readines',
      message: 'unknown field `readines`',
      hint: 'did you mean `readiness`?',
    });
  });

  it('names the known environments for an unknown --env (exit 1)', () => {
    const { code, stderr } = gantry(['validate', '-f', EXAMPLE, '--env', 'prd']);
    assert.equal(code, 1);
    assert.match(stderr, /error environments: unknown environment `prd`/);
    assert.match(stderr, /hint: did you mean `prod`\?/);
  });

  it('says what is missing and how to fix it when there is no spec (exit 2)', () => {
    const empty = mkdtempSync(join(work, 'empty-'));
    const { code, stderr } = gantry(['validate'], empty);
    assert.equal(code, 2);
    assert.equal(
      stderr,
      `error: gantry.yaml: no such file (looked in ${empty})\n  hint: run \`gantry init\` to write one, or pass -f FILE\n`,
    );
  });

  it('treats bad flags as usage errors (exit 2), without a stack trace', () => {
    for (const args of [['validate', '--bogus'], ['validate', '--output', 'yaml'], ['frobnicate']]) {
      const { code, stderr } = gantry(args);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, /^error: /);
      assert.doesNotMatch(stderr, /\n\s+at /);
    }
  });

  it('checks what a target needs with --target', () => {
    const file = join(work, 'image-only.yaml');
    writeFileSync(file, 'app: shop\nservices:\n  api:\n    image: acme/api:1.0.0\n    port: 8000\n');
    assert.equal(gantry(['validate', '-f', file, '--target', 'cluster']).code, 0);
    const local = gantry(['validate', '-f', file, '--target', 'local']);
    assert.equal(local.code, 1);
    assert.match(local.stderr, /`gantry up` needs to start it locally/);
  });
});

describe('gantry schema', () => {
  it('prints the JSON Schema', () => {
    const { code, stdout } = gantry(['schema']);
    assert.equal(code, 0);
    const schema = JSON.parse(stdout);
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.deepEqual(schema.required, ['app', 'services']);
  });
});

describe('gantry init', () => {
  it('writes a starter that validates, named and started from package.json', () => {
    const dir = join(work, 'my-app');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: '@acme/My_Shop', scripts: { start: 'node index.js' } }),
    );
    const { code, stdout } = gantry(['init'], dir);
    assert.equal(code, 0);
    assert.match(
      stdout,
      /wrote gantry.yaml for app my-shop \(run: npm start, from package.json scripts.start\)/,
    );
    const text = readFileSync(join(dir, 'gantry.yaml'), 'utf8');
    assert.match(text, /^app: my-shop$/m);
    assert.match(text, /^ {4}run: npm start$/m);
    assert.ok(JSON.parse(readFileSync(join(dir, 'gantry.schema.json'), 'utf8')).properties.services);
    assert.equal(gantry(['validate'], dir).code, 0);
    assert.equal(gantry(['validate', '--env', 'prod', '--target', 'cluster'], dir).code, 0);
  });

  it('refuses to overwrite without --force', () => {
    const dir = mkdtempSync(join(work, 'again-'));
    assert.equal(gantry(['init'], dir).code, 0);
    const second = gantry(['init'], dir);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /gantry.yaml already exists\n {2}hint: pass --force to overwrite it/);
    assert.equal(gantry(['init', '--force', '--port', '3000'], dir).code, 0);
    assert.match(readFileSync(join(dir, 'gantry.yaml'), 'utf8'), /port: 3000/);
  });
});
