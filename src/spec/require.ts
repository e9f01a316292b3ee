/**
 * A spec every command can rely on: the model, or SpecProblems carrying every problem found —
 * the one way a command's spec loading ends when the spec is wrong (the CLI shows them as
 * `gantry validate` does; the daemon's log names each one). Warnings come back with the model.
 */

import { type LoadOptions, loadSpec } from './load.ts';
import type { AppModel } from './model.ts';
import type { Problem } from './problem.ts';
import { SpecProblems } from './spec-problems.ts';

export { SpecProblems } from './spec-problems.ts';

export interface RequiredSpec {
  model: AppModel;
  /** Problems that do not stop anything (severity warning). */
  warnings: Problem[];
}

/** The model of `options.env` (the base without it), or SpecProblems. */
export function requireSpec(text: string, options: LoadOptions): RequiredSpec {
  const loaded = loadSpec(text, options);
  if (!loaded.ok) throw new SpecProblems(options.file, text, loaded.problems);
  return { model: loaded.model, warnings: loaded.problems };
}

/**
 * The base model and the model of every environment the spec declares (possibly none), each
 * checked: a problem in the base → SpecProblems with the base's problems; else a problem in any
 * environment → SpecProblems with all of them. Warnings come back once each, however many
 * environments repeat them.
 */
export function requireEnvironments(
  text: string,
  options: Omit<LoadOptions, 'env'>,
): { base: AppModel; environments: AppModel[]; warnings: Problem[] } {
  const { model: base, warnings } = requireSpec(text, options);
  const loaded = base.environments.map((env) => loadSpec(text, { ...options, env }));
  const problems = once([...warnings, ...loaded.flatMap((result) => result.problems)]);
  if (loaded.some((result) => !result.ok)) throw new SpecProblems(options.file, text, problems);
  return { base, environments: loaded.map((result) => result.model!), warnings: problems };
}

/** Each problem once: an environment repeats the base's own problems. */
export function once(problems: readonly Problem[]): Problem[] {
  const key = (p: Problem) => `${p.file}:${p.line}:${p.column}:${p.path}:${p.message}`;
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(key(p)) && seen.add(key(p)));
}
