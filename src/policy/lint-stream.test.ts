import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runRules } from './engine.ts';
import { parseManifests } from './input.ts';
import { lintSources } from './lint-stream.ts';
import { RULES } from './rules/index.ts';

const ROOT = fileURLToPath(new URL('../../test/fixtures/lint', import.meta.url));
const files = readdirSync(ROOT, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name) && !e.parentPath.includes('kustomize'))
  .map((e) => join(e.parentPath, e.name))
  .sort();

describe('lintSources (document by document, cross-object rules on views)', () => {
  it('finds exactly what runRules finds on whole objects, every rule, every fixture', () => {
    const texts = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
    let reads = 0;
    const streamed = lintSources(
      files.map((file) => ({
        file,
        read: () => {
          reads++;
          return texts.get(file)!;
        },
      })),
      RULES,
    );
    const parsed = files.map((file) => parseManifests(file, texts.get(file)!));
    const whole = [
      ...parsed.flatMap((p) => p.findings),
      ...runRules(
        parsed.flatMap((p) => p.objects),
        RULES,
      ),
    ];
    assert.ok(streamed.findings.length > 100);
    assert.deepEqual(sorted(streamed.findings), sorted(whole));
    // Each file is read once, and once more only if a cross-object finding is placed in it.
    assert.ok(reads <= 2 * files.length, `${reads} reads of ${files.length} files`);
  });

  it('reading a file in pieces (cut at document markers) finds exactly the same, at the same places', () => {
    const texts = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
    const pieces = (text: string, size: number) => () => {
      const out: string[] = [];
      for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
      return out;
    };
    const whole = lintSources(
      files.map((file) => ({ file, read: () => texts.get(file)! })),
      RULES,
    );
    for (const size of [7, 97, 4096]) {
      const chunked = lintSources(
        files.map((file) => ({ file, read: () => texts.get(file)!, chunks: pieces(texts.get(file)!, size) })),
        RULES,
      );
      assert.deepEqual(chunked.findings, whole.findings, `pieces of ${size}`);
      assert.deepEqual(chunked.objects, whole.objects);
    }
  });
});

function sorted<T extends { file: string; line: number; column: number; rule: string; message: string }>(
  xs: T[],
): T[] {
  return [...xs].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.rule.localeCompare(b.rule) ||
      a.message.localeCompare(b.message),
  );
}
