/**
 * Findings as text, grouped by file, each at `file:line` (terminals and editors open that):
 *
 *   deploy/api.yaml
 *     deploy/api.yaml:14:11 Deployment/api [web] runs-as-root warning may run as root: …
 *       fix: securityContext: { runAsNonRoot: true, … }
 *
 *   ✗ 3 findings (1 error, 2 warnings) in 2 objects in 1 file; 2 fixable (--fix: the safe ones, --fix=unsafe: all)
 *
 * Pure: returns a string; colour is a function the caller passes (identity when not a TTY).
 */
import type { Finding, Rule, Severity } from './rule.ts';

export interface TextOptions {
  rules: readonly Rule[];
  /** Objects linted, for the summary. */
  objects: number;
  files: number;
  paint?: (severity: Severity, text: string) => string;
  /** Findings `--fix` could fix, named in the summary when there are any. */
  fixable?: number;
}

export function formatText(findings: readonly Finding[], options: TextOptions): string {
  return [...formatTextPieces(findings, options)].join('');
}

/** `formatText`'s text in pieces of a few thousand findings. */
export function* formatTextPieces(findings: readonly Finding[], options: TextOptions): Generator<string> {
  const paint = options.paint ?? ((_: Severity, text: string) => text);
  const byId = new Map(options.rules.map((rule) => [rule.id, rule]));
  let lines: string[] = [];
  let file: string | undefined;
  for (const finding of findings) {
    if (finding.file !== file) {
      if (file !== undefined) lines.push('');
      file = finding.file;
      lines.push(file);
    }
    const object = finding.kind ? ` ${finding.kind}/${finding.name}` : '';
    const container = finding.container ? ` [${finding.container}]` : '';
    lines.push(
      `  ${finding.file}:${finding.line}:${finding.column}${object}${container} ${finding.rule} ${paint(finding.severity, finding.severity)} ${finding.message}`,
    );
    const fix = byId.get(finding.rule)?.fix;
    if (fix) lines.push(`    fix: ${fix.split('\n').join('\n         ')}`);
    if (lines.length > 4096) {
      yield `${lines.join('\n')}\n`;
      lines = [];
    }
  }
  if (findings.length > 0) lines.push('');
  lines.push(summary(findings, options));
  yield `${lines.join('\n')}\n`;
}

export function summary(
  findings: readonly Finding[],
  options: { objects: number; files: number; fixable?: number },
): string {
  const scope = `${plural(options.objects, 'object')} in ${plural(options.files, 'file')}`;
  if (findings.length === 0) return `✓ no findings (${scope})`;
  const counts = (['error', 'warning', 'info'] as const)
    .map((severity) => [severity, findings.filter((f) => f.severity === severity).length] as const)
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => plural(n, severity));
  const fixable = options.fixable
    ? `; ${options.fixable} fixable (--fix: the safe ones, --fix=unsafe: all)`
    : '';
  return `✗ ${plural(findings.length, 'finding')} (${counts.join(', ')}) in ${scope}${fixable}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
