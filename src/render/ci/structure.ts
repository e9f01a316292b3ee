/**
 * Checks a generated pipeline as text, the way a reviewer would: it parses as YAML, every
 * `needs:`/`dependencies:` names a job that exists, every action is pinned to a commit SHA, every
 * job has a timeout, no checkout keeps its token, a secret is only ever read from the CI's store
 * (never written into the file) and never printed, every job that deploys is serialised, no smoke
 * check or rollback can be cancelled by a newer deploy, and (GitLab) nothing is pushed from a
 * branch other than the default one. The schema validators (action-validator, GitLab's ci.json) say
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

/** A full commit SHA: a tag can be moved to other code, a commit cannot. */
const PINNED = /@[0-9a-f]{40}$/;

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
          problems.push(`${id}: ${uses} is not pinned to a commit SHA`);
    if (provider === 'github') {
      if (typeof job['timeout-minutes'] !== 'number') problems.push(`${id}: no timeout-minutes`);
      for (const step of (job.steps ?? []) as Job[])
        if (String(step.uses ?? '').startsWith('actions/checkout@'))
          if ((step.with as Job | undefined)?.['persist-credentials'] !== false)
            problems.push(`${id}: checkout keeps its token (persist-credentials is not false)`);
    }
    if (provider === 'gitlab' && typeof job.timeout !== 'string') problems.push(`${id}: no timeout`);
    const deploys = scriptLines(provider, job).some((line) => / gantry (apply|deploy|rollback) /.test(line));
    if (deploys && provider === 'github') {
      const group = job.concurrency as { 'cancel-in-progress'?: boolean } | undefined;
      if (group?.['cancel-in-progress'] !== false)
        problems.push(`${id}: deploys without a concurrency group that keeps a deploy in progress`);
    }
    // GitHub keeps one pending job per concurrency group and cancels the older: a smoke check or
    // a rollback queued in the deploy group would be cancelled by the next deploy.
    const rollsBack = scriptLines(provider, job).some((line) => / gantry rollback /.test(line));
    const group = (job.concurrency as { group?: string } | undefined)?.group;
    if (provider === 'github' && (rollsBack || /^smoke/.test(id)) && group?.startsWith('deploy-'))
      problems.push(`${id}: shares the deploy concurrency group, so a newer deploy can cancel it`);
    if (provider === 'gitlab' && (rollsBack || /^smoke/.test(id)) && job.interruptible !== false)
      problems.push(`${id}: may be interrupted by a newer pipeline`);
    if (provider === 'gitlab' && scriptLines(provider, job).some((line) => /docker push|cache-to/.test(line)))
      if (!publishesOnlyFromDefaultBranch(job))
        problems.push(
          `${id}: pushes from every branch and merge request, not only the default branch and tags`,
        );
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

/** GitLab: the push is guarded by a PUBLISH variable that only the default branch or a tag sets. */
function publishesOnlyFromDefaultBranch(job: Job): boolean {
  const rules = (job.rules ?? []) as { if?: string; variables?: Record<string, string> }[];
  const publish = rules.filter((rule) => rule.variables?.PUBLISH === 'true');
  const guarded = publish.every((rule) => /CI_COMMIT_BRANCH == \$CI_DEFAULT_BRANCH/.test(rule.if ?? ''));
  const script = scriptLines('gitlab', job).join('\n');
  return publish.length > 0 && guarded && /if \[ "\$PUBLISH" = true \]; then\n\s+docker push/.test(script);
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
