import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pipelineInput, smallSpec } from './fixtures.test-support.ts';
import { planPipeline, TEST_COMMANDS } from './plan.ts';

describe('planPipeline on the example shop', () => {
  const plan = planPipeline(pipelineInput());

  it('tests with the lock file, lint, type-check and the tests', () => {
    assert.deepEqual(plan.test, TEST_COMMANDS);
    assert.equal(plan.test[0], 'npm ci');
  });

  it('builds every service into the repository its image names, paths from the repository root', () => {
    assert.deepEqual(plan.images, [
      {
        service: 'api',
        registry: 'ghcr.io',
        repository: 'ghcr.io/acme/shop-api',
        context: 'examples/shop',
        dockerfile: 'examples/shop/Dockerfile.api',
        digestVariable: 'DIGEST_API',
        aws: null,
      },
      {
        service: 'worker',
        registry: 'ghcr.io',
        repository: 'ghcr.io/acme/shop-worker',
        context: 'examples/shop',
        dockerfile: 'examples/shop/Dockerfile.worker',
        digestVariable: 'DIGEST_WORKER',
        aws: null,
      },
    ]);
  });

  it('deploys staging, then prod behind the approval; dev is left out and said so', () => {
    assert.deepEqual(
      plan.stages.map((s) => [s.environment, s.tier, s.approval]),
      [
        ['staging', 'staging', false],
        ['prod', 'production', true],
      ],
    );
    assert.deepEqual(plan.notes, ['environment dev (development) is not deployed by CI']);
  });

  it('staging: apply, then each service deployed at the commit SHA by the digest CI pushed, then watched', () => {
    const F = '-f examples/shop/gantry.yaml --env staging';
    assert.deepEqual(plan.stages[0]!.deploy, [
      `npx --no gantry apply ${F}`,
      `npx --no gantry deploy api ${F} --version "$IMAGE_TAG" --digest "$DIGEST_API" --wait --timeout 900`,
      `npx --no gantry deploy worker ${F} --version "$IMAGE_TAG" --digest "$DIGEST_WORKER" --wait --timeout 900`,
      `npx --no gantry rollout status api ${F} --watch`,
      `npx --no gantry rollout status worker ${F} --watch`,
    ]);
    assert.deepEqual(plan.stages[0]!.rollback, [
      `npx --no gantry rollback api ${F}`,
      `npx --no gantry rollback worker ${F}`,
    ]);
  });

  it("smoke checks are each environment's release.smoke against its url", () => {
    assert.deepEqual(plan.stages[0]!.smoke, [
      {
        service: 'api',
        method: 'GET',
        url: 'https://staging.shop.example.com/health/ready',
        status: 200,
        bodyContains: '1.4.2',
      },
      { service: 'api', method: 'GET', url: 'https://staging.shop.example.com/api/products', status: 200 },
    ]);
    assert.deepEqual(
      plan.stages[1]!.smoke.map((c) => c.url),
      ['https://shop.example.com/health/ready'],
    );
  });

  it('reaches each environment as gantry infra opens it: the deploy role by OIDC, the cluster, the runner', () => {
    assert.deepEqual(plan.stages[0]!.aws, {
      accountId: '123456789012',
      region: 'us-east-1',
      cluster: 'shop-staging',
      roleArn: 'arn:aws:iam::123456789012:role/shop-staging-ci-deploy',
      runner: null,
    });
    assert.deepEqual(plan.stages[1]!.runner, ['self-hosted', 'shop-prod'], 'prod: private endpoint');
    assert.equal(plan.nodeVersion, '26', 'the current Node LTS, as the Dockerfiles');
  });

  it('is deterministic: the same input gives the same plan', () => {
    assert.deepEqual(planPipeline(pipelineInput()), plan);
  });
});

describe('planPipeline: what the spec declares decides the stages', () => {
  const envs = {
    none: '',
    prodOnly: '  production:\n    url: https://tiny.example.com\n',
    stagingOnly: '  qa: { tier: staging }\n',
    stagingNoUrl:
      '  staging:\n    services: { web: { release: { strategy: blue-green, smoke: [{ path: /ready }] } } }\n',
    twoStaging: '  staging: {}\n  qa: { tier: staging }\n  prod: {}\n',
  };
  const plan = (yaml: string) => planPipeline(pipelineInput(smallSpec(yaml), 'deploy/gantry.yaml'));

  it('build paths follow the spec: context and dockerfile relative to gantry.yaml, default Dockerfile.<service>', () => {
    const images = plan(envs.none).images;
    assert.deepEqual(
      images.map((i) => [i.service, i.registry, i.repository, i.context, i.dockerfile]),
      [
        [
          'web',
          'registry.example.com:5000',
          'registry.example.com:5000/team/web',
          'deploy/web',
          'deploy/web/Containerfile',
        ],
        ['jobs', 'docker.io', 'acme/jobs', 'deploy', 'deploy/Dockerfile.jobs'],
      ],
    );
  });

  const rows: [name: string, yaml: string, stages: string[], notes: string[]][] = [
    [
      'no environments',
      envs.none,
      [],
      ['the spec declares no environments: the pipeline tests and builds, and deploys nothing'],
    ],
    [
      'production only',
      envs.prodOnly,
      ['production'],
      [
        'no staging environment in the spec: production is deployed right after the images, behind the approval',
      ],
    ],
    [
      'staging only (tier set)',
      envs.stagingOnly,
      ['qa'],
      ['no production environment in the spec: nothing is deployed past staging'],
    ],
    [
      'two staging-tier environments: the first is deployed',
      envs.twoStaging,
      ['staging', 'prod'],
      ['environment qa (staging) is not deployed by CI (staging is staging)'],
    ],
  ];
  it('without aws settings an environment deploys with a KUBE_CONFIG secret, and the stage says so', () => {
    const prod = plan(envs.prodOnly).stages[0]!;
    assert.equal(prod.aws, null);
    assert.match(prod.notes[0]!, /^no environments\.production\.aws .*KUBE_CONFIG secret/);
  });

  it('an ECR image is pushed with the deploy role of the environment in its account and region', () => {
    const ecr = smallSpec('  prod:\n    aws: { accountId: "210987654321", region: eu-west-1 }\n').replace(
      'acme/jobs:2.1.0',
      '210987654321.dkr.ecr.eu-west-1.amazonaws.com/tiny/jobs:2.1.0',
    );
    const images = planPipeline(pipelineInput(ecr, 'gantry.yaml')).images;
    assert.equal(images[1]!.aws?.roleArn, 'arn:aws:iam::210987654321:role/tiny-prod-ci-deploy');
    assert.equal(images[0]!.aws, null);
  });

  for (const [name, yaml, stages, notes] of rows)
    it(name, () => {
      const p = plan(yaml);
      assert.deepEqual(
        p.stages.map((s) => s.environment),
        stages,
      );
      assert.deepEqual(p.notes, notes);
    });

  it('an environment that runs another image repository than the base: said, since CI pushes the base one', () => {
    const staging = plan('  staging:\n    services: { jobs: { image: ghcr.io/acme/jobs:2.1.0 } }\n')
      .stages[0]!;
    assert.deepEqual(staging.notes.slice(1, 2), [
      'jobs runs ghcr.io/acme/jobs in staging, but CI pushes acme/jobs: its deploy will not find the image',
    ]);
  });

  it('no smoke checks, or no url to run them against: said in the stage notes, none generated', () => {
    assert.deepEqual(plan(envs.prodOnly).stages[0]!.notes.slice(1), [
      'no smoke checks: no service declares release.smoke for production',
    ]);
    const staging = plan(envs.stagingNoUrl).stages[0]!;
    assert.deepEqual(staging.smoke, []);
    assert.deepEqual(staging.notes.slice(1), [
      'smoke checks skipped: environments.staging.url is not set (the checks need the URL to call)',
    ]);
  });
});
