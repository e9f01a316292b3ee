/**
 * Runs rules over located objects: each rule on each object, minus what the object's ignore
 * annotations silence (ours, `gantry.dev/ignore: "rule-a,rule-b"`, and the other linters'
 * through the rules' aliases: see ignore.ts); findings sorted by file and line.
 * Pure: no I/O, the rules and objects are passed in.
 */

import { ignoredRules } from './ignore.ts';
import type { LocatedObject } from './input.ts';
import { type Finding, type Rule, type RuleContext, SEVERITIES, type Severity } from './rule.ts';
import { field } from './workload.ts';

export function runRules(objects: readonly LocatedObject[], rules: readonly Rule[]): Finding[] {
  const context: RuleContext = { objects };
  const findings: Finding[] = [];
  for (const located of objects) {
    const { object } = located;
    const ignored = ignoredRules(object, rules);
    const name = field(object, 'metadata', 'name');
    const namespace = field(object, 'metadata', 'namespace');
    const identity = {
      file: located.file,
      line: located.line,
      kind: object.kind,
      name: typeof name === 'string' ? name : '<unnamed>',
      ...(typeof namespace === 'string' ? { namespace } : {}),
    };
    for (const rule of rules) {
      if (ignored.has(rule.id)) continue;
      for (const violation of rule.check(object, context))
        findings.push({
          rule: rule.id,
          severity: rule.severity,
          ...identity,
          ...(violation.container === undefined ? {} : { container: violation.container }),
          message: violation.message,
        });
    }
  }
  return sortFindings(findings);
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      compare(a.file, b.file) ||
      a.line - b.line ||
      compare(a.container ?? '', b.container ?? '') ||
      compare(a.rule, b.rule),
  );
}

/** True when a finding is at or above the threshold; `never` fails on nothing. */
export function failsOn(findings: readonly Finding[], threshold: Severity | 'never'): boolean {
  if (threshold === 'never') return false;
  const limit = SEVERITIES.indexOf(threshold);
  return findings.some((f) => SEVERITIES.indexOf(f.severity) <= limit);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
