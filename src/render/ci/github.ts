/**
 * The pipeline plan as one GitHub Actions workflow, `.github/workflows/gantry.yml`.
 *
 * Jobs: `test` → `image-<service>` (build once and load it, scan that image with Trivy, then on
 * a push: push that same image, sign its digest with cosign keyless; the digest is the job's
 * output; pull requests build and scan only) → `deploy-<staging>` on the main branch (verify each
 * signature, then deploy each service by digest) → `smoke-<staging>` → `deploy-<production>`
 * (environment protection: the approval) → `smoke-<production>`; `rollback-<env>` when that
 * environment's deploy or smoke job failed.
 * Permissions are `contents: read` at the top and widened per job (packages: write to push to
 * ghcr.io, id-token: write for keyless signing and for OIDC into AWS). Every job has a
 * `timeout-minutes`, every checkout drops its credentials. Deploys share one concurrency group per
 * environment that never cancels a deploy in progress; smoke checks have none and rollbacks their
 * own, so a newer queued deploy can never cancel a pending rollback.
 */
import { generatedBanner } from '../generated.ts';
import { ACTIONS, RELEASE_COMMENTS, TRIVY_VERSION, uses } from './actions.ts';
import type { AwsAccess } from './aws-access.ts';
import { registrySecretNames } from './image-ref.ts';
import { type DeployStage, IMAGE_TAG, type ImageBuild, type PipelinePlan } from './plan.ts';
import { smokeScript } from './smoke.ts';
import { type KeyComment, pipelineYaml } from './yaml-text.ts';

export const GITHUB_WORKFLOW_PATH = '.github/workflows/gantry.yml';

const ON_PUSH = "github.event_name == 'push'";
const ON_MAIN = `${ON_PUSH} && github.ref == 'refs/heads/main'`;
const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

/** Minutes: long enough for a cold npm ci and a full build, short enough that a hang is noticed. */
const TIMEOUTS = { test: 20, image: 30, smoke: 10, rollback: 20 } as const;

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
    // Every deploy job reads the digests from the image jobs, so it needs them directly.
    const needs = [...new Set([...after, ...plan.images.map(imageJobId)])];
    jobs[deployId] = deployJob(plan, stage, needs);
    const lines = [...stage.notes];
    if (stage.approval)
      lines.push(
        `the approval: require reviewers on the ${stage.environment} environment (Settings → Environments → ${stage.environment})`,
      );
    if (stage.runner)
      lines.push(
        `runs on a self-hosted runner labelled ${stage.runner.join(', ')} inside the VPC: the API endpoint is private (gantry infra's ci_runner security group reaches it)`,
      );
    if (lines.length > 0) comments.push({ path: ['jobs', deployId], lines });
    const checked = [deployId];
    if (stage.smoke.length > 0) {
      jobs[smokeId] = smokeJob(stage, deployId);
      checked.push(smokeId);
    }
    jobs[`rollback-${stage.environment}`] = rollbackJob(plan, stage, checked);
    comments.push({
      path: ['jobs', `rollback-${stage.environment}`],
      lines: [
        'its own concurrency group: a newer deploy waiting in the deploy group cannot cancel it',
        ...(stage.approval
          ? [`runs in the ${stage.environment} environment, so its reviewers approve the rollback too`]
          : []),
      ],
    });
    after = [checked.at(-1)!];
  }

  const usesKubeconfig = plan.stages.some((stage) => stage.aws === null);
  const header = [
    ...(usesKubeconfig
      ? [
          'Needs: secrets.KUBE_CONFIG in each environment without aws settings (Settings → Environments → <env> → secrets).',
        ]
      : []),
    'Environments with aws settings deploy through the role gantry infra creates (OIDC: no long-lived key).',
    'gantry in the devDependencies (npm install --save-dev gantry); registries other than ghcr.io and ECR:',
    'secrets REGISTRY_<HOST>_USERNAME / REGISTRY_<HOST>_PASSWORD (host upper-cased, other characters as _).',
    'Actions are pinned to commit SHAs, the release beside each; let Dependabot or Renovate keep them current.',
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
  const text = pipelineYaml(generatedBanner('#', regenerate), header, workflow, comments, RELEASE_COMMENTS);
  return new Map([[GITHUB_WORKFLOW_PATH, text]]);
}

export function imageJobId(image: ImageBuild): string {
  return `image-${image.service}`;
}

/** A checkout that leaves no token behind in .git/config for later steps to find. */
const CHECKOUT: Job = { uses: uses(ACTIONS.checkout), with: { 'persist-credentials': false } };

function checkoutAndNode(plan: PipelinePlan): Job[] {
  return [
    CHECKOUT,
    { uses: uses(ACTIONS.setupNode), with: { 'node-version': plan.nodeVersion, cache: 'npm' } },
  ];
}

function testJob(plan: PipelinePlan): Job {
  return {
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': TIMEOUTS.test,
    steps: [...checkoutAndNode(plan), ...plan.test.map((command) => ({ run: command }))],
  };
}

/** OIDC into an environment's deploy role: short-lived credentials, nothing stored. */
function awsCredentials(access: AwsAccess, condition?: string): Job {
  return {
    name: `AWS credentials: assume ${access.roleArn.split('/').pop()} (OIDC)`,
    ...(condition ? { if: condition } : {}),
    uses: uses(ACTIONS.awsCredentials),
    with: { 'role-to-assume': access.roleArn, 'aws-region': access.region },
  };
}

/** Logs docker (and so cosign) in to the image's registry. */
function registryLogin(image: ImageBuild, condition?: string): Job {
  const when = condition ? { if: condition } : {};
  if (image.aws)
    return {
      name: `log in to ${image.registry} (ECR, with the role's credentials)`,
      ...when,
      run: `aws ecr get-login-password --region ${image.aws.region} | docker login --username AWS --password-stdin ${image.registry}`,
    };
  const secrets = registrySecretNames(image.registry);
  const ghcr = image.registry === 'ghcr.io';
  return {
    name: `log in to ${image.registry}`,
    ...when,
    uses: uses(ACTIONS.login),
    with: {
      registry: image.registry,
      username: ghcr ? expr('github.actor') : expr(`secrets.${secrets.username}`),
      password: ghcr ? expr('secrets.GITHUB_TOKEN') : expr(`secrets.${secrets.password}`),
    },
  };
}

function imageJob(image: ImageBuild): Job {
  const ghcr = image.registry === 'ghcr.io';
  const cache = {
    'cache-from': `type=gha,scope=${image.service}`,
    'cache-to': `type=gha,mode=max,scope=${image.service}`,
  };
  const local = `${image.repository}:${expr(`env.${IMAGE_TAG}`)}`;
  return {
    name: `image ${image.service}`,
    needs: ['test'],
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': TIMEOUTS.image,
    permissions: { contents: 'read', ...(ghcr ? { packages: 'write' } : {}), 'id-token': 'write' },
    outputs: { digest: expr('steps.push.outputs.digest') },
    steps: [
      CHECKOUT,
      ...(image.aws ? [awsCredentials(image.aws, ON_PUSH)] : []),
      { uses: uses(ACTIONS.setupBuildx) },
      {
        id: 'meta',
        uses: uses(ACTIONS.metadata),
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
        name: 'build once, into the runner (the scan and the push use this image)',
        uses: uses(ACTIONS.buildPush),
        with: {
          context: image.context,
          file: image.dockerfile,
          load: true,
          push: false,
          tags: expr('steps.meta.outputs.tags'),
          labels: expr('steps.meta.outputs.labels'),
          ...cache,
        },
      },
      {
        name: 'scan: fail on critical vulnerabilities',
        uses: uses(ACTIONS.trivy),
        with: {
          'image-ref': local,
          severity: 'CRITICAL',
          'exit-code': '1',
          'ignore-unfixed': true,
          version: TRIVY_VERSION,
        },
      },
      registryLogin(image, ON_PUSH),
      {
        name: 'push the scanned image; its digest is the output',
        id: 'push',
        if: ON_PUSH,
        env: { REPOSITORY: image.repository },
        run: [
          'docker push --all-tags "$REPOSITORY"',
          `digest="$(docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$REPOSITORY:$${IMAGE_TAG}" | sed -n "s|^$REPOSITORY@||p" | head -n 1)"`,
          'test -n "$digest"',
          'echo "digest=$digest" >> "$GITHUB_OUTPUT"',
        ].join('\n'),
      },
      { if: ON_PUSH, uses: uses(ACTIONS.cosignInstaller) },
      {
        name: 'sign the pushed digest (cosign keyless)',
        if: ON_PUSH,
        env: { DIGEST: expr('steps.push.outputs.digest') },
        run: `cosign sign --yes "${image.repository}@\${DIGEST}"`,
      },
    ],
  };
}

/** Each digest must carry a signature made by this workflow on this ref (the image jobs of this run). */
function verifySignatures(plan: PipelinePlan): Job {
  return {
    name: 'verify each image signature before it is deployed',
    run: plan.images
      .map(
        (image) =>
          `cosign verify --certificate-identity "$GITHUB_SERVER_URL/$GITHUB_WORKFLOW_REF" --certificate-oidc-issuer ${GITHUB_OIDC_ISSUER} "${image.repository}@$${image.digestVariable}" > /dev/null`,
      )
      .join('\n'),
  };
}

/** The kubeconfig: from the deploy role (EKS, OIDC) or from the KUBE_CONFIG secret; 0600, never printed. */
function kubeconfigSteps(stage: DeployStage): Job[] {
  if (stage.aws)
    return [
      awsCredentials(stage.aws),
      {
        name: `kubeconfig for EKS cluster ${stage.aws.cluster} (a token from the role, no stored secret)`,
        run: [
          'umask 077',
          `aws eks update-kubeconfig --name ${stage.aws.cluster} --region ${stage.aws.region} --kubeconfig "$RUNNER_TEMP/kubeconfig"`,
          'echo "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV"',
        ].join('\n'),
      },
    ];
  return [
    {
      name: 'kubeconfig from the KUBE_CONFIG secret (0600, never printed)',
      env: { KUBE_CONFIG: expr('secrets.KUBE_CONFIG') },
      run: [
        'umask 077',
        'printf \'%s\' "$KUBE_CONFIG" > "$RUNNER_TEMP/kubeconfig"',
        'echo "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV"',
      ].join('\n'),
    },
  ];
}

function environmentOf(stage: DeployStage): unknown {
  return stage.url === null ? { name: stage.environment } : { name: stage.environment, url: stage.url };
}

function runsOn(stage: DeployStage): unknown {
  return stage.runner ?? 'ubuntu-latest';
}

function deployPermissions(plan: PipelinePlan, stage: DeployStage): Job {
  const ghcr = plan.images.some((image) => image.registry === 'ghcr.io');
  return {
    contents: 'read',
    ...(ghcr ? { packages: 'read' } : {}),
    ...(stage.aws ? { 'id-token': 'write' } : {}),
  };
}

function deployJob(plan: PipelinePlan, stage: DeployStage, needs: string[]): Job {
  const registries = [...new Map(plan.images.map((image) => [image.registry, image])).values()];
  return {
    name: `deploy ${stage.environment}`,
    needs,
    if: ON_MAIN,
    'runs-on': runsOn(stage),
    'timeout-minutes': stage.timeoutMinutes,
    environment: environmentOf(stage),
    // One deploy at a time per environment; a deploy in progress is never cancelled.
    concurrency: { group: `deploy-${stage.environment}`, 'cancel-in-progress': false },
    permissions: deployPermissions(plan, stage),
    env: Object.fromEntries(
      plan.images.map((image) => [image.digestVariable, expr(`needs.${imageJobId(image)}.outputs.digest`)]),
    ),
    steps: [
      ...checkoutAndNode(plan),
      { run: 'npm ci' },
      ...kubeconfigSteps(stage),
      { uses: uses(ACTIONS.cosignInstaller) },
      ...registries.filter((image) => !image.aws || stage.aws).map((image) => registryLogin(image)),
      verifySignatures(plan),
      ...stage.deploy.map((command) => ({ run: command })),
    ],
  };
}

function smokeJob(stage: DeployStage, deployId: string): Job {
  return {
    name: `smoke ${stage.environment}`,
    needs: [deployId],
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': TIMEOUTS.smoke,
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
    'runs-on': runsOn(stage),
    'timeout-minutes': TIMEOUTS.rollback,
    environment: { name: stage.environment },
    concurrency: { group: `rollback-${stage.environment}`, 'cancel-in-progress': false },
    ...(stage.aws ? { permissions: { contents: 'read', 'id-token': 'write' } } : {}),
    steps: [
      ...checkoutAndNode(plan),
      { run: 'npm ci' },
      ...kubeconfigSteps(stage),
      ...stage.rollback.map((command) => ({ run: command })),
    ],
  };
}
