/**
 * `gantry lint`'s SARIF, checked by the SARIF authors' own validator (Microsoft's SARIF
 * Multitool, the devDependency @microsoft/sarif-multitool: a native executable, run offline).
 * The report comes from the real CLI over the lint corpus and a tutorial manifest, plus syntax
 * errors from a file and from stdin. Two passes: the SARIF rules (SARIF1xxx errors, SARIF2xxx warnings; notes are
 * advice, listed below) and GitHub code scanning's own ingestion rules (GH1xxx, GH2xxx).
 *
 * The multitool (5.7.0 on linux) reports a missing required property (JSON1002) but says nothing
 * at all, and runs none of its other rules, when a value has the wrong type or is outside an
 * enum (`level: "fatal"`, `startLine: "x"`): it reads such a file as clean. So the same file is
 * also checked with ajv against the SARIF 2.1.0 schema the multitool ships beside its executable.
 *
 * The notes the validator gives at `--level Note`, and why they stay:
 * - SARIF2002 (use message ids and arguments): GitHub shows `message.text`; our messages are the rules' own.
 * - SARIF2003 (versionControlProvenance), SARIF2013 (embedded file content): the report knows
 *   neither git nor the file text; GitHub's upload records the commit.
 * - SARIF2006 (URIs not reachable): this machine has no network.
 * - SARIF2009 (ids like `CS2001`): our ids are kebab-case by design, the same in annotations and output.
 * - SARIF2010/2011 (snippets, context regions): the findings carry a line, not the source text.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORDPRESS = 'test/fixtures/lint/tutorial/wordpress.yaml';
const CORPUS = 'test/fixtures/lint/corpus';
const BROKEN = 'test/fixtures/lint/broken';
/** The package's main export is the path of the executable for this platform. */
const MULTITOOL: string = createRequire(import.meta.url)('@microsoft/sarif-multitool');
const SCHEMA = JSON.parse(readFileSync(join(dirname(MULTITOOL), 'sarif-2.1.0.json'), 'utf8'));
const matchesSchema = new Ajv2020({ allErrors: true, strict: false, validateFormats: false }).compile(SCHEMA);

interface ValidatorResult {
  ruleId: string;
  level?: string;
  ruleIndex?: number;
  message: { id?: string; arguments?: string[] };
}

/** Runs `sarif-multitool validate FILE --output OUT …` and returns the problems it found. */
function validate(file: string, extra: string[] = []) {
  const output = `${file}.${extra.length}.validation.sarif`;
  const run = spawnSync(
    MULTITOOL,
    ['validate', file, '--output', output, '--log', 'ForceOverwrite', ...extra],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  assert.equal(run.status, 0, `sarif-multitool failed:\n${run.stdout}\n${run.stderr}`);
  const log = JSON.parse(readFileSync(output, 'utf8'));
  const validation = log.runs[0];
  const defaultLevel = (r: ValidatorResult) =>
    validation.tool.driver.rules?.[r.ruleIndex ?? -1]?.defaultConfiguration?.level ?? 'warning';
  const problems = (validation.results as ValidatorResult[]).map((r) => ({
    level: r.level ?? defaultLevel(r),
    rule: r.ruleId,
    text: `${r.ruleId} ${r.message.id ?? ''} ${(r.message.arguments ?? []).join(' | ')}`,
  }));
  assert.ok(
    validation.invocations?.every((i: { executionSuccessful: boolean }) => i.executionSuccessful),
    'the validator ran to completion',
  );
  return {
    errors: problems.filter((p) => p.level === 'error').map((p) => p.text),
    warnings: problems.filter((p) => p.level === 'warning').map((p) => p.text),
    notes: problems.filter((p) => p.level === 'note').map((p) => p.rule),
  };
}

describe('SARIF report, checked by sarif-multitool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-sarif-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  // What users upload: the real CLI over the corpus, the tutorial, a broken file and broken stdin.
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/gantry.js'), 'lint', CORPUS, WORDPRESS, BROKEN, '-', '--format', 'sarif'],
    { cwd: ROOT, encoding: 'utf8', input: 'a: b: c\n', timeout: 60_000 },
  );
  const file = join(dir, 'gantry.sarif');
  writeFileSync(file, run.stdout);
  const results: { ruleId: string; level: string }[] = JSON.parse(run.stdout).runs[0].results;

  it('the input has the findings worth checking: rule findings, errors, and syntax errors', () => {
    assert.equal(run.status, 1, run.stderr);
    assert.ok(results.length > 90);
    assert.ok(results.some((r) => r.level === 'error' && r.ruleId !== 'yaml-syntax'));
    assert.ok(results.some((r) => r.level === 'note'));
    assert.ok(results.filter((r) => r.ruleId === 'yaml-syntax').length >= 2);
  });

  it('matches the SARIF 2.1.0 schema', () => {
    assert.equal(
      matchesSchema(JSON.parse(readFileSync(file, 'utf8'))),
      true,
      JSON.stringify(matchesSchema.errors),
    );
  });

  it('has no errors and no warnings under the SARIF rules', () => {
    const { errors, warnings, notes } = validate(file);
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, []);
    assert.deepEqual(notes, []); // notes are only reported with --level Note (see below)
  });

  it('has no errors and no warnings under GitHub code scanning rules', () => {
    const { errors, warnings } = validate(file, ['--rule-kind', 'Gh;Ghas']);
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, []);
  });

  it('its notes are the advisory ones listed at the top of this file', () => {
    const { errors, warnings, notes } = validate(file, ['--level', 'Error;Warning;Note']);
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, []);
    const allowed = new Set([
      'SARIF2002',
      'SARIF2003',
      'SARIF2006',
      'SARIF2009',
      'SARIF2010',
      'SARIF2011',
      'SARIF2013',
    ]);
    assert.deepEqual(
      [...new Set(notes)].filter((rule) => !allowed.has(rule)),
      [],
    );
  });

  it('the checks do catch what is wrong', () => {
    const broken = JSON.parse(readFileSync(file, 'utf8'));
    delete broken.runs[0].results[0].locations;
    broken.runs[0].results[1].ruleIndex = 99;
    const bad = join(dir, 'broken.sarif');
    writeFileSync(bad, JSON.stringify(broken));
    assert.ok(
      validate(bad).errors.some((e) => e.startsWith('SARIF1009')),
      'index out of range',
    );
    assert.ok(
      validate(bad, ['--rule-kind', 'Gh;Ghas']).errors.some((e) => e.startsWith('GH1015')),
      'no locations',
    );
    broken.runs[0].results[2].level = 'fatal';
    assert.equal(matchesSchema(broken), false);
    assert.equal(matchesSchema.errors?.[0]?.instancePath, '/runs/0/results/2/level');
  });
});
