/** `gantry lint --fix`: the files rewritten in place, each change (and what was left alone) on stderr. */
import { writeFileSync } from 'node:fs';
import { runRules } from '../../policy/engine.ts';
import { fixManifest } from '../../policy/fix/fix-manifest.ts';
import { STDIN } from '../../policy/input-files.ts';
import type { Finding, Rule } from '../../policy/rule.ts';
import { style } from '../style.ts';
import type { LintSet, Options } from './lint-run.ts';

/**
 * `--fix`: rewrites the files of the first set (stdin and rendered specs cannot be written back)
 * for the fixable findings, and prints what changed on stderr. True when a file changed.
 */
export function fix(set: LintSet | undefined, rules: readonly Rule[], options: Options): boolean {
  if (!set || options.paths.length === 0) {
    process.stderr.write('--fix: no files to fix (a rendered spec is fixed in the renderer, not here)\n');
    return false;
  }
  const byFile = new Map<string, Finding[]>();
  for (const finding of runRules(set.objects, rules))
    byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  let changed = 0;
  let changes = 0;
  let skipped = 0;
  const texts = set.texts ?? new Map<string, string>();
  for (const [file, text] of texts) {
    const findings = byFile.get(file) ?? [];
    if (file === STDIN || findings.length === 0) continue;
    const result = fixManifest(text, findings);
    if (result.changes.length === 0 && result.skipped.length === 0) continue;
    process.stderr.write(`${style.bold(file, process.stderr)}\n`);
    for (const change of result.changes)
      process.stderr.write(`  ${where(change)} ${change.rule}: ${change.description}\n`);
    for (const skip of result.skipped)
      process.stderr.write(`  ${where(skip)} ${skip.rule}: left as is: ${skip.reason}\n`);
    if (result.text !== text) {
      writeFileSync(file, result.text);
      changed++;
    }
    changes += result.changes.length;
    skipped += result.skipped.length;
  }
  if (texts.has(STDIN)) process.stderr.write('--fix: stdin is linted but cannot be written back\n');
  const left = skipped > 0 ? ` (${skipped} left as they are, see above)` : '';
  process.stderr.write(
    `${style.green('✓', process.stderr)} --fix: ${changes} change${changes === 1 ? '' : 's'} in ${changed} file${changed === 1 ? '' : 's'}${left}\n`,
  );
  return changed > 0;
}

function where(at: { line: number; kind: string; name: string; container?: string }): string {
  return `${at.line} ${at.kind}/${at.name}${at.container ? ` [${at.container}]` : ''}`;
}
