/**
 * Checks a generated pipeline as text, the way a reviewer would: it parses as YAML, every
 * `needs:`/`dependencies:` names a job that exists, every action is pinned, a secret is only
 * ever read from the CI's store (never written into the file) and never printed, and every job
 * that deploys is serialised. The schema validators (action-validator, GitLab's ci.json) say
 * whether CI accepts the file; these say whether it is the pipeline we meant. Used by the tests,
 * which also show that each check fails on a pipeline broken on purpose.
 */
import { parse } from 'yaml';

type Provider = 'github' | 'gitlab';
type Job = Record<string, unknown>;

/** Top-level keys of a .gitlab-ci.yml that are not jobs. */
const GITLAB_GLOBALS = new Set([
  'stages',
  'variables',
  'workflow',
  'default',
  'include',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'spec',
]);

/** A major tag (`@v5`), an exact version (`@0.33.1`, `@v3.1.0`) or a commit SHA. */
const PINNED = /@(v?\d+(\.\d+){0,2}|[0-9a-f]{40})$/;

/** Variables holding credentials: their value must come from the CI's store and never be printed. */
const SECRET_NAME = /(PASSWORD|TOKEN|KUBE_CONFIG|SECRET)/;

export function pipelineProblems(provider: Provider, text: string): string[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    return [`not YAML: ${(error as Error).message}`];
  }
  if (typeof document !== 'object' || document === null) return ['the pipeline is not a mapping'];
  const jobs = jobsOf(provider, document as Record<string, unknown>);
  const problems: string[] = [];
  for (const [id, job] of Object.entries(jobs)) {
    for (const key of ['needs', 'dependencies'])
      for (const need of names(job[key]))
        if (!(need in jobs)) problems.push(`${id}: ${key} names ${need}, which is not a job`);
    for (const [name, value] of Object.entries(envOf(provider, job)))
      if (SECRET_NAME.test(name) && !fromStore(provider, value))
        problems.push(`${id}: ${name} is not read from the CI's secret store: ${String(value)}`);
    for (const line of scriptLines(provider, job)) {
      if (
        /\b(echo|cat|printenv)\b[^|>]*\$\{?\w*(PASSWORD|TOKEN|KUBE_CONFIG)\b/.test(line) &&
        !/[|>]/.test(line)
      )
        problems.push(`${id}: prints a secret: ${line}`);
      if (/^\s*set -\w*x/.test(line)) problems.push(`${id}: set -x would print secrets: ${line}`);
    }
    if (provider === 'github')
      for (const uses of usesOf(job))
        if (!PINNED.test(uses) && !uses.startsWith('./'))
          problems.push(`${id}: ${uses} is not pinned to a version`);
    const deploys = scriptLines(provider, job).some((line) => / gantry (apply|deploy|rollback) /.test(line));
    if (deploys && provider === 'github') {
      const group = job.concurrency as { 'cancel-in-progress'?: boolean } | undefined;
      if (group?.['cancel-in-progress'] !== false)
        problems.push(`${id}: deploys without a concurrency group that keeps a deploy in progress`);
    }
    if (deploys && provider === 'gitlab' && typeof job.resource_group !== 'string')
      problems.push(`${id}: deploys without a resource_group`);
  }
  if (provider === 'github') {
    const permissions = (document as { permissions?: unknown }).permissions;
    if (JSON.stringify(permissions) !== JSON.stringify({ contents: 'read' }))
      problems.push(`top-level permissions are ${JSON.stringify(permissions)}, not { contents: read }`);
  }
  const literal =
    /(ghp_[A-Za-z0-9]{20,}|glpat-[\w-]{20,}|-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16})/.exec(text);
  if (literal) problems.push(`a credential is written into the file: ${literal[0].slice(0, 12)}…`);
  return problems;
}

export function jobsOf(provider: Provider, document: Record<string, unknown>): Record<string, Job> {
  if (provider === 'github') return (document.jobs ?? {}) as Record<string, Job>;
  return Object.fromEntries(
    Object.entries(document).filter(([key]) => !GITLAB_GLOBALS.has(key) && !key.startsWith('.')),
  ) as Record<string, Job>;
}

function names(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((item) => (typeof item === 'string' ? item : String((item as { job?: unknown }).job)));
}

function envOf(provider: Provider, job: Job): Record<string, unknown> {
  if (provider === 'gitlab') return (job.variables ?? {}) as Record<string, unknown>;
  const steps = (job.steps ?? []) as Job[];
  return Object.assign(
    {},
    job.env,
    ...steps.map((step) => step.env ?? {}),
    ...steps.map((step) => step.with ?? {}),
  );
}

/** GitHub: a `${{ secrets.X }}` (or the run's own token); GitLab: a `$VARIABLE` reference. */
function fromStore(provider: Provider, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  return provider === 'github' ? /^\$\{\{ secrets\.\w+ \}\}$/.test(value) : /^\$\w+$/.test(value);
}

function scriptLines(provider: Provider, job: Job): string[] {
  const scripts =
    provider === 'github'
      ? ((job.steps ?? []) as Job[]).map((step) => step.run).filter((run) => typeof run === 'string')
      : [job.before_script, job.script, job.after_script].flat().filter((line) => typeof line === 'string');
  return (scripts as string[]).flatMap((script) => script.split('\n'));
}

function usesOf(job: Job): string[] {
  return ((job.steps ?? []) as Job[])
    .map((step) => step.uses)
    .filter((uses) => typeof uses === 'string') as string[];
}
