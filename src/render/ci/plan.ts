/**
 * The delivery pipeline as data, before any CI syntax: what the test stage runs, which image
 * each service builds and where it goes, and for staging then production the commands that
 * deploy, check and roll back. `github.ts` and `gitlab.ts` render this same plan, so both
 * pipelines do the same things in the same order:
 *
 *   test → image per service (build, scan, push, sign) → staging (apply, deploy SHA, watch)
 *        → smoke staging → production behind an approval → smoke production; rollback on failure
 *
 * Pure: the spec models in, plain data out (no clock, no paths of this machine).
 */
import { posix } from 'node:path';
import type { AppModel } from '../../spec/model.ts';
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
}

export interface DeployStage {
  environment: string;
  tier: 'staging' | 'production';
  url: string | null;
  /** Production waits for a person: GitHub environment protection, GitLab `when: manual`. */
  approval: boolean;
  /** `gantry apply`, then per service `gantry deploy SERVICE --version $IMAGE_TAG`, then `gantry rollout status --watch`. */
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
  /** The Node major the test stage and the gantry commands run on. */
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
    images.push({
      service: service.name,
      ...imageRepository(service.image),
      ...buildPaths(specFile, service),
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
  return { app: base.app, specFile, nodeVersion: '20', test: TEST_COMMANDS, images, stages, notes };
}

function deployStage(model: AppModel, specFile: string, images: readonly ImageBuild[]): DeployStage {
  const env = model.environment!;
  const target = ['-f', specFile, '--env', env.name];
  const inEnv = images.map((image) => image.service).filter((name) => model.services[name] !== undefined);
  const deploy = [
    shellLine([...GANTRY, 'apply', ...target]),
    ...inEnv.map((name) =>
      shellLine([...GANTRY, 'deploy', name, ...target, '--version', { variable: IMAGE_TAG }, '--wait']),
    ),
    ...inEnv.map((name) => shellLine([...GANTRY, 'rollout', 'status', name, ...target, '--watch'])),
  ];
  const rollback = inEnv.map((name) => shellLine([...GANTRY, 'rollback', name, ...target]));

  const notes: string[] = [];
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
