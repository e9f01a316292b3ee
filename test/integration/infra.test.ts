// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${…}` in these strings is Terraform interpolation, not a forgotten JS template
/**
 * `gantry infra` as users run it: a real process writing a Terraform tree, checked by the real
 * `terraform fmt -check -recursive` (only fmt: init/validate/plan need providers and network).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  attr,
  type Body,
  blank,
  block,
  call,
  comment,
  expr,
  object,
  printFile,
  template,
  type Value,
} from '../../src/render/terraform/hcl.ts';
import { gantrySync as gantry } from '../support/gantry.ts';
import { runValidator } from '../support/validators.ts';

const EXAMPLE = 'examples/shop/gantry.yaml';
const work = mkdtempSync(join(tmpdir(), 'gantry-infra-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** `terraform` on this machine, or a reason it is not there. */
function terraform(args: string[]): { code: number | null; out: string } | { missing: string } {
  const result = spawnSync('terraform', args, {
    encoding: 'utf8',
    timeout: 60_000,
    // No CLI config file on these machines; say so, so terraform does not warn about it.
    env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' },
  });
  if (result.error) return { missing: result.error.message };
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}
const hasTerraform = !('missing' in terraform(['version']));
if (!hasTerraform)
  process.stderr.write(
    '\n!!! SKIPPING `terraform fmt -check` tests: no terraform binary on PATH. The generated HCL is NOT checked against terraform fmt here. !!!\n\n',
  );

describe('gantry infra', () => {
  for (const target of ['eks', 'ecs'] as const)
    it(`${target}: writes a tree that terraform fmt -check -recursive accepts, and a second run changes nothing`, {
      skip: hasTerraform ? false : 'no terraform binary (see the loud message above)',
    }, () => {
      const out = join(work, target);
      const first = gantry(['infra', '--target', target, '--env', 'prod', '-f', EXAMPLE, '-o', out]);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stdout, '');
      const lines = first.stderr.trim().split('\n');
      const files = lines.filter((l) => l.startsWith('written ') || l.startsWith('unchanged '));
      assert.equal(files.length, target === 'eks' ? 19 : 22, first.stderr);
      assert.ok(
        files.every((l) => l.startsWith('written ')),
        first.stderr,
      );
      assert.ok(files.includes(`written   ${out}/modules/${target}/main.tf`));
      assert.match(
        lines.at(-1)!,
        /^next: cd .* && terraform init -backend-config=environments\/prod\.s3\.tfbackend .* && terraform plan -var-file=environments\/prod\.tfvars$/,
      );

      const fmt = terraform(['fmt', '-check', '-recursive', '-diff', out]);
      assert.ok(!('missing' in fmt));
      assert.equal(fmt.code, 0, `terraform fmt would change:\n${fmt.out}`);

      const before = readFileSync(join(out, 'main.tf'), 'utf8');
      const second = gantry(['infra', '--target', target, '--env', 'prod', '-f', EXAMPLE, '-o', out]);
      assert.equal(second.code, 0, second.stderr);
      const again = second.stderr.split('\n').filter((l) => /^(written|unchanged) /.test(l));
      assert.equal(again.length, target === 'eks' ? 19 : 22);
      assert.ok(
        again.every((l) => l.startsWith('unchanged ')),
        second.stderr,
      );
      assert.equal(readFileSync(join(out, 'main.tf'), 'utf8'), before);
    });

  it('every backing kind managed (rds, elasticache, msk modules) also passes terraform fmt -check', {
    skip: hasTerraform ? false : 'no terraform binary (see the loud message above)',
  }, () => {
    const dir = mkdtempSync(join(work, 'events-'));
    const file = join(dir, 'gantry.yaml');
    writeFileSync(
      file,
      [
        'app: events',
        'services:',
        '  web: { image: "x:1", port: 8080, routes: [ { host: events.example.com } ], uses: [db, cache, bus] }',
        '  consumer: { image: "y:1", iam: [ { actions: ["sqs:ReceiveMessage"], resources: ["arn:aws:sqs:eu-west-1:123456789012:events"] } ] }',
        'backing:',
        '  db: { kind: postgres, mode: managed }',
        '  cache: { kind: redis, mode: managed, replicas: 2 }',
        '  bus: { kind: kafka, mode: managed }',
        'environments: { test: {}, live: {} }',
        '',
      ].join('\n'),
    );
    for (const target of ['eks', 'ecs']) {
      const out = join(dir, target);
      const run = gantry(['infra', '--target', target, '--env', 'live', '-f', file, '-o', out]);
      assert.equal(run.code, 0, run.stderr);
      for (const module of ['rds', 'elasticache', 'msk'])
        assert.match(run.stderr, new RegExp(`written .*/modules/${module}/main\\.tf`));
      const fmt = terraform(['fmt', '-check', '-recursive', '-diff', out]);
      assert.ok(!('missing' in fmt));
      assert.equal(fmt.code, 0, `terraform fmt would change:\n${fmt.out}`);
    }
  });

  it('the terraform fmt check is real: a misaligned file fails it', {
    skip: hasTerraform ? false : 'no terraform binary (see the loud message above)',
  }, () => {
    const out = join(work, 'misaligned');
    assert.equal(gantry(['infra', '--env', 'prod', '-f', EXAMPLE, '-o', out]).code, 0);
    const path = join(out, 'environments/prod.tfvars');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^az_count +=/m, 'az_count ='));
    const fmt = terraform(['fmt', '-check', '-recursive', out]);
    assert.ok(!('missing' in fmt));
    assert.equal(fmt.code, 3);
    assert.match(fmt.out, /environments\/prod\.tfvars/);
  });

  it('the HCL writer agrees with terraform fmt on 200 random bodies (seeded)', {
    skip: hasTerraform ? false : 'no terraform binary (see the loud message above)',
  }, () => {
    const dir = mkdtempSync(join(work, 'random-hcl-'));
    let seed = 20261125;
    // mulberry32: a small seeded generator, so a failure names a file that can be regenerated.
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const name = () => pick(['a', 'id', 'name', 'cidr_block', 'x-y', 'enable_dns_hostnames', 'k8s_label']);
    const scalar = (): Value =>
      pick<() => Value>([
        () => Math.floor(random() * 1000),
        () => random() < 0.5,
        () => null,
        () =>
          pick([
            'plain',
            'with "quotes"',
            'back\\slash',
            'line\nbreak',
            '${not.interpolated}',
            '%{ if x }',
            'ünïcode',
          ]),
        () => expr(pick(['var.x', 'aws_vpc.this.id', 'count.index + 1', 'length(var.list) > 0 ? 1 : 0'])),
        () => template('${var.name}-suffix'),
      ])();
    const value = (depth: number): Value => {
      const roll = random();
      if (depth > 2 || roll < 0.5) return scalar();
      if (roll < 0.65) return Array.from({ length: Math.floor(random() * 4) }, scalar);
      if (roll < 0.8)
        return Array.from({ length: 1 + Math.floor(random() * 2) }, () => object(record(depth + 1)));
      if (roll < 0.9) return call('jsonencode', object(record(depth + 1)));
      return object(record(depth + 1));
    };
    const record = (depth: number): Record<string, Value> => {
      const entries: Record<string, Value> = {};
      // Keys and attribute names carry their index: HCL refuses one set twice.
      for (let i = 0; i < 1 + Math.floor(random() * 4); i++)
        entries[`${pick([name(), 'kubernetes.io/role', '${local.issuer}:sub'])}${i}`] = value(depth);
      return entries;
    };
    const body = (depth: number): Body =>
      Array.from({ length: 1 + Math.floor(random() * 6) }, (_, i) => {
        const roll = random();
        if (roll < 0.6) return attr(`${name()}${i}`, value(depth));
        if (roll < 0.7) return blank;
        if (roll < 0.8) return comment('why this is so');
        return depth > 2
          ? attr(`${name()}${i}`, scalar())
          : block(
              pick(['resource', 'lifecycle', 'dynamic']),
              pick([[], ['x'], ['aws_vpc', 'this']]),
              body(depth + 1),
            );
      });
    for (let i = 0; i < 200; i++) writeFileSync(join(dir, `random-${i}.tf`), printFile(body(0)));
    const fmt = terraform(['fmt', '-check', '-diff', '-no-color', dir]);
    assert.ok(!('missing' in fmt));
    assert.equal(fmt.code, 0, `terraform fmt disagrees with the writer:\n${fmt.out.slice(0, 4000)}`);
  });

  /** Checkov on a generated tree: the failed checks, and the skipped ones with the reason written in the code. */
  const checkov = (dir: string) => {
    const run = runValidator('checkov', [
      '-d',
      dir,
      '--framework',
      'terraform',
      '--compact',
      '--skip-download',
      '-o',
      'json',
    ]);
    const report = JSON.parse(run.output);
    type Check = { check_id: string; resource: string; check_result: { suppress_comment?: string } };
    const results = report.results as { failed_checks: Check[]; skipped_checks: Check[] };
    return {
      code: run.code,
      summary: report.summary as { passed: number; failed: number; skipped: number },
      failed: results.failed_checks.map((c) => `${c.check_id} ${c.resource}`),
      skipped: results.skipped_checks.map((c) => ({
        id: c.check_id,
        reason: c.check_result.suppress_comment ?? '',
      })),
    };
  };

  for (const target of ['eks', 'ecs'] as const)
    it(`${target}: checkov 3.3.30 finds 0 failed checks; each skipped one carries its reason in the code`, () => {
      const out = join(work, `checkov-${target}`);
      assert.equal(gantry(['infra', '--target', target, '--env', 'prod', '-f', EXAMPLE, '-o', out]).code, 0);
      const result = checkov(out);
      assert.deepEqual(result.failed, []);
      assert.equal(result.code, 0);
      assert.ok(result.summary.passed > 140, `${result.summary.passed} passed`);
      for (const skip of result.skipped)
        assert.ok(skip.reason.length > 30, `${skip.id} has a reason: ${skip.reason}`);
    });

  it('checkov fails on a tree broken on purpose: public RDS, no flow logs, open security group', () => {
    const out = join(work, 'checkov-broken');
    assert.equal(gantry(['infra', '--target', 'eks', '--env', 'prod', '-f', EXAMPLE, '-o', out]).code, 0);
    const rds = join(out, 'modules/rds/main.tf');
    writeFileSync(
      rds,
      readFileSync(rds, 'utf8').replace(/publicly_accessible( +)= false/, 'publicly_accessible$1= true'),
    );
    const vpc = join(out, 'modules/vpc/main.tf');
    const text = readFileSync(vpc, 'utf8');
    writeFileSync(
      vpc,
      text.slice(0, text.indexOf('resource "aws_flow_log"')) +
        text.slice(text.indexOf('resource "aws_default_security_group"')),
    );
    const result = checkov(out);
    assert.equal(result.code, 1);
    const ids = result.failed.map((f) => f.split(' ')[0]);
    for (const id of ['CKV_AWS_17', 'CKV2_AWS_11']) assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
  });

  it('--format json lists every file with its status on stdout', () => {
    const out = join(work, 'json');
    const { code, stdout, stderr } = gantry([
      'infra',
      '--target',
      'ecs',
      '--env',
      'staging',
      '-f',
      EXAMPLE,
      '-o',
      out,
      '--format',
      'json',
    ]);
    assert.equal(code, 0, stderr);
    const listing = JSON.parse(stdout);
    assert.equal(listing.target, 'ecs');
    assert.equal(listing.environment, 'staging');
    assert.deepEqual(listing.environments, ['dev', 'staging', 'prod']);
    assert.equal(
      listing.files.length,
      22,
      'ecs: vpc, ecs, rds and elasticache (redis is ElastiCache on ECS)',
    );
    assert.deepEqual(listing.files[0], { path: 'versions.tf', status: 'written' });
    assert.ok(listing.files.some((f: { path: string }) => f.path === 'environments/dev.tfvars'));
    assert.match(
      readFileSync(join(out, 'main.tf'), 'utf8'),
      /^# Regenerate: gantry infra --provider aws --target ecs --env staging -f examples\/shop\/gantry\.yaml -o /m,
    );
  });

  it('without -o: a usage error with the command to run (exit 2)', () => {
    const { code, stdout, stderr } = gantry(['infra', '--env', 'prod', '-f', EXAMPLE]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /gantry infra writes a tree of Terraform files: pass -o DIR/);
    assert.match(
      stderr,
      /hint: gantry infra --target eks --env prod -f examples\/shop\/gantry\.yaml -o infra\//,
    );
  });

  it('without --env when the spec has environments: a usage error naming them (exit 2)', () => {
    const { code, stderr } = gantry(['infra', '-f', EXAMPLE, '-o', join(work, 'noenv')]);
    assert.equal(code, 2);
    assert.match(stderr, /--env is required: examples\/shop\/gantry\.yaml declares dev, staging, prod/);
    assert.match(stderr, /hint: .*--env prod/);
  });

  it('an unknown environment: the spec problem with a did-you-mean, no stack trace (exit 1)', () => {
    const { code, stderr } = gantry(['infra', '--env', 'prd', '-f', EXAMPLE, '-o', join(work, 'prd')]);
    assert.equal(code, 1);
    assert.match(stderr, /unknown environment `prd`/);
    assert.match(stderr, /did you mean `prod`\?/);
    assert.match(stderr, /nothing generated/);
    assert.doesNotMatch(stderr, /\n\s+at /);
  });

  it('a bad spec: file, line and field, nothing written (exit 1)', () => {
    const dir = mkdtempSync(join(work, 'bad-'));
    const file = join(dir, 'gantry.yaml');
    writeFileSync(file, 'app: shop\nservices:\n  api:\n    image: x:1\n    port: 99999\n');
    const out = join(dir, 'out');
    const { code, stderr } = gantry(['infra', '-f', file, '-o', out]);
    assert.equal(code, 1);
    assert.match(stderr, /gantry\.yaml:5:\d+ error services\.api\.port/);
    assert.doesNotMatch(stderr, /\n\s+at /);
    assert.equal(existsSync(out), false, 'nothing written');
  });

  it('a service too large for Fargate: an error naming it with a hint (exit 1)', () => {
    const dir = mkdtempSync(join(work, 'huge-'));
    const file = join(dir, 'gantry.yaml');
    writeFileSync(
      file,
      'app: big\nservices:\n  crunch:\n    image: x:1\n    resources: { requests: { cpu: 20, memory: 1Gi } }\n',
    );
    const { code, stderr } = gantry(['infra', '--target', 'ecs', '-f', file, '-o', join(dir, 'out')]);
    assert.equal(code, 1);
    assert.match(stderr, /service crunch asks for 20000m CPU .*more than the largest Fargate task/);
    assert.match(stderr, /hint: /);
  });

  it('a spec without environments: one `default` environment', () => {
    const dir = mkdtempSync(join(work, 'plain-'));
    const file = join(dir, 'gantry.yaml');
    writeFileSync(file, 'app: plain\nservices:\n  web:\n    image: x:1\n    port: 8080\n');
    const { code, stdout, stderr } = gantry([
      'infra',
      '--target',
      'ecs',
      '-f',
      file,
      '-o',
      join(dir, 'out'),
      '--format',
      'json',
    ]);
    assert.equal(code, 0, stderr);
    const listing = JSON.parse(stdout);
    assert.deepEqual(listing.environments, ['default']);
    assert.match(
      readFileSync(join(dir, 'out/environments/default.tfvars'), 'utf8'),
      /^environment += "default"$/m,
    );
  });
});
