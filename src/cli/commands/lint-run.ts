import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import picomatch from 'picomatch';
import { CONFIG_FILE, configureRules, EMPTY_CONFIG, type LintConfig } from '../../policy/config.ts';
import { failsOn, runRules, sortFindings } from '../../policy/engine.ts';
import { FIXABLE_RULES } from '../../policy/fix/fixable.ts';
import type { LocatedObject } from '../../policy/input.ts';
import { InputError, readManifests } from '../../policy/input-files.ts';
import { formatJson, toJsonReport } from '../../policy/report-json.ts';
import { formatText } from '../../policy/report-text.ts';
import type { Finding, Rule, Severity } from '../../policy/rule.ts';
import { RULES } from '../../policy/rules/index.ts';
import { CliError, EXIT } from '../errors.ts';
import { formatProblems } from '../report.ts';
import { style } from '../style.ts';

export interface Options {
  paths: string[];
  spec?: boolean;
  file: string;
  env?: string;
  format: 'text' | 'json' | 'sarif' | 'junit';
  fix?: boolean;
  failOn: Severity | 'never';
  config?: string;
  listRules?: boolean;
}

const PAINT: Record<Severity, (text: string) => string> = {
  error: (text) => style.red(text),
  warning: (text) => style.yellow(text),
  info: (text) => style.cyan(text),
};

/** Objects linted together: cross-object rules see one set at a time. */
export interface LintSet {
  objects: LocatedObject[];
  /** The text of each file, for --fix (rendered specs have none). */
  texts?: Map<string, string>;
  /** Findings from reading (YAML syntax errors). */
  findings: Finding[];
  files: string[];
}

/**
 * The heavy parts load only when asked for (the renderer for --spec, the fixers for --fix,
 * the SARIF and JUnit writers, the config reader): a plain lint starts in a fraction of the time.
 */
export async function lint(options: Options): Promise<number> {
  const config = await loadConfig(options.config);
  const rules = configureRules(RULES, config);
  if (options.listRules) return listRules(rules, options.format);
  if (options.paths.length === 0 && !options.spec)
    throw new CliError(
      'name the manifests to lint',
      EXIT.usage,
      'gantry lint deploy/  (or - to read stdin, or --spec to lint what gantry render makes of gantry.yaml)',
    );

  const stdin = options.paths.includes('-') ? readFileSync(0, 'utf8') : '';
  const rendered = options.spec ? (await import('./lint-spec.ts')).renderedSets : undefined;
  const collect = (): LintSet[] => [
    ...(options.paths.length > 0 ? [read(options.paths, config, stdin)] : []),
    ...(rendered ? rendered(options) : []),
  ];
  let sets = collect();
  // After --fix, lint what the files say now.
  if (options.fix && (await import('./lint-fix.ts')).fix(sets[0], rules, options)) sets = collect();

  const findings = sortFindings(sets.flatMap((set) => [...set.findings, ...runRules(set.objects, rules)]));
  const linted = { objects: sets.flatMap((set) => set.objects), files: sets.flatMap((set) => set.files) };
  const scope = { rules, objects: linted.objects.length, files: linted.files.length };
  process.stdout.write(await report(findings, scope, linted, options));
  return failsOn(findings, options.failOn) ? EXIT.failed : EXIT.ok;
}

async function report(
  findings: Finding[],
  scope: { rules: readonly Rule[]; objects: number; files: number },
  linted: { objects: LocatedObject[]; files: string[] },
  options: Options,
): Promise<string> {
  switch (options.format) {
    case 'json':
      return formatJson(toJsonReport(findings, scope));
    case 'sarif': {
      const { VERSION } = await import('../version.ts');
      return (await import('../../policy/report-sarif.ts')).formatSarif(findings, {
        ...scope,
        toolVersion: VERSION,
      });
    }
    case 'junit':
      return (await import('../../policy/report-junit.ts')).formatJunit(findings, { ...scope, linted });
    case 'text': {
      const fixable = options.fix ? 0 : findings.filter((f) => FIXABLE_RULES.has(f.rule) && f.kind).length;
      return formatText(findings, { ...scope, fixable, paint: (severity, words) => PAINT[severity](words) });
    }
  }
}

/** `--config FILE`, else `.gantry-lint.yaml` in the working directory when there is one. */
async function loadConfig(path: string | undefined): Promise<LintConfig & { base: string }> {
  const file = path ?? (existsSync(CONFIG_FILE) ? CONFIG_FILE : undefined);
  if (file === undefined) return { ...EMPTY_CONFIG, base: '.' };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(
      `${file}: no such file`,
      EXIT.usage,
      `create it, or leave out --config (see gantry lint --help)`,
    );
  }
  const { parseLintConfig } = await import('../../policy/config-file.ts');
  const parsed = parseLintConfig(file, text, RULES);
  if (!parsed.ok) throw new CliError(`${formatProblems(parsed.problems, text)}\n`, EXIT.usage);
  return { ...parsed.config, base: dirname(file) };
}

function read(
  paths: string[],
  config: LintConfig & { base: string },
  stdin: string,
): LintSet & { texts: Map<string, string> } {
  const excluded =
    config.exclude.length > 0 ? picomatch(config.exclude as string[], { dot: true }) : undefined;
  try {
    return readManifests(paths, {
      stdin: () => stdin,
      ...(excluded ? { exclude: (file: string) => excluded(relative(config.base, file)) } : {}),
    });
  } catch (error) {
    if (error instanceof InputError)
      throw new CliError(error.message, EXIT.usage, 'gantry lint PATH ... | -');
    throw error;
  }
}

function listRules(rules: readonly Rule[], format: Options['format']): number {
  if (format === 'json') {
    const list = rules.map(({ check: _, ...rule }) => rule);
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...rules.map((rule) => rule.id.length));
  for (const category of ['security', 'reliability', 'hygiene'] as const) {
    process.stdout.write(`${style.bold(category)}\n`);
    for (const rule of rules.filter((r) => r.category === category))
      process.stdout.write(
        `  ${rule.id.padEnd(width)}  ${PAINT[rule.severity](rule.severity.padEnd(7))}  ${rule.title}\n`,
      );
  }
  return EXIT.ok;
}
