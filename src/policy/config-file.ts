/**
 * Reads `.gantry-lint.yaml` (its shape is in config.ts): zod-checked, every problem placed at
 * its line with a hint; rule keys may be our ids or another tool's. Pure: text in, a config
 * or problems out.
 */
import { z } from 'zod';
import { issueToFindings } from '../spec/issues.ts';
import { formatPath, type Problem } from '../spec/problem.ts';
import { parseSource } from '../spec/source.ts';
import { closest } from '../spec/suggest.ts';
import type { LintConfig, Setting } from './config.ts';
import type { Rule } from './rule.ts';

const SettingSchema = z.enum(['error', 'warning', 'info', 'off']);

const ConfigSchema = z.strictObject({
  rules: z
    .record(z.string(), SettingSchema)
    .optional()
    .describe('rule id (or another tool’s id): error|warning|info|off'),
  exclude: z.array(z.string().min(1)).optional().describe('glob patterns, relative to the config file'),
  requiredLabels: z.array(z.string().min(1)).optional().describe('label keys every object must carry'),
});

export type ConfigResult = { ok: true; config: LintConfig } | { ok: false; problems: Problem[] };

export function parseLintConfig(file: string, text: string, rules: readonly Rule[]): ConfigResult {
  const source = parseSource(text);
  const problem = (path: (string | number)[], message: string, hint?: string): Problem => {
    const { position } = source.locate(path);
    return {
      severity: 'error',
      file,
      ...position,
      path: formatPath(path),
      message,
      ...(hint ? { hint } : {}),
    };
  };
  if (source.syntaxErrors.length > 0)
    return {
      ok: false,
      problems: source.syntaxErrors.map((e) => ({ severity: 'error', file, path: '(root)', ...e })),
    };

  const parsed = ConfigSchema.safeParse(source.data ?? {});
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.flatMap((issue) =>
        issueToFindings(ConfigSchema, source.data, issue).map((f) => problem(f.path, f.message, f.hint)),
      ),
    };

  const ids = idsByName(rules);
  const settings = new Map<string, Setting>();
  const problems: Problem[] = [];
  for (const [name, setting] of Object.entries(parsed.data.rules ?? {})) {
    const matched = ids.get(name);
    if (!matched) {
      const guess = closest(name, ids.keys());
      problems.push(
        problem(
          ['rules', name],
          `unknown rule \`${name}\``,
          guess
            ? `did you mean \`${guess}\`? (gantry lint --list-rules shows them all)`
            : 'gantry lint --list-rules shows them all',
        ),
      );
      continue;
    }
    for (const id of matched) settings.set(id, setting);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      rules: settings,
      exclude: parsed.data.exclude ?? [],
      ...(parsed.data.requiredLabels ? { requiredLabels: parsed.data.requiredLabels } : {}),
    },
  };
}

/** Our ids and every alias, each to the canonical ids it names. */
function idsByName(rules: readonly Rule[]): Map<string, string[]> {
  const ids = new Map<string, string[]>();
  const add = (name: string, id: string) => ids.set(name, [...(ids.get(name) ?? []), id]);
  for (const rule of rules) {
    add(rule.id, rule.id);
    const { kubeScore = [], kubeLinter = [], polaris = [], checkov = [] } = rule.aliases;
    for (const alias of [...kubeScore, ...kubeLinter, ...polaris, ...checkov])
      if (alias !== rule.id) add(alias, rule.id);
  }
  return ids;
}
