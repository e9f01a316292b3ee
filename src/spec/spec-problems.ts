/**
 * A spec with errors, as requireSpec (require.ts) throws it: every problem, with the text they
 * point into. Light on purpose (no loader, no zod): the CLI's entry point checks for it.
 */
import type { Problem } from './problem.ts';

export class SpecProblems extends Error {
  constructor(
    readonly file: string,
    readonly text: string,
    readonly problems: readonly Problem[],
  ) {
    super(
      `${file} is invalid:\n${problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.path}: ${p.message}`).join('\n')}`,
    );
  }
}
