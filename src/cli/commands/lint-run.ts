import { readFileSync } from 'node:fs';
import { failsOn, runRules, sortFindings } from '../../policy/engine.ts';
import { InputError, readManifests } from '../../policy/input-files.ts';
import { formatJson, toJsonReport } from '../../policy/report-json.ts';
import { formatText } from '../../policy/report-text.ts';
import type { Severity } from '../../policy/rule.ts';
import { RULES } from '../../policy/rules/index.ts';
import { CliError, EXIT } from '../errors.ts';
import { style } from '../style.ts';

export interface Options {
  paths: string[];
  format: 'text' | 'json';
  failOn: Severity | 'never';
}

const PAINT: Record<Severity, (text: string) => string> = {
  error: (text) => style.red(text),
  warning: (text) => style.yellow(text),
  info: (text) => style.cyan(text),
};

export function lint(options: Options): number {
  if (options.paths.length === 0)
    throw new CliError('name the manifests to lint', EXIT.usage, 'gantry lint deploy/  (or - to read stdin)');
  const input = read(options.paths);
  const sorted = sortFindings([...input.findings, ...runRules(input.objects, RULES)]);
  const scope = { rules: RULES, objects: input.objects.length, files: input.files.length };
  process.stdout.write(
    options.format === 'json'
      ? formatJson(toJsonReport(sorted, scope))
      : formatText(sorted, { ...scope, paint: (severity, text) => PAINT[severity](text) }),
  );
  return failsOn(sorted, options.failOn) ? EXIT.failed : EXIT.ok;
}

function read(paths: string[]) {
  try {
    return readManifests(paths, () => readFileSync(0, 'utf8'));
  } catch (error) {
    if (error instanceof InputError)
      throw new CliError(error.message, EXIT.usage, 'gantry lint PATH ... | -');
    throw error;
  }
}
