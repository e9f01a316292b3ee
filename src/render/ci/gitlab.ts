/**
 * The pipeline plan as GitLab CI, `.gitlab-ci.yml`.
 *
 * Jobs: `test` → `image:<service>` (buildx with a registry layer cache, pushed at the commit
 * SHA) → `scan:<service>` (Trivy, fails on critical findings) → `sign:<service>` (cosign keyless
 * with the SIGSTORE_ID_TOKEN id token; semver tags on a v1.2.3 tag, so only scanned images get
 * them) → `deploy:<staging>` on the default branch → `smoke:<staging>` → `deploy:<production>`
 * (`when: manual`: the approval) → `smoke:<production>`; `rollback:<env>` (`when: on_failure`)
 * after that environment's deploy or smoke job. Each environment's jobs share a
 * `resource_group`, so two deploys never run at once.
 */
import { generatedBanner } from '../generated.ts';
import { registrySecretNames } from './image-ref.ts';
import { type DeployStage, IMAGE_TAG, type ImageBuild, type PipelinePlan } from './plan.ts';
import { smokeScript } from './smoke.ts';
import { type KeyComment, pipelineYaml } from './yaml-text.ts';

export const GITLAB_CI_PATH = '.gitlab-ci.yml';

export const IMAGES = {
  node: (major: string) => `node:${major}-bookworm`,
  docker: 'docker:27',
  dind: 'docker:27-dind',
  trivy: 'aquasec/trivy:0.65.0',
} as const;

const ON_DEFAULT_BRANCH = '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH';

type Job = Record<string, unknown>;

export function gitlabPipeline(plan: PipelinePlan): Map<string, string> {
  const jobs: Record<string, Job> = { test: testJob(plan) };
  const comments: KeyComment[] = [];
  const stages = ['test', 'build', 'scan', 'sign'];
  for (const image of plan.images) {
    jobs[`image:${image.service}`] = imageJob(image);
    jobs[`scan:${image.service}`] = scanJob(image);
    jobs[`sign:${image.service}`] = signJob(image);
  }

  let after = ['test', ...plan.images.map((image) => `sign:${image.service}`)];
  for (const stage of plan.stages) {
    const env = stage.environment;
    const deployId = `deploy:${env}`;
    jobs[deployId] = deployJob(plan, stage, after);
    stages.push(`deploy-${env}`);
    if (stage.notes.length > 0) comments.push({ path: [deployId], lines: stage.notes });
    const checked = [deployId];
    if (stage.smoke.length > 0) {
      jobs[`smoke:${env}`] = smokeJob(stage, deployId);
      stages.push(`smoke-${env}`);
      checked.push(`smoke:${env}`);
    }
    jobs[`rollback:${env}`] = rollbackJob(plan, stage, checked);
    stages.push(`rollback-${env}`);
    after = [checked.at(-1)!];
  }

  const header = [
    'Needs: a CI/CD variable KUBE_CONFIG (type Variable, masked, scoped to each environment): the kubeconfig',
    'gantry deploys with; gantry in the devDependencies (npm install --save-dev gantry); registries other than',
    'registry.gitlab.com: variables REGISTRY_<HOST>_USERNAME / REGISTRY_<HOST>_PASSWORD (host upper-cased,',
    'other characters as _). Docker jobs need a runner that allows docker:dind (privileged).',
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
    image: IMAGES.node(plan.nodeVersion),
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

function dockerLogin(image: ImageBuild): string {
  const { username, password } = registryCredentials(image);
  return `printf '%s' "$${password}" | docker login ${image.registry} --username "$${username}" --password-stdin`;
}

function dockerJob(stage: string, needs: string[]): Job {
  return {
    stage,
    image: IMAGES.docker,
    services: [IMAGES.dind],
    variables: { DOCKER_TLS_CERTDIR: '/certs' },
    needs,
  };
}

function imageJob(image: ImageBuild): Job {
  const cache = `${image.repository}:buildcache`;
  return {
    ...dockerJob('build', ['test']),
    script: [
      dockerLogin(image),
      'docker buildx create --use --driver docker-container',
      [
        'docker buildx build',
        `--file ${image.dockerfile}`,
        `--cache-from type=registry,ref=${cache}`,
        `--cache-to type=registry,ref=${cache},mode=max`,
        `--tag "${image.repository}:$${IMAGE_TAG}"`,
        '--push --metadata-file image.json',
        image.context,
      ].join(' '),
      // The digest the scan and the signature refer to, handed to later jobs as a dotenv report.
      'apk add --no-cache jq',
      `printf 'IMAGE_DIGEST=%s\\n' "$(jq -r '.["containerimage.digest"]' image.json)" > image.env`,
    ],
    artifacts: { reports: { dotenv: 'image.env' } },
  };
}

function scanJob(image: ImageBuild): Job {
  const { username, password } = registryCredentials(image);
  return {
    stage: 'scan',
    image: { name: IMAGES.trivy, entrypoint: [''] },
    needs: [`image:${image.service}`],
    variables: { TRIVY_USERNAME: `$${username}`, TRIVY_PASSWORD: `$${password}` },
    script: [
      `trivy image --exit-code 1 --severity CRITICAL --ignore-unfixed --no-progress "${image.repository}@$IMAGE_DIGEST"`,
    ],
  };
}

function signJob(image: ImageBuild): Job {
  const at = `"${image.repository}@$IMAGE_DIGEST"`;
  return {
    ...dockerJob('sign', [`image:${image.service}`, `scan:${image.service}`]),
    id_tokens: { SIGSTORE_ID_TOKEN: { aud: 'sigstore' } },
    script: [
      'apk add --no-cache cosign',
      dockerLogin(image),
      `cosign sign --yes ${at}`,
      [
        'if echo "$CI_COMMIT_TAG" | grep -Eq \'^v[0-9]+\\.[0-9]+\\.[0-9]+$\'; then',
        `  version="\${CI_COMMIT_TAG#v}"`,
        `  docker buildx imagetools create --tag "${image.repository}:$version" --tag "${image.repository}:\${version%.*}" ${at}`,
        'fi',
      ].join('\n'),
    ],
  };
}

/** Written to a mktemp file (0600), exported for gantry; never printed. */
const KUBECONFIG_LINES = ['export KUBECONFIG="$(mktemp)"', 'printf \'%s\' "$KUBE_CONFIG" > "$KUBECONFIG"'];

function environmentOf(stage: DeployStage): unknown {
  return stage.url === null ? { name: stage.environment } : { name: stage.environment, url: stage.url };
}

function deployJob(plan: PipelinePlan, stage: DeployStage, needs: string[]): Job {
  return {
    stage: `deploy-${stage.environment}`,
    image: IMAGES.node(plan.nodeVersion),
    needs,
    rules: [stage.approval ? { if: ON_DEFAULT_BRANCH, when: 'manual' } : { if: ON_DEFAULT_BRANCH }],
    ...(stage.approval ? { allow_failure: false } : {}),
    environment: environmentOf(stage),
    resource_group: stage.environment,
    script: ['npm ci', ...KUBECONFIG_LINES, ...stage.deploy],
  };
}

function smokeJob(stage: DeployStage, deployId: string): Job {
  return {
    stage: `smoke-${stage.environment}`,
    image: IMAGES.node('20'),
    needs: [deployId],
    rules: [{ if: ON_DEFAULT_BRANCH }],
    script: stage.smoke.map(smokeScript),
  };
}

function rollbackJob(plan: PipelinePlan, stage: DeployStage, checked: string[]): Job {
  return {
    stage: `rollback-${stage.environment}`,
    image: IMAGES.node(plan.nodeVersion),
    needs: checked,
    rules: [{ if: ON_DEFAULT_BRANCH, when: 'on_failure' }],
    environment: { name: stage.environment },
    resource_group: stage.environment,
    script: ['npm ci', ...KUBECONFIG_LINES, ...stage.rollback],
  };
}
