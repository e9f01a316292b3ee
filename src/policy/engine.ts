/**
 * Runs rules over located objects: each rule on each object, minus what the object's ignore
 * annotations silence (ignore.ts), each finding placed at its field (locate.ts) and sorted by
 * file, line and column. Pure: no I/O, the rules and objects are passed in. lint-stream.ts runs
 * the same checks document by document for inputs too big to hold.
 */

import { readIgnores, silences } from './ignore.ts';
import type { LocatedObject } from './input.ts';
import { locate } from './locate.ts';
import {
  type FieldPath,
  type Finding,
  type Rule,
  type RuleContext,
  SEVERITIES,
  type Severity,
  type Violation,
} from './rule.ts';
import { field } from './workload.ts';

export function runRules(objects: readonly LocatedObject[], rules: readonly Rule[]): Finding[] {
  const context: RuleContext = { objects };
  return sortFindings(objects.flatMap((located) => checkObject(located, rules, context)));
}

/** The findings of `rules` on one object, placed, minus what its annotations silence. */
export function checkObject(located: LocatedObject, rules: readonly Rule[], context: RuleContext): Finding[] {
  return violationsOf(located, rules, context).map(({ rule, violation }) =>
    toFinding(located, rule, violation),
  );
}

/** What `rules` report on one object, minus what its annotations silence; not placed yet. */
export function violationsOf(
  located: LocatedObject,
  rules: readonly Rule[],
  context: RuleContext,
): { rule: Rule; violation: Violation }[] {
  const { object } = located;
  const ignores = readIgnores(object);
  const found: { rule: Rule; violation: Violation }[] = [];
  for (const rule of rules) {
    if (ignores?.rules.has(rule.id) || ignores?.all) continue;
    for (const violation of rule.check(object, context))
      if (!ignores || !silences(ignores, rule, violation)) found.push({ rule, violation });
  }
  return found;
}

/** A rule's violation as a finding: the object's identity, the field's place, the severity it gets. */
export function toFinding(located: LocatedObject, rule: Rule, violation: Violation): Finding {
  const { object } = located;
  const name = field(object, 'metadata', 'name');
  const namespace = field(object, 'metadata', 'namespace');
  const { path, container } = violation;
  const { line, column } = place(located, path ?? []);
  // Key by key, not with spreads: a spread in the middle of a literal gives every finding a slow
  // shape, which the sort, the reports and JSON.stringify then pay for on each access.
  const finding: Finding = {
    rule: rule.id,
    severity: leastSevere(rule.severity, violation.severity),
    file: located.file,
    line,
    column,
    objectLine: located.line,
  } as Finding;
  if (path && path.length > 0) finding.field = formatPath(path);
  finding.kind = ownString(object.kind);
  finding.name = typeof name === 'string' ? ownString(name) : '<unnamed>';
  if (typeof namespace === 'string') finding.namespace = ownString(namespace);
  if (container !== undefined) finding.container = ownString(container);
  finding.message = ownString(violation.message);
  return finding;
}

/**
 * A copy of a string that shares no memory with the text it was read from: V8 keeps a slice's
 * whole parent alive, and a finding outlives its document (lint-stream.ts reads document by document).
 */
export function ownString(text: string): string {
  return text.length < 13 ? text : ` ${text}`.slice(1);
}

/** Where the field is in the file; the object's first line when its text is not known. */
function place(located: LocatedObject, path: FieldPath): { line: number; column: number } {
  const { source } = located;
  if (!source) return { line: located.line, column: 1 };
  const at = locate(source.text, source.base, path, located.object);
  return { line: source.line + at.line - 1, column: at.column };
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** `spec.template.spec.containers[0].securityContext`; keys with dots or slashes quoted: `labels["app.kubernetes.io/name"]`. */
export function formatPath(path: FieldPath): string {
  return path
    .map((step, i) =>
      typeof step === 'number'
        ? `[${step}]`
        : IDENTIFIER.test(step)
          ? `${i === 0 ? '' : '.'}${step}`
          : `[${JSON.stringify(step)}]`,
    )
    .join('');
}

const leastSevere = (rule: Severity, violation: Severity | undefined): Severity =>
  violation !== undefined && SEVERITIES.indexOf(violation) > SEVERITIES.indexOf(rule) ? violation : rule;

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      compare(a.file, b.file) ||
      (a.objectLine ?? a.line) - (b.objectLine ?? b.line) ||
      a.line - b.line ||
      a.column - b.column ||
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
