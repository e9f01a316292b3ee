/**
 * The spec a command acts on, read and loaded (src/spec/require.ts); a spec
 * with errors ends the command one way: every problem as `gantry validate` shows it, then
 * `error: FILE: N errors; WHAT` and exit 1. Imported by the commands' run modules, which are
 * loaded lazily (the spec loader brings zod and yaml).
 */
import type { LoadOptions } from '../spec/load.ts';
import type { Problem } from '../spec/problem.ts';
import { requireEnvironments, requireSpec, SpecProblems } from '../spec/require.ts';
import { failWithProblems, formatProblems } from './report.ts';
import { readSpecText } from './spec-file.ts';

/** The model of `options.env` (the base without it); `notDone` says what a bad spec stopped. */
export function specOf(options: LoadOptions, notDone: string) {
  const text = readSpecText(options.file);
  const loaded = orFail(() => requireSpec(text, withoutUndefined(options)), notDone);
  return { ...loaded, text };
}

/** The base and every declared environment's model (requireEnvironments), or the command ends. */
export function environmentsOf(options: Omit<LoadOptions, 'env'>, notDone: string) {
  const text = readSpecText(options.file);
  const loaded = orFail(() => requireEnvironments(text, options), notDone);
  return { ...loaded, text };
}

function orFail<T>(load: () => T, notDone: string): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof SpecProblems) failWithProblems([...error.problems], error.text, error.file, notDone);
    throw error;
  }
}

export function printWarnings(problems: readonly Problem[], text: string): void {
  if (problems.length > 0) process.stderr.write(`${formatProblems(problems, text)}\n\n`);
}

/** `env: undefined` is no environment, as loadSpec reads an absent one. */
function withoutUndefined(options: LoadOptions): LoadOptions {
  return {
    file: options.file,
    ...(options.env !== undefined ? { env: options.env } : {}),
    ...(options.target ? { target: options.target } : {}),
  };
}
