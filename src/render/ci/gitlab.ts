/**
 * The pipeline plan as GitLab CI, `.gitlab-ci.yml`.
 *
 * Jobs: `test` → `image:<service>` (build once into the job's Docker, scan that image with Trivy
 * through the same daemon; on the default branch or a tag only: push that image, sign its digest
 * with cosign keyless (SIGSTORE_ID_TOKEN) and hand the digest on as a dotenv report; the layer
 * cache is written from there too) → `verify:images` (cosign verify of every digest) →
 * `deploy:<staging>` on the default branch, by digest → `smoke:<staging>` → `deploy:<production>`
 * (`when: manual`: the approval) → `smoke:<production>`; `rollback:<env>` (`when: on_failure`)
 * after that environment's deploy or smoke job. Every job has a `timeout`. Deploys and rollbacks
 * of an environment share its `resource_group` (GitLab queues, it never cancels), smoke checks
 * take none. Environments with aws settings deploy through OIDC (AWS_ID_TOKEN) into the role
 * `gantry infra` creates.
 */
import { generatedBanner } from '../generated.ts';
import { DOCKER_CLI_IMAGE, DOCKER_DIND_IMAGE, NODE_CI_IMAGE } from '../images.ts';
import type { AwsAccess } from './aws-access.ts';
import { registrySecretNames } from './image-ref.ts';
import { type DeployStage, IMAGE_TAG, type ImageBuild, type PipelinePlan } from './plan.ts';
import { smokeScript } from './smoke.ts';
import { type KeyComment, pipelineYaml } from './yaml-text.ts';

export const GITLAB_CI_PATH = '.gitlab-ci.yml';

export const IMAGES = {
  node: NODE_CI_IMAGE,
  docker: DOCKER_CLI_IMAGE,
  dind: DOCKER_DIND_IMAGE,
  trivy: 'aquasec/trivy:0.70.0',
} as const;

const ON_DEFAULT_BRANCH = '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH';
/** Images are pushed (and the cache written) only from here: never from feature branches or merge requests. */
const PUBLISHES = `${ON_DEFAULT_BRANCH} || $CI_COMMIT_TAG`;

const TIMEOUTS = {
  test: '20 minutes',
  image: '30 minutes',
  verify: '10 minutes',
  smoke: '10 minutes',
  rollback: '20 minutes',
};

type Job = Record<string, unknown>;

export function gitlabPipeline(plan: PipelinePlan): Map<string, string> {
  const jobs: Record<string, Job> = { test: testJob(plan) };
  const comments: KeyComment[] = [];
  const stages = ['test', 'build', 'verify'];
  for (const image of plan.images) jobs[`image:${image.service}`] = imageJob(image);
  if (plan.images.length > 0 && plan.stages.length > 0) jobs['verify:images'] = verifyJob(plan);

  let after = ['test', ...(jobs['verify:images'] ? ['verify:images'] : [])];
  for (const stage of plan.stages) {
    const env = stage.environment;
    const deployId = `deploy:${env}`;
    // The digests come from the image jobs' dotenv reports, so every deploy needs those jobs.
    const needs = [...new Set([...after, ...plan.images.map((image) => `image:${image.service}`)])];
    jobs[deployId] = deployJob(stage, needs);
    stages.push(`deploy-${env}`);
    const lines = [...stage.notes];
    if (stage.runner)
      lines.push(
        `runs on a self-hosted runner tagged ${stage.runner.join(', ')} inside the VPC: the API endpoint is private`,
      );
    if (lines.length > 0) comments.push({ path: [deployId], lines });
    const checked = [deployId];
    if (stage.smoke.length > 0) {
      jobs[`smoke:${env}`] = smokeJob(stage, deployId);
      stages.push(`smoke-${env}`);
      checked.push(`smoke:${env}`);
    }
    jobs[`rollback:${env}`] = rollbackJob(stage, checked);
    stages.push(`rollback-${env}`);
    after = [checked.at(-1)!];
  }

  const header = [
    ...(plan.stages.some((stage) => stage.aws === null)
      ? [
          'Needs: a CI/CD variable KUBE_CONFIG (type Variable, masked, scoped to each environment without aws settings).',
        ]
      : []),
    'Environments with aws settings deploy through the role gantry infra creates (OIDC: no long-lived key).',
    'gantry in the devDependencies (npm install --save-dev gantry); registries other than registry.gitlab.com',
    'and ECR: variables REGISTRY_<HOST>_USERNAME / REGISTRY_<HOST>_PASSWORD (host upper-cased, other characters',
    'as _). Image jobs need a runner that allows docker:dind (privileged).',
    ...(plan.notes.length > 0 ? ['', ...plan.notes.map((note) => `Note: ${note}`)] : []),
  ];
  const pipeline = {
    // Branch and tag pipelines, and merge request pipelines instead of duplicate branch ones.
    workflow: {
      rules: [
        { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' },
        { if: '$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS', when: 'never' },
        { if: '$CI_COMMIT_BRANCH' },
        { if: '$CI_COMMIT_TAG' },
      ],
    },
    stages,
    variables: { [IMAGE_TAG]: '$CI_COMMIT_SHA' },
    ...jobs,
  };
  const regenerate = `gantry ci --provider gitlab -f ${plan.specFile} -o .`;
  return new Map([
    [GITLAB_CI_PATH, pipelineYaml(generatedBanner('#', regenerate), header, pipeline, comments)],
  ]);
}

function testJob(plan: PipelinePlan): Job {
  return {
    stage: 'test',
    image: IMAGES.node,
    timeout: TIMEOUTS.test,
    variables: { npm_config_cache: '$CI_PROJECT_DIR/.npm' },
    cache: { key: { files: ['package-lock.json'] }, paths: ['.npm/'] },
    script: plan.test,
  };
}

/** Credentials for the image's registry: GitLab's own for its registry, else the REGISTRY_<HOST>_* variables. */
function registryCredentials(image: ImageBuild): { username: string; password: string } {
  if (image.registry === 'registry.gitlab.com')
    return { username: 'CI_REGISTRY_USER', password: 'CI_REGISTRY_PASSWORD' };
  return registrySecretNames(image.registry);
}

/** The aws CLI reads the job's OIDC token from a file and assumes the role with it. */
function assumeRole(access: AwsAccess): string[] {
  return [
    'printf \'%s\' "$AWS_ID_TOKEN" > "$CI_BUILDS_DIR/.aws-id-token"',
    'export AWS_WEB_IDENTITY_TOKEN_FILE="$CI_BUILDS_DIR/.aws-id-token"',
    `export AWS_ROLE_ARN=${access.roleArn} AWS_REGION=${access.region} AWS_ROLE_SESSION_NAME="gitlab-$CI_JOB_ID"`,
  ];
}

function dockerLogin(image: ImageBuild): string[] {
  if (image.aws)
    return [
      'apk add --no-cache aws-cli',
      ...assumeRole(image.aws),
      `aws ecr get-login-password | docker login --username AWS --password-stdin ${image.registry}`,
    ];
  const { username, password } = registryCredentials(image);
  return [
    `printf '%s' "$${password}" | docker login ${image.registry} --username "$${username}" --password-stdin`,
  ];
}

function dockerJob(stage: string, needs: string[], timeout: string): Job {
  return {
    stage,
    image: IMAGES.docker,
    services: [IMAGES.dind],
    variables: { DOCKER_TLS_CERTDIR: '/certs' },
    timeout,
    needs,
  };
}

function imageJob(image: ImageBuild): Job {
  const cache = `${image.repository}:buildcache`;
  const local = `"${image.repository}:$${IMAGE_TAG}"`;
  return {
    ...dockerJob('build', ['test'], TIMEOUTS.image),
    // PUBLISH: only the default branch and tags push images, signatures and the layer cache.
    rules: [{ if: PUBLISHES, variables: { PUBLISH: 'true' } }, { when: 'on_success' }],
    id_tokens: {
      SIGSTORE_ID_TOKEN: { aud: 'sigstore' },
      ...(image.aws ? { AWS_ID_TOKEN: { aud: 'sts.amazonaws.com' } } : {}),
    },
    script: [
      'apk add --no-cache cosign',
      ...dockerLogin(image),
      'docker buildx create --use --driver docker-container',
      [
        'if [ "$PUBLISH" = true ]; then',
        `  cache_to="--cache-to type=registry,ref=${cache},mode=max"`,
        'fi',
      ].join('\n'),
      // Built once and loaded into the job's Docker: the scan and the push both use this image.
      [
        'docker buildx build',
        `--file ${image.dockerfile}`,
        `--cache-from type=registry,ref=${cache} $cache_to`,
        `--tag ${local} --load`,
        image.context,
      ].join(' '),
      // Trivy reads the image from the same daemon (the dind service's socket).
      `docker run --rm -v /var/run/docker.sock:/var/run/docker.sock ${IMAGES.trivy} image --exit-code 1 --severity CRITICAL --ignore-unfixed --no-progress ${local}`,
      [
        'if [ "$PUBLISH" = true ]; then',
        `  docker push ${local}`,
        `  digest="$(docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' ${local} | sed -n 's|^${image.repository}@||p' | head -n 1)"`,
        '  test -n "$digest"',
        `  cosign sign --yes "${image.repository}@$digest"`,
        `  printf '${image.digestVariable}=%s\\n' "$digest" > image.env`,
        'else',
        `  : > image.env`,
        'fi',
      ].join('\n'),
      [
        'if echo "$CI_COMMIT_TAG" | grep -Eq \'^v[0-9]+\\.[0-9]+\\.[0-9]+$\'; then',
        `  version="\${CI_COMMIT_TAG#v}"`,
        `  docker buildx imagetools create --tag "${image.repository}:$version" --tag "${image.repository}:\${version%.*}" "${image.repository}@$digest"`,
        'fi',
      ].join('\n'),
    ],
    artifacts: { reports: { dotenv: 'image.env' } },
  };
}

/** Every digest must carry a signature made by this project's pipeline on a protected ref. */
function verifyJob(plan: PipelinePlan): Job {
  const registries = [...new Map(plan.images.map((image) => [image.registry, image])).values()];
  return {
    ...dockerJob(
      'verify',
      plan.images.map((image) => `image:${image.service}`),
      TIMEOUTS.verify,
    ),
    rules: [{ if: ON_DEFAULT_BRANCH }],
    ...(plan.images.some((image) => image.aws)
      ? { id_tokens: { AWS_ID_TOKEN: { aud: 'sts.amazonaws.com' } } }
      : {}),
    script: [
      'apk add --no-cache cosign',
      ...registries.flatMap(dockerLogin),
      ...plan.images.map(
        (image) =>
          `cosign verify --certificate-identity-regexp "^$CI_PROJECT_URL//\\.gitlab-ci\\.yml@refs/(heads|tags)/" --certificate-oidc-issuer "$CI_SERVER_URL" "${image.repository}@$${image.digestVariable}" > /dev/null`,
      ),
    ],
  };
}

/** The kubeconfig: from the deploy role (EKS, OIDC) or the KUBE_CONFIG variable; a 0600 file, never printed. */
function kubeconfigLines(stage: DeployStage): string[] {
  if (stage.aws)
    return [
      'apt-get update -qq && apt-get install -y -qq --no-install-recommends awscli > /dev/null',
      ...assumeRole(stage.aws),
      'export KUBECONFIG="$(mktemp)"',
      `aws eks update-kubeconfig --name ${stage.aws.cluster} --region ${stage.aws.region} --kubeconfig "$KUBECONFIG"`,
    ];
  return ['export KUBECONFIG="$(mktemp)"', 'printf \'%s\' "$KUBE_CONFIG" > "$KUBECONFIG"'];
}

function environmentOf(stage: DeployStage): unknown {
  return stage.url === null ? { name: stage.environment } : { name: stage.environment, url: stage.url };
}

/** Runner tags and the OIDC token a job reaching the cluster needs. */
function clusterJob(stage: DeployStage): Job {
  return {
    ...(stage.runner ? { tags: stage.runner } : {}),
    ...(stage.aws ? { id_tokens: { AWS_ID_TOKEN: { aud: 'sts.amazonaws.com' } } } : {}),
  };
}

function deployJob(stage: DeployStage, needs: string[]): Job {
  return {
    stage: `deploy-${stage.environment}`,
    image: IMAGES.node,
    needs,
    rules: [stage.approval ? { if: ON_DEFAULT_BRANCH, when: 'manual' } : { if: ON_DEFAULT_BRANCH }],
    ...(stage.approval ? { allow_failure: false } : {}),
    environment: environmentOf(stage),
    resource_group: stage.environment,
    interruptible: false,
    timeout: `${stage.timeoutMinutes} minutes`,
    ...clusterJob(stage),
    script: ['npm ci', ...kubeconfigLines(stage), ...stage.deploy],
  };
}

function smokeJob(stage: DeployStage, deployId: string): Job {
  return {
    stage: `smoke-${stage.environment}`,
    image: IMAGES.node,
    needs: [deployId],
    rules: [{ if: ON_DEFAULT_BRANCH }],
    interruptible: false,
    timeout: TIMEOUTS.smoke,
    script: stage.smoke.map(smokeScript),
  };
}

function rollbackJob(stage: DeployStage, checked: string[]): Job {
  return {
    stage: `rollback-${stage.environment}`,
    image: IMAGES.node,
    needs: checked,
    rules: [{ if: ON_DEFAULT_BRANCH, when: 'on_failure' }],
    environment: { name: stage.environment },
    resource_group: stage.environment,
    interruptible: false,
    timeout: TIMEOUTS.rollback,
    ...clusterJob(stage),
    script: ['npm ci', ...kubeconfigLines(stage), ...stage.rollback],
  };
}
