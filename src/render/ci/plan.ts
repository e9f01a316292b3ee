/**
 * The delivery pipeline as data, before any CI syntax: what the test stage runs, which image
 * each service builds and where it goes, and for staging then production the commands that
 * deploy, check and roll back. `github.ts` and `gitlab.ts` render this same plan, so both
 * pipelines do the same things in the same order:
 *
 *   test → image per service (build once, scan that image, push it, sign its digest)
 *        → staging (verify each signature, apply, deploy each digest, watch) → smoke staging
 *        → production behind an approval (the same) → smoke production; rollback on failure
 *
 * How a deploy job reaches its cluster comes from the environment's `aws` settings, the same ones
 * `gantry infra` builds the access from: OIDC into the deploy role (no long-lived key), a
 * kubeconfig from `aws eks update-kubeconfig`, and either a runner inside the VPC or a public
 * endpoint open to the runners' CIDRs. An environment without them gets a KUBE_CONFIG secret.
 *
 * Pure: the spec models in, plain data out (no clock, no paths of this machine).
 */
import { posix } from 'node:path';
import type { AppModel } from '../../spec/model.ts';
import { NODE_LTS } from '../images.ts';
import { type AwsAccess, awsAccess, ecrRegistry } from './aws-access.ts';
import { type ImageRepository, imageRepository } from './image-ref.ts';
import { shellLine } from './shell.ts';
import { type SmokeRequest, smokeUrl } from './smoke.ts';

export interface PipelineInput {
  /** The spec's path from the repository root, with `/`: what `-f` gets in CI. */
  specFile: string;
  /** The base spec (no environment selected). */
  base: AppModel;
  /** Every environment the spec declares, loaded for the cluster, in the spec's order. */
  environments: readonly AppModel[];
}

export interface ImageBuild extends ImageRepository {
  service: string;
  /** Build context and Dockerfile from the repository root (the spec's `build`, which is relative to gantry.yaml). */
  context: string;
  dockerfile: string;
  /** The job variable the pushed digest (sha256:…) reaches later jobs in: DIGEST_API. */
  digestVariable: string;
  /** An ECR registry: the environment role CI assumes (OIDC) to push there. */
  aws: AwsAccess | null;
}

export interface DeployStage {
  environment: string;
  tier: 'staging' | 'production';
  url: string | null;
  /** Production waits for a person: GitHub environment protection, GitLab `when: manual`. */
  approval: boolean;
  /** OIDC into the environment's deploy role and an EKS kubeconfig; null: the KUBE_CONFIG secret. */
  aws: AwsAccess | null;
  /** Self-hosted runner labels (the endpoint is private); null: the provider's hosted runners. */
  runner: string[] | null;
  /** The deploy job's limit: each service's `--timeout` plus the rest, so a stuck wait ends. */
  timeoutMinutes: number;
  /** `gantry apply`, then per service `gantry deploy SERVICE --version $IMAGE_TAG --digest $DIGEST_…`, then `gantry rollout status --watch`. */
  deploy: string[];
  smoke: SmokeRequest[];
  /** Per service `gantry rollback`, run when the deploy or the smoke checks failed. */
  rollback: string[];
  /** Said in a comment beside the stage's jobs (no URL, no smoke checks). */
  notes: string[];
}

export interface PipelinePlan {
  app: string;
  specFile: string;
  /** The Node major the test stage and the gantry commands run on (the current LTS, as the Dockerfiles). */
  nodeVersion: string;
  test: string[];
  images: ImageBuild[];
  /** Staging first, then production; either may be missing (see notes). */
  stages: DeployStage[];
  /** Said in a comment at the top of the file. */
  notes: string[];
}

/** The variable every job reads the image tag from: the commit SHA (set by each renderer). */
export const IMAGE_TAG = 'IMAGE_TAG';

/** gantry from the project's devDependencies (`npx --no` never downloads a package). */
const GANTRY = ['npx', '--no', 'gantry'];

/** How long one `gantry deploy --wait` may take before it fails (and the rollback job runs). */
export const DEPLOY_TIMEOUT_SECONDS = 900;

/** What the test stage runs: install exactly the lock file, then the project's own scripts if it has them. */
export const TEST_COMMANDS = [
  'npm ci',
  'npm run lint --if-present',
  'npm run typecheck --if-present',
  'npm test --if-present',
];

export function planPipeline(input: PipelineInput): PipelinePlan {
  const { base, environments, specFile } = input;
  const notes: string[] = [];
  const images: ImageBuild[] = [];
  for (const service of Object.values(base.services)) {
    if (!service.image) {
      notes.push(`service ${service.name} has no image in the spec: not built, not deployed`);
      continue;
    }
    const repository = imageRepository(service.image);
    images.push({
      service: service.name,
      ...repository,
      ...buildPaths(specFile, service),
      digestVariable: digestVariable(service.name),
      aws: ecrPusher(repository.registry, environments, notes),
    });
  }

  const staging = environments.find((model) => model.environment?.tier === 'staging');
  const production = environments.find((model) => model.environment?.tier === 'production');
  const deployed = [staging, production].filter((model) => model !== undefined);
  const stages = deployed.map((model) => deployStage(model, specFile, images));

  if (environments.length === 0)
    notes.push('the spec declares no environments: the pipeline tests and builds, and deploys nothing');
  else {
    if (!staging)
      notes.push(
        production
          ? 'no staging environment in the spec: production is deployed right after the images, behind the approval'
          : 'no staging environment in the spec',
      );
    if (!production) notes.push('no production environment in the spec: nothing is deployed past staging');
    for (const model of environments.filter((m) => !deployed.includes(m))) {
      const { name, tier } = model.environment!;
      const instead = deployed.find((d) => d.environment!.tier === tier)?.environment?.name;
      notes.push(
        `environment ${name} (${tier}) is not deployed by CI${instead ? ` (${tier} is ${instead})` : ''}`,
      );
    }
  }
  return { app: base.app, specFile, nodeVersion: NODE_LTS.major, test: TEST_COMMANDS, images, stages, notes };
}

/** DIGEST_API: where an image job leaves the digest it pushed, for the deploy jobs. */
export function digestVariable(service: string): string {
  return `DIGEST_${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * An ECR registry is pushed to with the deploy role of an environment in that account and region
 * (gantry infra lets it push to the repositories the images name); other registries need none.
 */
function ecrPusher(registry: string, environments: readonly AppModel[], notes: string[]): AwsAccess | null {
  const ecr = ecrRegistry(registry);
  if (!ecr) return null;
  for (const model of environments) {
    const access = awsAccess(model);
    if (access && access.accountId === ecr.accountId && access.region === ecr.region) return access;
  }
  notes.push(
    `${registry} is ECR, but no environment sets aws.accountId ${ecr.accountId} and region ${ecr.region}: CI has no role to push there`,
  );
  return null;
}

function deployStage(model: AppModel, specFile: string, images: readonly ImageBuild[]): DeployStage {
  const env = model.environment!;
  const target = ['-f', specFile, '--env', env.name];
  const inEnv = images.map((image) => image.service).filter((name) => model.services[name] !== undefined);
  const deploy = [
    shellLine([...GANTRY, 'apply', ...target]),
    ...inEnv.map((name) =>
      shellLine([
        ...GANTRY,
        'deploy',
        name,
        ...target,
        '--version',
        { variable: IMAGE_TAG },
        '--digest',
        { variable: digestVariable(name) },
        '--wait',
        '--timeout',
        String(DEPLOY_TIMEOUT_SECONDS),
      ]),
    ),
    ...inEnv.map((name) => shellLine([...GANTRY, 'rollout', 'status', name, ...target, '--watch'])),
  ];
  const rollback = inEnv.map((name) => shellLine([...GANTRY, 'rollback', name, ...target]));

  const notes: string[] = [];
  const aws = awsAccess(model);
  if (!aws)
    notes.push(
      `no environments.${env.name}.aws (accountId, region, clusterAccess): the deploy reads a long-lived kubeconfig from the KUBE_CONFIG secret; with them it assumes the deploy role gantry infra creates (OIDC)`,
    );
  // gantry deploy --version changes only the tag: the environment must run the repository CI pushed to.
  for (const image of images) {
    const own = model.services[image.service]?.image;
    if (own && imageRepository(own).repository !== image.repository)
      notes.push(
        `${image.service} runs ${imageRepository(own).repository} in ${env.name}, but CI pushes ${image.repository}: its deploy will not find the image`,
      );
  }
  const declared = inEnv.flatMap((name) =>
    (model.services[name]!.release.smoke ?? []).map((check) => ({ service: name, ...check })),
  );
  let smoke: SmokeRequest[] = [];
  if (declared.length === 0) notes.push(`no smoke checks: no service declares release.smoke for ${env.name}`);
  else if (model.url === null)
    notes.push(
      `smoke checks skipped: environments.${env.name}.url is not set (the checks need the URL to call)`,
    );
  else
    smoke = declared.map((check) => ({
      service: check.service,
      method: check.method,
      url: smokeUrl(model.url!, check.path),
      status: check.status,
      ...(check.bodyContains === undefined ? {} : { bodyContains: check.bodyContains }),
    }));
  return {
    environment: env.name,
    tier: env.tier === 'production' ? 'production' : 'staging',
    url: model.url,
    approval: env.tier === 'production',
    aws,
    runner: aws?.runner ?? null,
    // Each service's deploy may take DEPLOY_TIMEOUT_SECONDS; apply, the watch and npm ci take minutes.
    timeoutMinutes: Math.ceil((inEnv.length * DEPLOY_TIMEOUT_SECONDS) / 60) + 15,
    deploy,
    smoke,
    rollback,
    notes,
  };
}

/** The spec's `build` paths, relative to gantry.yaml, as paths from the repository root. */
function buildPaths(
  specFile: string,
  service: { name: string; build: { context: string; dockerfile?: string | undefined } },
): { context: string; dockerfile: string } {
  const specDir = posix.dirname(specFile);
  const context = posix.normalize(posix.join(specDir, service.build.context));
  const dockerfile = service.build.dockerfile
    ? posix.normalize(posix.join(specDir, service.build.dockerfile))
    : posix.join(context, `Dockerfile.${service.name}`);
  return { context, dockerfile };
}
