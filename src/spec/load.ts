/**
 * Loading a spec: YAML text → validated AppModel, or every problem found, each placed at
 * its file, line and column. Pure: the caller reads the file and passes its text.
 *
 * Order: YAML syntax → the base spec against the schema → overlays name known services →
 * the selected environment merged and checked again → cross-field rules.
 * A problem in the base is reported once, not once per environment.
 */
import type { z } from 'zod';
import { issueToFindings } from './issues.ts';
import { type AppModel, type EnvironmentRef, inferTier, toModel } from './model.ts';
import { applyEnvironment, isRecord, OVERLAID_SECTIONS, overlayPath, valueAt } from './overlay.ts';
import { type Finding, formatPath, type PathSegment, type Problem, sortProblems } from './problem.ts';
import { checkRules } from './rules.ts';
import { Service, type ServiceSpec, SpecFile, type SpecFileOutput } from './schema.ts';
import { parseSource, type Source } from './source.ts';
import { suggestion } from './suggest.ts';
import { checkTarget, type Target } from './targets.ts';

export interface LoadOptions {
  /** Shown in every problem; also the base for relative paths in the model. */
  file: string;
  /** The environment overlay to apply; none means the base spec. */
  env?: string;
  /** What will run the model: adds that target's requirements (`run` locally, `image` on clusters). */
  target?: Target;
}

export type LoadResult =
  | { ok: true; model: AppModel; problems: Problem[] }
  | { ok: false; model?: undefined; problems: Problem[] };

export function loadSpec(text: string, options: LoadOptions): LoadResult {
  return loadSource(parseSource(text), options);
}

/** loadSpec on text parsed once: the source and its data are only read, never changed. */
function loadSource(source: Source, options: LoadOptions): LoadResult {
  const place = placer(source, options.file);
  if (source.syntaxErrors.length > 0) {
    return {
      ok: false,
      problems: source.syntaxErrors.map((error) => ({
        severity: 'error',
        file: options.file,
        line: error.line,
        column: error.column,
        path: '(yaml)',
        message: `YAML syntax error: ${error.message}`,
        hint: 'check the indentation and that every `key:` is followed by a space',
      })),
    };
  }
  const raw = source.data;
  if (!isRecord(raw)) {
    const problem = place(null, {
      path: [],
      message:
        raw === null || raw === undefined
          ? 'the spec is empty'
          : 'the spec must be a mapping with `app` and `services`',
      hint: 'run `gantry init` for a starter gantry.yaml',
    });
    return { ok: false, problems: [problem] };
  }

  const tagged = source.tagFindings.map((f) => place(null, f));
  const problems: Problem[] = [...tagged];
  const base = SpecFile.safeParse(raw);
  if (!base.success) problems.push(...findingsOf(base.error, raw).map((f) => place(null, f)));
  problems.push(...overlayTargets(raw).map((f) => place(null, f)));

  const environment = selectEnvironment(raw, options.env);
  if ('problem' in environment) return { ok: false, problems: [place(null, environment.problem)] };

  let parsed: SpecFileOutput | undefined = base.success ? base.data : undefined;
  const merged = environment.ref ? applyEnvironment(raw, environment.ref.name) : undefined;
  if (environment.ref && merged) {
    const result = SpecFile.safeParse(merged);
    parsed = result.success ? result.data : undefined;
    if (!result.success)
      problems.push(...findingsOf(result.error, merged).map((f) => place(environment.ref, f)));
  }
  // Cross-field rules run on every service that parsed, even when another part of the spec
  // did not, so one run shows all problems.
  const data = merged ?? raw;
  const services = parsed?.services ?? parsableServices(data);
  const context = {
    tier: environment.ref?.tier ?? 'development',
    environment: environment.ref?.name ?? null,
    serviceNames: new Set(keysOf(data.services)),
    backingNames: new Set(keysOf(data.backing)),
  } as const;
  const findings = [
    ...checkRules(services, context),
    ...(options.target ? checkTarget(services, options.target) : []),
  ];
  problems.push(...findings.map((f) => place(environment.ref, f)));

  // A value a tag changed fails the schema too: the tag is the one problem to fix there.
  const taggedPaths = new Set(tagged.map((p) => p.path));
  const sorted = sortProblems(problems.filter((p) => tagged.includes(p) || !taggedPaths.has(p.path)));
  if (!parsed || sorted.some((p) => p.severity === 'error')) return { ok: false, problems: sorted };
  return { ok: true, model: toModel(parsed, options.file, environment.ref), problems: sorted };
}

/** Validates the base spec and every environment in it: what `gantry validate` does without --env. */
export function validateAll(
  text: string,
  options: Omit<LoadOptions, 'env'>,
): { problems: Problem[]; environments: string[] } {
  const source = parseSource(text);
  const environments = environmentNames(source.data);
  const problems = [...loadSource(source, options).problems];
  for (const env of environments) problems.push(...loadSource(source, { ...options, env }).problems);
  return { problems: sortProblems(problems), environments };
}

function environmentNames(raw: unknown): string[] {
  return isRecord(raw) ? keysOf(raw.environments) : [];
}

const keysOf = (value: unknown) => (isRecord(value) ? Object.keys(value) : []);

function findingsOf(error: z.ZodError, data: unknown): Finding[] {
  return error.issues.flatMap((issue) => issueToFindings(SpecFile, data, issue));
}

/** Services that parse, ignoring unknown keys (they are reported already), for the rules. */
function parsableServices(data: Record<string, unknown>): Record<string, ServiceSpec> {
  const services = isRecord(data.services) ? data.services : {};
  const parsed: Record<string, ServiceSpec> = {};
  for (const [name, raw] of Object.entries(services)) {
    const result = Service.safeParse(raw);
    const retry = result.success ? result : Service.safeParse(withoutUnknownKeys(raw, result.error));
    if (retry.success) parsed[name] = retry.data;
  }
  return parsed;
}

function withoutUnknownKeys(data: unknown, error: z.ZodError): unknown {
  const copy = structuredClone(data);
  for (const issue of error.issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const parent = valueAt(copy, issue.path as PathSegment[]);
    if (isRecord(parent)) for (const key of issue.keys) delete parent[key];
  }
  return copy;
}

function selectEnvironment(
  raw: Record<string, unknown>,
  name: string | undefined,
): { ref: EnvironmentRef | null } | { problem: Finding } {
  if (name === undefined) return { ref: null };
  const known = environmentNames(raw);
  if (!known.includes(name)) {
    const hint =
      known.length > 0
        ? suggestion(name, known, 'known environments')
        : 'this spec declares no `environments:`';
    return { problem: { path: ['environments'], message: `unknown environment \`${name}\``, hint } };
  }
  const declared = (raw.environments as Record<string, unknown>)[name];
  const tier =
    isRecord(declared) && typeof declared.tier === 'string'
      ? (declared.tier as EnvironmentRef['tier'])
      : inferTier(name);
  return { ref: { name, tier } };
}

/** An overlay may only change services and backing services that the base declares. */
function overlayTargets(raw: Record<string, unknown>): Finding[] {
  const environments = isRecord(raw.environments) ? raw.environments : {};
  return Object.entries(environments).flatMap(([env, overlay]) =>
    OVERLAID_SECTIONS.flatMap((section) => {
      const targets = isRecord(overlay) && isRecord(overlay[section]) ? Object.keys(overlay[section]) : [];
      const known = isRecord(raw[section]) ? Object.keys(raw[section]) : [];
      const declared = new Set(known);
      return targets
        .filter((name) => !declared.has(name))
        .map((name) => ({
          path: ['environments', env, section, name],
          message: `environment \`${env}\` changes ${section === 'services' ? 'service' : 'backing service'} \`${name}\`, which the base spec does not declare`,
          hint: suggestion(name, known, 'declared') || `declare it under \`${section}:\` first`,
        }));
    }),
  );
}

/**
 * Findings a caller makes about a loaded spec (paths into it: a generator's, say), placed as
 * `gantry validate` places its own — in the overlay when the selected environment writes the field.
 */
export function placeFindings(
  text: string,
  file: string,
  environment: EnvironmentRef | null,
  findings: readonly Finding[],
): Problem[] {
  const place = placer(parseSource(text), file);
  return findings.map((finding) => place(environment, finding));
}

/**
 * Places a finding in the file. With an environment, a field the overlay writes is shown
 * where the overlay writes it; otherwise where the base does; a missing field at its
 * nearest written parent.
 */
function placer(source: Source, file: string) {
  return (environment: EnvironmentRef | null, finding: Finding): Problem => {
    const inBase = source.locate(finding.path);
    let path: PathSegment[] = finding.path;
    let where = inBase;
    const inOverlayPath = environment ? overlayPath(environment.name, finding.path) : undefined;
    if (inOverlayPath) {
      const inOverlay = source.locate(inOverlayPath);
      const overlayDepth = inOverlay.depth - 2;
      const exactInOverlay = inOverlay.depth === inOverlayPath.length;
      const exactInBase = inBase.depth === finding.path.length;
      if (exactInOverlay || (!exactInBase && overlayDepth > inBase.depth)) {
        path = inOverlayPath;
        where = inOverlay;
      }
    }
    return {
      severity: finding.severity ?? 'error',
      file,
      line: where.position.line,
      column: where.position.column,
      path: formatPath(path),
      message: finding.message,
      ...(finding.hint ? { hint: finding.hint } : {}),
      ...(environment ? { environment: environment.name } : {}),
    };
  };
}
