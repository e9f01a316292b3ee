/**
 * `gantry dockerfile`: a multi-stage Dockerfile per Node service, consistent with what
 * `gantry render` runs — the same non-root UID as the pod's runAsUser, the same port and
 * HOST as the container's env, a HEALTHCHECK from the readiness probe — plus a
 * `.dockerignore` per build context. Pure: AppModel in, path → text out (paths relative to the
 * spec's folder, as `build.context` and `build.dockerfile` are), deterministic.
 */
import { posix } from 'node:path';
import type { AppModel, ServiceModel } from '../../spec/model.ts';
import type { Finding } from '../../spec/problem.ts';
import { generatedBanner } from '../generated.ts';
import { DEFAULT_NODE_IMAGE } from '../images.ts';
import { RUN_AS_ID } from '../kubernetes/pod-template.ts';
import { execForm, programOf } from './command.ts';
import { dockerignore } from './dockerignore.ts';
import { type HealthCheck, healthCheck } from './healthcheck.ts';
import { isPinnedImage } from './lint-dockerfile.ts';

/** Where the build context lands in the image. */
export const APP_DIR = '/app';
/** Programs that say a `run` command is a Node service. */
const NODE_PROGRAMS = new Set(['node', 'npm', 'npx', 'tsx', 'yarn', 'pnpm']);

export interface DockerfileOptions {
  /** Only these services (default: every Node service). */
  services?: string[];
  /** The spec file's name as the regenerate command shows it (no folder: it runs beside the spec). */
  specName: string;
}

export interface DockerfileResult {
  /** Dockerfiles and `.dockerignore`s, relative to the spec's folder, in a stable order. */
  files: Map<string, string>;
  /** Which Dockerfile builds which service. */
  services: { service: string; dockerfile: string; context: string; baseImage: string }[];
  /** Spec problems (error: nothing can be written for that service). */
  findings: Finding[];
  /** Services left out, and why. */
  notes: string[];
}

export function generateDockerfiles(model: AppModel, options: DockerfileOptions): DockerfileResult {
  const result: DockerfileResult = { files: new Map(), services: [], findings: [], notes: [] };
  const explicit = options.services !== undefined;
  const names = options.services ?? Object.keys(model.services).sort();
  const ignores = new Map<string, string>();
  const env = model.environment ? ` --env ${model.environment.name}` : '';
  for (const name of names) {
    const service = model.services[name]!;
    const plan = planService(service, explicit);
    if ('note' in plan) {
      result.notes.push(plan.note);
      continue;
    }
    if ('findings' in plan) {
      result.findings.push(...plan.findings);
      continue;
    }
    const regenerate = `gantry dockerfile ${name} -f ${options.specName}${env} -o .`;
    result.files.set(plan.dockerfile, dockerfileText(service, plan, regenerate));
    result.services.push({
      service: name,
      dockerfile: plan.dockerfile,
      context: plan.context,
      baseImage: plan.baseImage,
    });
    const ignorePath = posix.join(plan.context, '.dockerignore');
    if (!ignores.has(ignorePath))
      ignores.set(ignorePath, dockerignore(`gantry dockerfile -f ${options.specName}${env} -o .`));
  }
  for (const [path, text] of [...ignores].sort(([a], [b]) => a.localeCompare(b)))
    result.files.set(path, text);
  return result;
}

interface ServicePlan {
  context: string;
  dockerfile: string;
  baseImage: string;
  /** The image's working directory: the app folder plus the service's workdir within the context. */
  workdir: string;
  run: string;
}

function planService(
  service: ServiceModel,
  explicit: boolean,
): ServicePlan | { findings: Finding[] } | { note: string } {
  const at = (...path: string[]) => ['services', service.name, ...path];
  const program = service.run === undefined ? undefined : programOf(service.run);
  if (service.run !== undefined && (program === undefined || !NODE_PROGRAMS.has(program))) {
    const message = `\`${service.run}\` is not a Node command; gantry dockerfile writes images for Node services only`;
    if (!explicit) return { note: `${service.name}: skipped, ${message}` };
    return { findings: [{ path: at('run'), message, hint: 'write this service’s Dockerfile by hand' }] };
  }
  const findings: Finding[] = [];
  if (service.run === undefined)
    findings.push({
      path: at(),
      message: 'has no `run` command: the image needs one for its CMD',
      hint: 'add `run: node server.js` (relative to gantry.yaml, as `gantry up` runs it)',
    });
  const context = posix.normalize(service.build.context);
  if (escapes(context))
    findings.push({
      path: at('build', 'context'),
      message: `${service.build.context} is outside the spec's folder`,
      hint: 'build contexts are relative to gantry.yaml and inside its folder',
    });
  const dockerfile = posix.normalize(
    service.build.dockerfile ?? posix.join(context, `Dockerfile.${service.name}`),
  );
  if (service.build.dockerfile !== undefined && escapes(dockerfile))
    findings.push({
      path: at('build', 'dockerfile'),
      message: `${service.build.dockerfile} is outside the spec's folder`,
      hint: 'give a path relative to gantry.yaml, inside its folder',
    });
  const workdir = posix.relative(
    posix.join('/', context),
    posix.join('/', posix.normalize(service.workdir ?? '.')),
  );
  if (escapes(workdir))
    findings.push({
      path: at('workdir'),
      message: `${service.workdir ?? '.'} is outside the build context ${context}, so the image would not contain it`,
      hint: `set build.context to a folder that holds ${service.workdir ?? 'the spec folder'}`,
    });
  const baseImage = service.build.baseImage ?? DEFAULT_NODE_IMAGE;
  if (!isPinnedImage(baseImage))
    findings.push({
      path: at('build', 'baseImage'),
      message: `${baseImage} is not pinned: a rebuild may get a different runtime`,
      hint: `name a release tag or a digest, e.g. ${DEFAULT_NODE_IMAGE}`,
    });
  if (findings.length > 0) return { findings };
  return {
    context,
    dockerfile,
    baseImage,
    workdir: workdir === '' ? APP_DIR : posix.join(APP_DIR, workdir),
    run: service.run!,
  };
}

function escapes(path: string): boolean {
  return path === '..' || path.startsWith('../') || path.startsWith('/');
}

function dockerfileText(service: ServiceModel, plan: ServicePlan, regenerate: string): string {
  const ports = [
    ...(service.port === undefined ? [] : [service.port]),
    ...(service.ports ?? []).map((p) => p.port),
  ];
  const cmd = execForm(plan.run);
  const lines = [
    generatedBanner('#', regenerate).trimEnd(),
    `# Builds ${service.name} from the context ${plan.context} (docker build -f ${plan.dockerfile} ${plan.context}).`,
    '',
    '# ── build: every dependency, then the build script, then only production dependencies are kept',
    `FROM ${plan.baseImage} AS build`,
    `WORKDIR ${APP_DIR}`,
    '# The manifests first: this layer (and npm ci) is reused until the lock file changes.',
    'COPY package.json package-lock.json ./',
    'RUN npm ci --no-audit --no-fund',
    'COPY . .',
    'RUN npm run build --if-present && npm prune --omit=dev --no-audit --no-fund',
    '',
    '# ── runtime: the app and its production dependencies, no compilers, no npm cache',
    `FROM ${plan.baseImage}`,
    'ENV NODE_ENV=production',
    `# The UID and GID gantry render runs the pod as (runAsUser/runAsGroup); USER is numeric so`,
    '# Kubernetes can verify runAsNonRoot without reading /etc/passwd.',
    ...createUser(plan.baseImage),
    '# Owned by root: the service can read its code but not rewrite it.',
    `COPY --from=build ${APP_DIR} ${APP_DIR}`,
    `WORKDIR ${plan.workdir}`,
    `USER ${RUN_AS_ID}:${RUN_AS_ID}`,
    // HOST: the app binds 127.0.0.1 unless told otherwise; in a container it must listen on all interfaces.
    ...(service.port === undefined ? ['ENV HOST=0.0.0.0'] : [`ENV PORT=${service.port} HOST=0.0.0.0`]),
    ...(ports.length > 0 ? [`EXPOSE ${ports.join(' ')}`] : []),
    ...healthcheckLines(healthCheck(service)),
    ...(cmd.viaShell
      ? ['# The command needs a shell; `exec` makes the program PID 1 so it gets SIGTERM.']
      : []),
    `CMD ${JSON.stringify(cmd.argv)}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Debian's shadow tools, or BusyBox's on Alpine images (which have no groupadd/useradd). */
function createUser(baseImage: string): string[] {
  if (/alpine/.test(baseImage))
    return [
      `RUN addgroup -S -g ${RUN_AS_ID} app \\`,
      ` && adduser -S -D -H -u ${RUN_AS_ID} -G app -s /sbin/nologin app`,
    ];
  return [
    `RUN groupadd --system --gid ${RUN_AS_ID} app \\`,
    ` && useradd --system --uid ${RUN_AS_ID} --gid ${RUN_AS_ID} --no-create-home --shell /usr/sbin/nologin app`,
  ];
}

function healthcheckLines(check: HealthCheck | undefined): string[] {
  if (!check)
    return ['# No probe and no port: nothing to check from inside the container.', 'HEALTHCHECK NONE'];
  const why =
    check.from === 'port'
      ? '# No probe in the spec: healthy while the service port accepts connections.'
      : `# The ${check.from} probe (period, timeout, failureThreshold; start period = the startup probe's budget).`;
  return [
    why,
    `HEALTHCHECK --interval=${check.intervalSeconds}s --timeout=${check.timeoutSeconds}s` +
      ` --start-period=${check.startPeriodSeconds}s --retries=${check.retries} \\`,
    `  CMD ${JSON.stringify(check.command)}`,
  ];
}
