/**
 * `gantry ci` as a user runs it: the real CLI process, files written and rewritten, and the
 * GitLab file checked by gitlab-ci-local — a real tool that validates .gitlab-ci.yml against
 * GitLab's published JSON schema (ci.json, shipped in the package) and resolves every `needs`,
 * offline — in a throwaway git repository.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { validateWorkflow } from '@action-validator/core';
import { parse, stringify } from 'yaml';
import { type SmokeRequest, smokeScript } from '../../src/render/ci/smoke.ts';
import { gantrySync, ROOT } from '../support/gantry.ts';
import { runValidator } from '../support/validators.ts';

const SHOP = join(ROOT, 'examples/shop/gantry.yaml');
const GITLAB_CI_LOCAL = join(ROOT, 'node_modules/gitlab-ci-local/src/index.js');
const temporary: string[] = [];
after(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder holding a copy of the example spec as gantry.yaml: a repository root. */
function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-ci-'));
  temporary.push(dir);
  copyFileSync(SHOP, join(dir, 'gantry.yaml'));
  return dir;
}

/** The example with its CI on GitLab (ci.provider decides which CI's OIDC tokens the cloud trusts). */
function gitlabRepository(): string {
  const dir = repository();
  const spec = readFileSync(SHOP, 'utf8');
  const gitlab = spec.replace(
    'ci: { provider: github, repository: acme/shop }',
    'ci: { provider: gitlab, repository: acme/shop }',
  );
  assert.notEqual(gitlab, spec);
  writeFileSync(join(dir, 'gantry.yaml'), gitlab);
  return dir;
}

function git(cwd: string, ...args: string[]): void {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  assert.equal(result.status, 0, `git ${args.join(' ')}: ${result.stderr}`);
}

/** gitlab-ci-local --list on `text` as the .gitlab-ci.yml of a git repository on branch main. */
function gitlabCiLocal(text: string): { code: number; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-gitlab-'));
  temporary.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'remote', 'add', 'origin', 'https://gitlab.example.com/acme/shop.git'); // read, never contacted
  writeFileSync(join(dir, '.gitlab-ci.yml'), text);
  git(dir, 'add', '.gitlab-ci.yml');
  git(dir, '-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', 'pipeline');
  const result = spawnSync(process.execPath, [GITLAB_CI_LOCAL, '--list'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, HOME: dir, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return { code: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

/**
 * actionlint (pinned, built by scripts/validators.sh) on a workflow in a throwaway repository: the
 * workflow schema, expressions, `needs`, and shellcheck-free script checks. Self-hosted runner
 * labels are declared in .github/actionlint.yaml, as the workflow's comment asks users to.
 */
function actionlint(text: string): { code: number; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-actionlint-'));
  temporary.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  const labels = [...text.matchAll(/runs-on:\n((?: +- .+\n)+)/g)].flatMap((m) =>
    m[1]!
      .trim()
      .split('\n')
      .map((line) => line.replace(/^\s*- /, '')),
  );
  writeFileSync(join(dir, '.github/actionlint.yaml'), stringify({ 'self-hosted-runner': { labels } }));
  writeFileSync(join(dir, '.github/workflows/gantry.yml'), text);
  return runValidator('actionlint', ['-no-color', '.github/workflows/gantry.yml'], dir);
}

describe('gantry ci --provider github: actionlint', () => {
  it('the example workflow passes actionlint with no finding', () => {
    const run = gantrySync(['ci', '--provider', 'github', '-f', 'examples/shop/gantry.yaml']);
    assert.equal(run.code, 0, run.stderr);
    const lint = actionlint(run.stdout);
    assert.equal(lint.code, 0, lint.output);
    assert.equal(lint.output, '');
  });

  it('a workflow broken on purpose fails actionlint: an unknown job in needs, a bad expression', () => {
    const run = gantrySync(['ci', '--provider', 'github', '-f', 'examples/shop/gantry.yaml']);
    const broken = run.stdout
      .replace('      - smoke-staging\n', '      - smoke-stagin\n')
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, broken on purpose
      .replace('${{ needs.image-api.outputs.digest }}', '${{ needs.image-api.outputs.digest }');
    assert.notEqual(broken, run.stdout);
    const lint = actionlint(broken);
    assert.equal(lint.code, 1, lint.output);
    assert.match(lint.output, /smoke-stagin/);
    assert.match(lint.output, /\[expression\]|\[syntax-check\]/);
  });
});

describe('gantry ci --provider github', () => {
  it('prints the workflow; it passes the official workflow schema', () => {
    const run = gantrySync(['ci', '--provider', 'github', '-f', 'examples/shop/gantry.yaml']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^# Generated by Gantry/);
    assert.match(run.stdout, /npx --no gantry apply -f examples\/shop\/gantry.yaml --env staging/);
    assert.deepEqual(validateWorkflow(run.stdout).errors, []);
  });

  it('-o DIR writes .github/workflows/gantry.yml; the second run reports it unchanged, same bytes', () => {
    const dir = repository();
    const first = gantrySync(['ci', '--provider', 'github', '-o', '.'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, '');
    assert.equal(first.stderr, 'written   .github/workflows/gantry.yml\n');
    const path = join(dir, '.github/workflows/gantry.yml');
    const written = readFileSync(path, 'utf8');
    assert.match(written, /# Regenerate: gantry ci --provider github -f gantry.yaml -o \.\n/);
    const second = gantrySync(['ci', '--provider', 'github', '-o', '.'], { cwd: dir });
    assert.equal(second.stderr, 'unchanged .github/workflows/gantry.yml\n');
    assert.equal(readFileSync(path, 'utf8'), written);
  });
});

describe('gantry ci --provider gitlab', () => {
  const run = gantrySync(['ci', '--provider', 'gitlab'], { cwd: gitlabRepository() });

  it('prints .gitlab-ci.yml; gitlab-ci-local accepts it against GitLab ci.json and lists every job', () => {
    assert.equal(run.code, 0, run.stderr);
    const { code, output } = gitlabCiLocal(run.stdout);
    assert.equal(code, 0, output);
    assert.match(output, /json schema validated/);
    for (const job of [
      'test',
      'image:api',
      'image:worker',
      'verify:images',
      'deploy:staging',
      'smoke:staging',
      'rollback:prod',
    ])
      assert.match(output, new RegExp(`^${job} `, 'm'), `${job} listed`);
    assert.match(
      output,
      /^deploy:prod\s+deploy-prod\s+manual\s+false\s+\[smoke:staging,image:api,image:worker\]/m,
    );
  });

  it('-o DIR writes .gitlab-ci.yml, then reports it unchanged', () => {
    const dir = gitlabRepository();
    const first = gantrySync(['ci', '--provider', 'gitlab', '-o', '.'], { cwd: dir });
    assert.equal(first.stderr, 'written   .gitlab-ci.yml\n');
    const second = gantrySync(['ci', '--provider', 'gitlab', '-o', '.'], { cwd: dir });
    assert.equal(second.stderr, 'unchanged .gitlab-ci.yml\n');
  });

  describe('gitlab-ci-local rejects a broken pipeline (the validation can fail)', () => {
    // biome-ignore lint/suspicious/noExplicitAny: editing the parsed pipeline by known keys
    const broken = (change: (p: Record<string, any>) => void) => {
      const pipeline = parse(run.stdout);
      change(pipeline);
      return gitlabCiLocal(stringify(pipeline));
    };
    it('an unknown key in a job', () => {
      const { code, output } = broken((p) => (p['deploy:staging'].scripts = ['true']));
      assert.equal(code, 1);
      assert.match(output, /'scripts' property is not expected to be here/);
    });
    it('needs a job that does not exist', () => {
      const { code, output } = broken((p) => (p['deploy:prod'].needs = ['smoke:stagin']));
      assert.equal(code, 1);
      assert.match(output, /smoke:stagin/);
    });
    it('a manual gate with a misspelt value', () => {
      const { code, output } = broken((p) => (p['deploy:prod'].rules[0].when = 'manually'));
      assert.equal(code, 1, output);
      assert.match(output, /'when' property must be one of .*\(found manually\) at deploy:prod/);
    });
  });
});

describe('gantry ci: mistakes a user makes', () => {
  it('a bad spec: the problems with file, line and field, exit 1, no stack trace', () => {
    const dir = repository();
    writeFileSync(
      join(dir, 'gantry.yaml'),
      readFileSync(SHOP, 'utf8').replace(
        'readiness: { path: /health/ready, periodSeconds: 5 }',
        'readines: { path: /x }',
      ),
    );
    const run = gantrySync(['ci', '--provider', 'github'], { cwd: dir });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(
      run.stderr,
      /gantry.yaml:\d+:\d+ error services.api.health.readines: unknown field `readines`/,
    );
    assert.match(run.stderr, /hint: did you mean `readiness`\?/);
    assert.match(run.stderr, /error: gantry.yaml: 1 error; no pipeline written/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it("a provider other than the spec's ci.provider: exit 2, since the cloud trusts that CI only", () => {
    const run = gantrySync(['ci', '--provider', 'gitlab', '-f', 'examples/shop/gantry.yaml']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--provider gitlab, but examples\/shop\/gantry\.yaml says ci\.provider: github/);
    assert.match(run.stderr, /hint: gantry ci --provider github/);
  });

  it('no --provider, or an unknown one: a usage error (exit 2) naming the choices', () => {
    const none = gantrySync(['ci', '-f', 'examples/shop/gantry.yaml']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /required option '--provider <provider>' not specified/);
    const jenkins = gantrySync(['ci', '--provider', 'jenkins', '-f', 'examples/shop/gantry.yaml']);
    assert.equal(jenkins.code, 2);
    assert.match(jenkins.stderr, /Allowed choices are github, gitlab/);
  });

  it('a spec outside the current directory: exit 2, run it from the repository root', () => {
    const dir = repository();
    const run = gantrySync(['ci', '--provider', 'gitlab', '-f', SHOP], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /is outside the current directory; the pipeline runs from the repository root/);
    assert.match(run.stderr, /hint: run gantry ci from the repository root/);
  });

  it('a missing spec file: exit 2 with a hint', () => {
    const run = gantrySync(['ci', '--provider', 'github', '-f', 'nope.yaml']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /nope.yaml: no such file/);
  });

  it('--help names the providers and the output paths', () => {
    const run = gantrySync(['ci', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /choices: "github", "gitlab"/);
    assert.match(run.stdout, /\.github\/workflows\/gantry.yml \(github\) or \.gitlab-ci.yml \(gitlab\)/);
  });
});

describe('a smoke check as the pipeline runs it: sh and curl against a real server on 127.0.0.1', () => {
  const server = createServer((request, response) => {
    if (request.url === '/health/ready') response.end(`ready: version 1.4.2, it's fine`);
    else response.writeHead(404).end('not here');
  });
  let base = '';
  const ready = new Promise<void>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve();
    }),
  );
  after(() => server.close());

  /** Runs the generated script with sh in a fresh folder (it writes smoke-body.txt there). */
  const check = async (request: Omit<SmokeRequest, 'service' | 'url'> & { path: string }) => {
    await ready;
    const dir = mkdtempSync(join(tmpdir(), 'gantry-smoke-'));
    temporary.push(dir);
    const { path, ...rest } = request;
    const script = smokeScript({ service: 'api', url: `${base}${path}`, ...rest });
    return new Promise<{ code: number; output: string }>((resolve) =>
      execFile('sh', ['-c', script], { cwd: dir, timeout: 30_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, output: `${stdout}${stderr}` }),
      ),
    );
  };

  it('passes when the status and the body match (a quote in the expected text is kept)', async () => {
    const run = await check({ method: 'GET', path: '/health/ready', status: 200, bodyContains: "it's fine" });
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /^ok: GET http:\/\/127.0.0.1:\d+\/health\/ready → 200\n$/);
  });

  it('fails on another status, saying what it expected', async () => {
    const run = await check({ method: 'GET', path: '/api/products', status: 200 });
    assert.equal(run.code, 1);
    assert.match(run.output, /GET http:\/\/127.0.0.1:\d+\/api\/products: expected status 200, got 404/);
  });

  it('fails when the body lacks the text', async () => {
    const run = await check({ method: 'GET', path: '/health/ready', status: 200, bodyContains: '1.5.0' });
    assert.equal(run.code, 1);
    assert.match(run.output, /the body does not contain "1.5.0"/);
  });
});
