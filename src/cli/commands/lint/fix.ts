/**
 * `gantry lint --fix` / `--fix=unsafe`: the files rewritten in place, each change, what was left
 * as it is and why, and which fixes wait for `--fix=unsafe` (with how they may break), on stderr.
 * The files are linted together, as a set, so a fix can see the whole input (which
 * ServiceAccounts a binding names, say); then `lint` reports on what the files say now.
 */
import { writeFileSync } from 'node:fs';
import { runRules } from '../../../policy/engine.ts';
import { fixManifest } from '../../../policy/fix/fix-manifest.ts';
import { fixRisk } from '../../../policy/fix/risks.ts';
import { type LocatedObject, parseManifests } from '../../../policy/input.ts';
import { readText } from '../../../policy/input-files.ts';
import type { Finding, Rule } from '../../../policy/rule.ts';
import { style } from '../../style.ts';
import type { FixMode } from './run.ts';

export function fix(files: readonly string[], rules: readonly Rule[], mode: FixMode): void {
  if (files.length === 0) {
    process.stderr.write('--fix: no files to fix (stdin and a rendered spec are linted, not written)\n');
    return;
  }
  const texts = new Map(files.map((file) => [file, readText(file)]));
  const objects = [...texts].flatMap(([file, text]) => parseManifests(file, text).objects);
  const context = { objects };
  const byObject = new Map<string, LocatedObject>(objects.map((o) => [`${o.file}\0${o.line}`, o]));
  const risk = (finding: Finding) => {
    const object = byObject.get(`${finding.file}\0${finding.objectLine ?? finding.line}`);
    return object ? fixRisk(finding, object.object, context) : undefined;
  };
  const byFile = new Map<string, Finding[]>();
  for (const finding of runRules(objects, rules))
    byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);

  let changedFiles = 0;
  const counts = { changes: 0, skipped: 0, unsafe: 0 };
  /** Why each fix left for --fix=unsafe may break a workload, once per rule and reason. */
  const risks = new Map<string, string>();
  const out = process.stderr;
  for (const [file, text] of texts) {
    const result = fixManifest(text, byFile.get(file) ?? [], { unsafe: mode === 'unsafe', risk });
    if (result.changes.length + result.skipped.length + result.unsafe.length === 0) continue;
    out.write(`${style.bold(file, out)}\n`);
    for (const change of result.changes)
      out.write(`  ${where(change)} ${change.rule}: ${change.description}\n`);
    for (const skip of result.skipped)
      out.write(`  ${where(skip)} ${skip.rule}: left as is: ${skip.reason}\n`);
    for (const left of result.unsafe) {
      out.write(`  ${where(left)} ${left.rule}: not applied: unsafe (see below)\n`);
      risks.set(`${left.rule}: ${left.reason}`, left.rule);
    }
    if (result.text !== text) {
      writeFileSync(file, result.text);
      changedFiles++;
    }
    counts.changes += result.changes.length;
    counts.skipped += result.skipped.length;
    counts.unsafe += result.unsafe.length;
  }
  if (risks.size > 0) {
    out.write('Not applied, because they may break a workload (--fix=unsafe applies them):\n');
    for (const risk of [...risks.keys()].sort()) out.write(`  ${risk}\n`);
  }
  const notes = [
    counts.skipped > 0 ? `${counts.skipped} left as they are` : '',
    counts.unsafe > 0 ? `${counts.unsafe} unsafe, not applied` : '',
  ].filter(Boolean);
  out.write(
    `${style.green('✓', out)} --fix${mode === 'unsafe' ? '=unsafe' : ''}: ${plural(counts.changes, 'change')} in ${plural(changedFiles, 'file')}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}\n`,
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function where(at: { line: number; kind: string; name: string; container?: string }): string {
  return `${at.line} ${at.kind}/${at.name}${at.container ? ` [${at.container}]` : ''}`;
}
