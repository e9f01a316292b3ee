import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import picomatch from 'picomatch';
import {
  CONFIG_FILE,
  configureRules,
  EMPTY_CONFIG,
  type LintConfig,
  parseLintConfig,
} from '../../policy/config.ts';
import { failsOn, runRules, sortFindings } from '../../policy/engine.ts';
import { FIXABLE_RULES, fixManifest } from '../../policy/fix/fix-manifest.ts';
import { type LocatedObject, parseManifests } from '../../policy/input.ts';
import { InputError, readManifests, STDIN } from '../../policy/input-files.ts';
import { formatJson, toJsonReport } from '../../policy/report-json.ts';
import { formatJunit } from '../../policy/report-junit.ts';
import { formatSarif } from '../../policy/report-sarif.ts';
import { formatText } from '../../policy/report-text.ts';
import type { Finding, Rule, Severity } from '../../policy/rule.ts';
import { RULES } from '../../policy/rules/index.ts';
import { renderKubernetes } from '../../render/kubernetes/index.ts';
import { toYamlStream } from '../../render/serialize.ts';
import { loadSpec } from '../../spec/load.ts';
import { CliError, EXIT } from '../errors.ts';
import { formatProblems } from '../report.ts';
import { readSpecText } from '../spec-file.ts';
import { style } from '../style.ts';
import { VERSION } from '../version.ts';

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
interface LintSet {
  objects: LocatedObject[];
  /** The text of each file, for --fix (rendered specs have none). */
  texts?: Map<string, string>;
  /** Findings from reading (YAML syntax errors). */
  findings: Finding[];
  files: string[];
}

export function lint(options: Options): number {
  const config = loadConfig(options.config);
  const rules = configureRules(RULES, config);
  if (options.listRules) return listRules(rules, options.format);
  if (options.paths.length === 0 && !options.spec)
    throw new CliError(
      'name the manifests to lint',
      EXIT.usage,
      'gantry lint deploy/  (or - to read stdin, or --spec to lint what gantry render makes of gantry.yaml)',
    );

  const stdin = options.paths.includes('-') ? readFileSync(0, 'utf8') : '';
  const collect = (): LintSet[] => [
    ...(options.paths.length > 0 ? [read(options.paths, config, stdin)] : []),
    ...(options.spec ? renderedSets(options) : []),
  ];
  let sets = collect();
  if (options.fix && fix(sets[0], rules, options)) sets = collect(); // lint what the files say now

  const findings = sortFindings(sets.flatMap((set) => [...set.findings, ...runRules(set.objects, rules)]));
  const linted = { objects: sets.flatMap((set) => set.objects), files: sets.flatMap((set) => set.files) };
  const scope = { rules, objects: linted.objects.length, files: linted.files.length };
  process.stdout.write(report(findings, scope, linted, options));
  return failsOn(findings, options.failOn) ? EXIT.failed : EXIT.ok;
}

function report(
  findings: Finding[],
  scope: { rules: readonly Rule[]; objects: number; files: number },
  linted: { objects: LocatedObject[]; files: string[] },
  options: Options,
): string {
  switch (options.format) {
    case 'json':
      return formatJson(toJsonReport(findings, scope));
    case 'sarif':
      return formatSarif(findings, { ...scope, toolVersion: VERSION });
    case 'junit':
      return formatJunit(findings, { ...scope, linted });
    case 'text': {
      const fixable = options.fix ? 0 : findings.filter((f) => FIXABLE_RULES.has(f.rule) && f.kind).length;
      return formatText(findings, { ...scope, fixable, paint: (severity, words) => PAINT[severity](words) });
    }
  }
}

/**
 * `--fix`: rewrites the files of the first set (stdin and rendered specs cannot be written back)
 * for the fixable findings, and prints what changed on stderr. True when a file changed.
 */
function fix(set: LintSet | undefined, rules: readonly Rule[], options: Options): boolean {
  if (!set || options.paths.length === 0) {
    process.stderr.write('--fix: no files to fix (a rendered spec is fixed in the renderer, not here)\n');
    return false;
  }
  const byFile = new Map<string, Finding[]>();
  for (const finding of runRules(set.objects, rules))
    byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  let changed = 0;
  let changes = 0;
  let skipped = 0;
  const texts = set.texts ?? new Map<string, string>();
  for (const [file, text] of texts) {
    const findings = byFile.get(file) ?? [];
    if (file === STDIN || findings.length === 0) continue;
    const result = fixManifest(text, findings);
    if (result.changes.length === 0 && result.skipped.length === 0) continue;
    process.stderr.write(`${style.bold(file, process.stderr)}\n`);
    for (const change of result.changes)
      process.stderr.write(`  ${where(change)} ${change.rule}: ${change.description}\n`);
    for (const skip of result.skipped)
      process.stderr.write(`  ${where(skip)} ${skip.rule}: left as is: ${skip.reason}\n`);
    if (result.text !== text) {
      writeFileSync(file, result.text);
      changed++;
    }
    changes += result.changes.length;
    skipped += result.skipped.length;
  }
  if (texts.has(STDIN)) process.stderr.write('--fix: stdin is linted but cannot be written back\n');
  const left = skipped > 0 ? ` (${skipped} left as they are, see above)` : '';
  process.stderr.write(
    `${style.green('✓', process.stderr)} --fix: ${changes} change${changes === 1 ? '' : 's'} in ${changed} file${changed === 1 ? '' : 's'}${left}\n`,
  );
  return changed > 0;
}

function where(at: { line: number; kind: string; name: string; container?: string }): string {
  return `${at.line} ${at.kind}/${at.name}${at.container ? ` [${at.container}]` : ''}`;
}

/** `--config FILE`, else `.gantry-lint.yaml` in the working directory when there is one. */
function loadConfig(path: string | undefined): LintConfig & { base: string } {
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

/**
 * What `gantry render` makes of the spec: the one environment asked for, else every
 * environment (each its own set: cross-object rules never mix environments), else the base.
 * The "file" names the render, and lines are lines of `gantry render` output.
 */
function renderedSets(options: Options): LintSet[] {
  const text = readSpecText(options.file);
  const probe = loadSpec(text, { file: options.file, target: 'cluster' });
  const environments =
    options.env !== undefined
      ? [options.env]
      : probe.model?.environments.length
        ? probe.model.environments
        : [undefined];
  return environments.map((env) => {
    const loaded = loadSpec(text, {
      file: options.file,
      target: 'cluster',
      ...(env === undefined ? {} : { env }),
    });
    if (!loaded.model)
      throw new CliError(
        `${formatProblems(loaded.problems, text)}\n\n${options.file} is not valid: nothing to lint`,
        EXIT.failed,
        `gantry validate -f ${options.file}`,
      );
    const name = `<render ${options.file}${env === undefined ? '' : ` --env ${env}`}>`;
    const rendered = toYamlStream(renderKubernetes(loaded.model).objects);
    return { ...parseManifests(name, rendered), files: [name] };
  });
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
