/**
 * A bounded fuzz test of the loader: 10,000 seeded random mutations of the example spec
 * (keys deleted, duplicated and retyped, garbage values, truncation, broken lines).
 * The loader must never throw, and every problem it reports must point at a real line; the
 * fast reader (js-yaml) must read each text as the Document API does (source.ts).
 * The seed is fixed so a failure reproduces; FUZZ_SEED and FUZZ_RUNS change it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'yaml';
import { mutateData, mutateText, pick, random } from '../../test/support/fuzz.ts';
import { loadSpec } from './load.ts';
import { parseSource, readPlain } from './source.ts';

const example = readFileSync(new URL('../../examples/shop/gantry.yaml', import.meta.url), 'utf8');
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);

describe('loader fuzz', () => {
  it(`survives ${RUNS} random mutations of the example and places every problem (seed ${SEED})`, () => {
    const rng = random(SEED);
    const base = parse(example);
    let rejected = 0;
    const disagreements: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const asData = rng() < 0.6;
      let text = asData ? stringify(mutateData(rng, base)) : mutateText(rng, example);
      const twice = rng() < 0.2;
      if (twice) text = mutateText(rng, text); // some get both kinds
      const env = pick(rng, [undefined, 'dev', 'staging', 'prod', 'qa']);
      const target = pick(rng, [undefined, 'local', 'cluster'] as const);
      const lineCount = text.split('\n').length;
      // Broken text is where the readers could part (what `stringify` writes is regular YAML).
      const plain = !asData || twice ? readPlain(text) : undefined;
      if (plain) {
        const exact = parseSource(text, 'exact');
        const read = { data: exact.data, syntaxErrors: exact.syntaxErrors, tagFindings: exact.tagFindings };
        if (!isDeepStrictEqual({ data: plain.value, syntaxErrors: [], tagFindings: [] }, read))
          disagreements.push(`run ${run}:\n${text}`);
      }
      let result: ReturnType<typeof loadSpec>;
      try {
        result = loadSpec(text, {
          file: 'gantry.yaml',
          ...(env ? { env } : {}),
          ...(target ? { target } : {}),
        });
      } catch (error) {
        assert.fail(`run ${run} (env ${env}) threw ${(error as Error).stack}\n--- input ---\n${text}`);
      }
      if (!result.ok) rejected++;
      else assert.ok(result.model, `run ${run}: ok without a model`);
      for (const problem of result.problems) {
        const where = `run ${run}: ${JSON.stringify(problem)}\n--- input ---\n${text}`;
        assert.ok(
          Number.isInteger(problem.line) && problem.line >= 1 && problem.line <= lineCount,
          `line out of range: ${where}`,
        );
        assert.ok(Number.isInteger(problem.column) && problem.column >= 1, `column: ${where}`);
        assert.ok(problem.message.length > 0 && problem.path.length > 0, `empty text: ${where}`);
      }
    }
    assert.deepEqual(
      disagreements.slice(0, 3),
      [],
      `${disagreements.length} texts read differently by the fast reader`,
    );
    // The mutations must mostly produce invalid specs, or the test exercises nothing.
    assert.ok(rejected > RUNS * 0.5, `only ${rejected} of ${RUNS} mutations were rejected`);
  });
});
