import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import picomatch from 'picomatch';
import { CONFIG_FILE, configureRules, EMPTY_CONFIG, type LintConfig } from '../../../policy/config.ts';
import { failsOn, sortFindings } from '../../../policy/engine.ts';
import { FIXABLE_RULES } from '../../../policy/fix/risks.ts';
import { type LintedObject, lintSources, type Source } from '../../../policy/lint-stream.ts';
import { formatJsonPieces, toJsonReport } from '../../../policy/report-json.ts';
import { formatTextPieces } from '../../../policy/report-text.ts';
import type { Finding, Rule, Severity } from '../../../policy/rule.ts';
import { RULES } from '../../../policy/rules/index.ts';
import { CliError, EXIT } from '../../errors.ts';
import { formatProblems } from '../../report.ts';
import { style } from '../../style.ts';
import {
  BIG_FILE_BYTES,
  fileBytes,
  InputError,
  manifestFiles,
  readChunks,
  readText,
  STDIN,
} from './input-files.ts';
import { optimizeOnlyTheHottest } from './tier-up.ts';

export type FixMode = 'safe' | 'unsafe';

export interface Options {
  paths: string[];
  spec?: boolean;
  file: string;
  env?: string;
  format: 'text' | 'json' | 'sarif' | 'junit';
  /** `--fix` (safe fixes) or `--fix=unsafe` (all of them). */
  fix?: FixMode;
  failOn: Severity | 'never';
  config?: string;
  listRules?: boolean;
}

const PAINT: Record<Severity, (text: string) => string> = {
  error: (text) => style.red(text),
  warning: (text) => style.yellow(text),
  info: (text) => style.cyan(text),
};

/**
 * Inputs linted together: cross-object rules see one set at a time (the files and stdin given;
 * each Kustomize build; each environment of a rendered spec).
 */
export interface LintSet {
  sources: Source[];
  /** Findings placed in the set's own sources, moved to where they come from (a Kustomize build's). */
  relocate?: (findings: Finding[]) => Finding[];
}

/**
 * The heavy parts load only when asked for (the renderer for --spec, the fixers for --fix,
 * Kustomize for its trees, the SARIF and JUnit writers, the config reader): a plain lint starts in
 * a fraction of the time.
 */
export async function lint(options: Options): Promise<number> {
  optimizeOnlyTheHottest();
  const config = await loadConfig(options.config);
  const rules = configureRules(RULES, config);
  if (options.listRules) return listRules(RULES, rules, options.format);
  if (options.paths.length === 0 && !options.spec)
    throw new CliError(
      'name the manifests to lint',
      EXIT.usage,
      'gantry lint deploy/  (or - to read stdin, or --spec to lint what gantry render makes of gantry.yaml)',
    );

  const stdin = options.paths.includes('-') ? readFileSync(0, 'utf8') : '';
  const files = () => inputFiles(options.paths, config);
  if (options.fix) {
    await (await import('./fix.ts')).fix(files(), rules, options.fix);
    if (options.paths.includes('-'))
      process.stderr.write('--fix: stdin is linted but cannot be written back\n');
  }

  const { plain, kustomizations } = await splitKustomizations(files());
  const sets: LintSet[] = [
    ...(plain.length > 0 || options.paths.includes('-')
      ? [{ sources: fileSources(plain, options.paths, stdin) }]
      : []),
    ...(kustomizations.length > 0 ? (await import('./kustomize.ts')).kustomizeSets(kustomizations) : []),
    ...(options.spec ? (await import('./spec.ts')).renderedSets(options) : []),
  ];
  const findings: Finding[] = [];
  const linted = { objects: [] as LintedObject[], files: [] as string[] };
  for (const set of sets) {
    const result = lintSources(set.sources, rules);
    findings.push(...(set.relocate ? set.relocate(result.findings) : result.findings));
    linted.objects.push(...result.objects);
    linted.files.push(...result.files);
  }
  const sorted = sortFindings(findings);
  const scope = { rules, objects: linted.objects.length, files: linted.files.length };
  for (const piece of await report(sorted, scope, linted, options)) process.stdout.write(piece);
  return failsOn(sorted, options.failOn) ? EXIT.failed : EXIT.ok;
}

/** The manifest files under the paths (not stdin), config excludes applied. */
function inputFiles(paths: readonly string[], config: LintConfig & { base: string }): string[] {
  const excluded =
    config.exclude.length > 0 ? picomatch(config.exclude as string[], { dot: true }) : undefined;
  try {
    return manifestFiles(
      paths.filter((path) => path !== '-'),
      excluded ? (file: string) => excluded(relative(config.base, file)) : undefined,
    );
  } catch (error) {
    if (error instanceof InputError)
      throw new CliError(error.message, EXIT.usage, 'gantry lint PATH ... | -');
    throw error;
  }
}

/** Kustomize trees (a directory with a kustomization file) are built, not read file by file. */
async function splitKustomizations(files: string[]): Promise<{ plain: string[]; kustomizations: string[] }> {
  if (!files.some((file) => /(^|\/)kustomization\.ya?ml$|(^|\/)Kustomization$/.test(file)))
    return { plain: files, kustomizations: [] };
  return (await import('./kustomize.ts')).splitKustomizations(files);
}

/** The files, read when the linter reaches them, and stdin where `-` stands among the paths. */
function fileSources(files: readonly string[], paths: readonly string[], stdin: string): Source[] {
  const sources: Source[] = files.map((file) => ({
    file,
    read: () => readOrFail(file),
    ...(fileBytes(file) >= BIG_FILE_BYTES ? { chunks: () => readChunks(file) } : {}),
  }));
  if (paths.includes('-'))
    sources.splice(Math.min(paths.indexOf('-'), sources.length), 0, { file: STDIN, read: () => stdin });
  return sources;
}

function readOrFail(file: string): string {
  try {
    return readText(file);
  } catch (error) {
    if (error instanceof InputError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
}

/** The report in pieces: a big one is written as it is made, never held as one string. */
async function report(
  findings: Finding[],
  scope: { rules: readonly Rule[]; objects: number; files: number },
  linted: { objects: LintedObject[]; files: string[] },
  options: Options,
): Promise<Iterable<string>> {
  switch (options.format) {
    case 'json':
      return formatJsonPieces(toJsonReport(findings, scope));
    case 'sarif': {
      const { VERSION } = await import('../../version.ts');
      return (await import('../../../policy/report-sarif.ts')).formatSarifPieces(findings, {
        ...scope,
        toolVersion: VERSION,
      });
    }
    case 'junit':
      return [(await import('../../../policy/report-junit.ts')).formatJunit(findings, { ...scope, linted })];
    case 'text': {
      const fixable = options.fix ? 0 : findings.filter((f) => FIXABLE_RULES.has(f.rule) && f.kind).length;
      return formatTextPieces(findings, {
        ...scope,
        fixable,
        paint: (severity, words) => PAINT[severity](words),
      });
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
  const { parseLintConfig } = await import('../../../policy/config-file.ts');
  const parsed = parseLintConfig(file, text, RULES);
  if (!parsed.ok) throw new CliError(`${formatProblems(parsed.problems, text)}\n`, EXIT.usage);
  return { ...parsed.config, base: dirname(file) };
}

/** Every rule, the configured ones at their severity; optional rules that are off say how to turn them on. */
function listRules(all: readonly Rule[], configured: readonly Rule[], format: Options['format']): number {
  const active = new Map(configured.map((rule) => [rule.id, rule]));
  const shown = all.map((rule) => active.get(rule.id) ?? rule);
  if (format === 'json') {
    const list = shown.map(({ check: _, ...rule }) => ({ ...rule, enabled: active.has(rule.id) }));
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...shown.map((rule) => rule.id.length));
  for (const category of ['security', 'reliability', 'hygiene'] as const) {
    process.stdout.write(`${style.bold(category)}\n`);
    for (const rule of shown.filter((r) => r.category === category)) {
      const off = active.has(rule.id) ? '' : rule.optional ? ' (optional: turn on in the config)' : ' (off)';
      process.stdout.write(
        `  ${rule.id.padEnd(width)}  ${PAINT[rule.severity](rule.severity.padEnd(7))}  ${rule.title}${off}\n`,
      );
    }
  }
  return EXIT.ok;
}
