import { existsSync, readFileSync } from 'node:fs';
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
import { type LocatedObject, parseManifests } from '../../policy/input.ts';
import { InputError, readManifests } from '../../policy/input-files.ts';
import { formatJson, toJsonReport } from '../../policy/report-json.ts';
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

export interface Options {
  paths: string[];
  spec?: boolean;
  file: string;
  env?: string;
  format: 'text' | 'json';
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

  const sets = [
    ...(options.paths.length > 0 ? [read(options.paths, config)] : []),
    ...(options.spec ? renderedSets(options) : []),
  ];
  const findings = sortFindings(sets.flatMap((set) => [...set.findings, ...runRules(set.objects, rules)]));
  const scope = {
    rules,
    objects: sets.reduce((n, set) => n + set.objects.length, 0),
    files: sets.reduce((n, set) => n + set.files.length, 0),
  };
  process.stdout.write(
    options.format === 'json'
      ? formatJson(toJsonReport(findings, scope))
      : formatText(findings, { ...scope, paint: (severity, text) => PAINT[severity](text) }),
  );
  return failsOn(findings, options.failOn) ? EXIT.failed : EXIT.ok;
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

function read(paths: string[], config: LintConfig & { base: string }): LintSet {
  const excluded =
    config.exclude.length > 0 ? picomatch(config.exclude as string[], { dot: true }) : undefined;
  try {
    return readManifests(paths, {
      stdin: () => readFileSync(0, 'utf8'),
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
