/**
 * A bounded fuzz test of the linter: seeded random mutations of the lint corpus and fixtures,
 * as text (truncation, duplicated keys, broken indentation, stray YAML tokens) and as data
 * (values of the wrong type anywhere, deleted and renamed keys), each run through everything
 * a user can reach: parsing, every rule, every report format and --fix. Nothing may throw,
 * every finding must point at a line of its input, and --fix must keep a parsable file
 * parsable. FUZZ_SEED and FUZZ_RUNS change the seed and the count.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import { mutateData, mutateText, pick, random } from '../../test/support/fuzz.ts';
import { runRules, sortFindings } from './engine.ts';
import { fixManifest } from './fix/fix-manifest.ts';
import { parseManifests } from './input.ts';
import { linted } from './lint-stream.ts';
import { formatJson, toJsonReport } from './report-json.ts';
import { formatJunit } from './report-junit.ts';
import { formatSarif } from './report-sarif.ts';
import { formatText } from './report-text.ts';
import { RULES } from './rules/index.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const FIXTURES = fileURLToPath(new URL('../../test/fixtures/lint/', import.meta.url));

const SOURCES = ['corpus', 'tutorial', 'fix'].flatMap((dir) =>
  readdirSync(join(FIXTURES, dir))
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => readFileSync(join(FIXTURES, dir, name), 'utf8')),
);

/** Lints text the way the CLI does, through every report and --fix; returns what a test checks. */
function lintEverything(text: string) {
  const parsed = parseManifests('fuzz.yaml', text);
  const findings = sortFindings([...parsed.findings, ...runRules(parsed.objects, RULES)]);
  const scope = { rules: RULES, objects: parsed.objects.length, files: 1 };
  formatText(findings, scope);
  formatJson(toJsonReport(findings, scope));
  formatSarif(findings, { ...scope, toolVersion: '0.0.0' });
  formatJunit(findings, { ...scope, linted: { objects: parsed.objects.map(linted), files: ['fuzz.yaml'] } });
  const fixed = fixManifest(text, findings, { unsafe: true });
  return { findings, fixed };
}

const hasSyntaxErrors = (text: string) =>
  parseAllDocuments(text).some?.((doc) => doc.errors.length > 0) ?? false;

describe('linter fuzz', () => {
  it(`survives ${RUNS} random mutations of the corpus, through every rule, report and --fix (seed ${SEED})`, () => {
    const rng = random(SEED);
    let findingsSeen = 0;
    const disagreements: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const source = pick(rng, SOURCES);
      let text: string;
      if (rng() < 0.5) text = mutateText(rng, source);
      else {
        // Data mutations need parsable documents: mutate one object of the stream, keep the rest.
        const documents = parseAllDocuments(source).map((doc) => doc.toJS());
        const at = Math.floor(rng() * documents.length);
        if (documents[at] && typeof documents[at] === 'object')
          documents[at] = mutateData(rng, documents[at]);
        text = documents.map((doc) => stringify(doc)).join('---\n');
      }
      const context = `run ${run} (seed ${SEED}):\n${text}`;
      let result: ReturnType<typeof lintEverything>;
      try {
        result = lintEverything(text);
      } catch (error) {
        assert.fail(`${context}\nthrew ${(error as Error).stack}`);
      }
      const exact = parseManifests('fuzz.yaml', text, 'exact');
      const fast = parseManifests('fuzz.yaml', text);
      if (!isDeepStrictEqual(fast, exact)) disagreements.push(context);
      const lines = text.split('\n').length;
      for (const finding of result.findings)
        assert.ok(finding.line >= 1 && finding.line <= lines, `${context}\nline ${finding.line} of ${lines}`);
      if (result.fixed.text !== text && !hasSyntaxErrors(text))
        assert.ok(!hasSyntaxErrors(result.fixed.text), `${context}\n--fix broke it:\n${result.fixed.text}`);
      findingsSeen += result.findings.length;
    }
    assert.ok(findingsSeen > RUNS, 'the mutations still reach the rules');
    assert.deepEqual(
      disagreements.slice(0, 3),
      [],
      `${disagreements.length} inputs read differently by the fast reader`,
    );
  });
});
