/** How problems in a spec are shown: `file:line:col`, the field, the source line, a hint. */
import type { Problem } from '../spec/problem.ts';
import { CliError, EXIT } from './errors.ts';
import { style } from './style.ts';

export function formatProblem(problem: Problem, sourceLines: readonly string[]): string {
  const severity = problem.severity === 'error' ? style.red('error') : style.yellow('warning');
  const where = style.bold(`${problem.file}:${problem.line}:${problem.column}`);
  const env = problem.environment ? style.dim(` (environment ${problem.environment})`) : '';
  const lines = [`${where} ${severity} ${style.cyan(problem.path)}: ${problem.message}${env}`];
  const text = sourceLines[problem.line - 1];
  if (text !== undefined && problem.path !== '(root)') {
    const gutter = String(problem.line).padStart(5);
    lines.push(
      style.dim(`${gutter} | `) + text,
      `${style.dim(`${' '.repeat(5)} | `)}${' '.repeat(problem.column - 1)}${style.red('^')}`,
    );
  }
  if (problem.hint) lines.push(`  ${style.dim('hint:')} ${problem.hint}`);
  return lines.join('\n');
}

export function formatProblems(problems: readonly Problem[], sourceText: string): string {
  const lines = sourceText.split(/\r?\n/);
  return problems.map((problem) => formatProblem(problem, lines)).join('\n\n');
}

export function countLabel(problems: readonly Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return warnings > 0
    ? `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`
    : plural(errors, 'error');
}

/** Prints the problems as `gantry validate` does and stops with exit 1. */
export function failWithProblems(problems: Problem[], text: string, file: string, what: string): never {
  throw problemsError(problems, text, file, what);
}

/** Prints the problems as `gantry validate` does; the error that ends the command (exit 1). */
export function problemsError(
  problems: readonly Problem[],
  text: string,
  file: string,
  what: string,
): CliError {
  process.stderr.write(`${formatProblems(problems, text)}\n\n`);
  return new CliError(
    `${file}: ${countLabel(problems)}; ${what}`,
    EXIT.failed,
    `run gantry validate -f ${file}`,
  );
}
