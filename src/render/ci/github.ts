/**
 * The pipeline plan as one GitHub Actions workflow, `.github/workflows/gantry.yml`.
 *
 * Jobs: `test` → `image-<service>` (build, Trivy scan of the loaded image, then push and
 * cosign keyless signing; pull requests build and scan only) → `deploy-<staging>` on the main
 * branch → `smoke-<staging>` → `deploy-<production>` (environment protection: the approval) →
 * `smoke-<production>`; `rollback-<env>` when that environment's deploy or smoke job failed.
 * Permissions are `contents: read` at the top and widened per job (packages: write to push to
 * ghcr.io, id-token: write for keyless signing); each environment's jobs share one concurrency
 * group that never cancels a deploy in progress.
 */
import { generatedBanner } from '../generated.ts';
import { registrySecretNames } from './image-ref.ts';
import { type DeployStage, IMAGE_TAG, type ImageBuild, type PipelinePlan } from './plan.ts';
import { smokeScript } from './smoke.ts';
import { type KeyComment, pipelineYaml } from './yaml-text.ts';

export const GITHUB_WORKFLOW_PATH = '.github/workflows/gantry.yml';

/** Major tags (the trivy action publishes only full versions). */
export const ACTIONS = {
  checkout: 'actions/checkout@v5',
  setupNode: 'actions/setup-node@v5',
  setupBuildx: 'docker/setup-buildx-action@v3',
  metadata: 'docker/metadata-action@v5',
  login: 'docker/login-action@v3',
  buildPush: 'docker/build-push-action@v6',
  trivy: 'aquasecurity/trivy-action@0.33.1',
  cosignInstaller: 'sigstore/cosign-installer@v3',
} as const;

const ON_PUSH = "github.event_name == 'push'";
const ON_MAIN = `${ON_PUSH} && github.ref == 'refs/heads/main'`;

type Job = Record<string, unknown>;

/** A GitHub expression, `${{ … }}`, evaluated by the runner. */
function expr(expression: string): string {
  return `\${{ ${expression} }}`;
}

export function githubWorkflow(plan: PipelinePlan): Map<string, string> {
  const jobs: Record<string, Job> = { test: testJob(plan) };
  const comments: KeyComment[] = [];
  for (const image of plan.images) jobs[imageJobId(image)] = imageJob(image);

  let after = ['test', ...plan.images.map(imageJobId)];
  for (const stage of plan.stages) {
    const deployId = `deploy-${stage.environment}`;
    const smokeId = `smoke-${stage.environment}`;
    jobs[deployId] = deployJob(plan, stage, after);
    const lines = [...stage.notes];
    if (stage.approval)
      lines.push(
        `the approval: require reviewers on the ${stage.environment} environment (Settings → Environments → ${stage.environment})`,
      );
    if (lines.length > 0) comments.push({ path: ['jobs', deployId], lines });
    const checked = [deployId];
    if (stage.smoke.length > 0) {
      jobs[smokeId] = smokeJob(stage, deployId);
      checked.push(smokeId);
    }
    jobs[`rollback-${stage.environment}`] = rollbackJob(plan, stage, checked);
    if (stage.approval)
      comments.push({
        path: ['jobs', `rollback-${stage.environment}`],
        lines: [
          `reads KUBE_CONFIG from the ${stage.environment} environment, so its reviewers approve the rollback too`,
        ],
      });
    after = [checked.at(-1)!];
  }

  const header = [
    'Needs: secrets.KUBE_CONFIG per environment (Settings → Environments → <env> → secrets): the kubeconfig gantry deploys with;',
    'gantry in the devDependencies (npm install --save-dev gantry); registries other than ghcr.io:',
    'secrets REGISTRY_<HOST>_USERNAME / REGISTRY_<HOST>_PASSWORD (host upper-cased, other characters as _).',
    ...(plan.notes.length > 0 ? ['', ...plan.notes.map((note) => `Note: ${note}`)] : []),
  ];
  const workflow = {
    name: `${plan.app} delivery`,
    on: {
      push: { branches: ['main'], tags: ['v*'] },
      pull_request: { branches: ['main'] },
    },
    permissions: { contents: 'read' },
    env: { [IMAGE_TAG]: expr('github.sha') },
    jobs,
  };
  const regenerate = `gantry ci --provider github -f ${plan.specFile} -o .`;
  return new Map([
    [GITHUB_WORKFLOW_PATH, pipelineYaml(generatedBanner('#', regenerate), header, workflow, comments)],
  ]);
}

export function imageJobId(image: ImageBuild): string {
  return `image-${image.service}`;
}

function checkoutAndNode(plan: PipelinePlan): Job[] {
  return [
    { uses: ACTIONS.checkout },
    { uses: ACTIONS.setupNode, with: { 'node-version': plan.nodeVersion, cache: 'npm' } },
  ];
}

function testJob(plan: PipelinePlan): Job {
  return {
    'runs-on': 'ubuntu-latest',
    steps: [...checkoutAndNode(plan), ...plan.test.map((command) => ({ run: command }))],
  };
}

function imageJob(image: ImageBuild): Job {
  const ghcr = image.registry === 'ghcr.io';
  const secrets = registrySecretNames(image.registry);
  const cache = {
    'cache-from': `type=gha,scope=${image.service}`,
    'cache-to': `type=gha,mode=max,scope=${image.service}`,
  };
  const local = `${image.repository}:${expr(`env.${IMAGE_TAG}`)}`;
  return {
    name: `image ${image.service}`,
    needs: ['test'],
    'runs-on': 'ubuntu-latest',
    permissions: { contents: 'read', ...(ghcr ? { packages: 'write' } : {}), 'id-token': 'write' },
    steps: [
      { uses: ACTIONS.checkout },
      { uses: ACTIONS.setupBuildx },
      {
        id: 'meta',
        uses: ACTIONS.metadata,
        with: {
          images: image.repository,
          // The commit SHA always (what gantry deploys); on a v1.2.3 tag also 1.2.3 and 1.2.
          tags: [
            'type=sha,format=long,prefix=',
            'type=semver,pattern={{version}}',
            'type=semver,pattern={{major}}.{{minor}}',
          ].join('\n'),
        },
      },
      {
        name: 'build (loaded for the scan)',
        uses: ACTIONS.buildPush,
        with: { context: image.context, file: image.dockerfile, load: true, tags: local, ...cache },
      },
      {
        name: 'scan: fail on critical vulnerabilities',
        uses: ACTIONS.trivy,
        with: { 'image-ref': local, severity: 'CRITICAL', 'exit-code': '1', 'ignore-unfixed': true },
      },
      {
        name: `log in to ${image.registry}`,
        if: ON_PUSH,
        uses: ACTIONS.login,
        with: ghcr
          ? {
              registry: image.registry,
              username: expr('github.actor'),
              password: expr('secrets.GITHUB_TOKEN'),
            }
          : {
              registry: image.registry,
              username: expr(`secrets.${secrets.username}`),
              password: expr(`secrets.${secrets.password}`),
            },
      },
      {
        name: 'push',
        id: 'push',
        if: ON_PUSH,
        uses: ACTIONS.buildPush,
        with: {
          context: image.context,
          file: image.dockerfile,
          push: true,
          tags: expr('steps.meta.outputs.tags'),
          labels: expr('steps.meta.outputs.labels'),
          ...cache,
        },
      },
      { if: ON_PUSH, uses: ACTIONS.cosignInstaller },
      {
        name: 'sign (cosign keyless)',
        if: ON_PUSH,
        env: { DIGEST: expr('steps.push.outputs.digest') },
        run: `cosign sign --yes "${image.repository}@\${DIGEST}"`,
      },
    ],
  };
}

function kubeconfigStep(): Job {
  return {
    name: 'kubeconfig from the KUBE_CONFIG secret (0600, never printed)',
    env: { KUBE_CONFIG: expr('secrets.KUBE_CONFIG') },
    run: [
      'umask 077',
      'printf \'%s\' "$KUBE_CONFIG" > "$RUNNER_TEMP/kubeconfig"',
      'echo "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV"',
    ].join('\n'),
  };
}

function environmentOf(stage: DeployStage): unknown {
  return stage.url === null ? { name: stage.environment } : { name: stage.environment, url: stage.url };
}

/** One group per environment: a second run waits, and a deploy in progress is never cancelled. */
function concurrency(stage: DeployStage): Job {
  return { group: `deploy-${stage.environment}`, 'cancel-in-progress': false };
}

function deployJob(plan: PipelinePlan, stage: DeployStage, needs: string[]): Job {
  return {
    name: `deploy ${stage.environment}`,
    needs,
    if: ON_MAIN,
    'runs-on': 'ubuntu-latest',
    environment: environmentOf(stage),
    concurrency: concurrency(stage),
    steps: [
      ...checkoutAndNode(plan),
      { run: 'npm ci' },
      kubeconfigStep(),
      ...stage.deploy.map((command) => ({ run: command })),
    ],
  };
}

function smokeJob(stage: DeployStage, deployId: string): Job {
  return {
    name: `smoke ${stage.environment}`,
    needs: [deployId],
    'runs-on': 'ubuntu-latest',
    concurrency: concurrency(stage),
    steps: stage.smoke.map((check) => ({
      name: `${check.service}: ${check.method} ${check.url} → ${check.status}`,
      run: smokeScript(check),
    })),
  };
}

function rollbackJob(plan: PipelinePlan, stage: DeployStage, checked: string[]): Job {
  const failed = checked.map((id) => `needs.${id}.result == 'failure'`).join(' || ');
  return {
    name: `rollback ${stage.environment}`,
    needs: checked,
    if: `failure() && ${ON_MAIN} && (${failed})`,
    'runs-on': 'ubuntu-latest',
    environment: { name: stage.environment },
    concurrency: concurrency(stage),
    steps: [
      ...checkoutAndNode(plan),
      { run: 'npm ci' },
      kubeconfigStep(),
      ...stage.rollback.map((command) => ({ run: command })),
    ],
  };
}
