/**
 * Reads `.gantry-lint.yaml` (its shape is in config.ts): zod-checked, every problem placed at
 * its line with a hint; rule keys may be our ids or another tool's. Pure: text in, a config
 * or problems out.
 */
import { z } from 'zod';
import { parseDocument } from '../spec/document.ts';
import type { Problem } from '../spec/problem.ts';
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
  const ids = idsByName(rules);
  const parsed = parseDocument(ConfigSchema, text, file, 'the lint config', (value, place) =>
    Object.keys(value.rules ?? {})
      .filter((name) => !ids.has(name))
      .map((name) => {
        const guess = closest(name, ids.keys());
        const all = 'gantry lint --list-rules shows them all';
        return place(
          ['rules', name],
          `unknown rule \`${name}\``,
          guess ? `did you mean \`${guess}\`? (${all})` : all,
        );
      }),
  );
  if (!parsed.ok) return parsed;
  const settings = new Map<string, Setting>();
  for (const [name, setting] of Object.entries(parsed.value.rules ?? {}))
    for (const id of ids.get(name)!) settings.set(id, setting);
  return {
    ok: true,
    config: {
      rules: settings,
      exclude: parsed.value.exclude ?? [],
      ...(parsed.value.requiredLabels ? { requiredLabels: parsed.value.requiredLabels } : {}),
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
