// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${…}` in these strings is Terraform interpolation, not a forgotten JS template
/**
 * The root module: which modules to call and with what (main.tf), the inputs that differ per
 * environment (variables.tf, with validation), outputs.tf, and versions.tf with the providers
 * and the S3 backend (partial configuration: each environment's state key is in
 * environments/<env>.s3.tfbackend; the bucket and region are given at `terraform init`).
 *
 * The code is shaped by one environment's spec (`--env`: its services, IAM, routes, health
 * checks); everything sized per environment (zones, NAT, counts, instance classes, Multi-AZ,
 * whether a backing service is managed there) is a variable, set by each environment's tfvars.
 */

import { connectionVariables, urlVariable } from '../../spec/connection.ts';
import type { AppModel, BackingModel, ServiceModel } from '../../spec/model.ts';
import { ecrRegistry } from '../ci/aws-access.ts';
import { imageRepository } from '../ci/image-ref.ts';
import { serviceAccountName } from '../kubernetes/names.ts';
import {
  data,
  locals,
  moduleCall,
  output,
  policyDocument,
  resource,
  type Statement,
  variable,
} from './blocks.ts';
import {
  callersOf,
  DEFAULT_VERSIONS,
  healthCheck,
  MODULE_OF_KIND,
  routesByService,
  sortedServices,
} from './facts.ts';
import {
  attr,
  type Body,
  block,
  call,
  comment,
  expr,
  type Item,
  object,
  template,
  type Value,
} from './hcl.ts';

const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

export type InfraTarget = 'eks' | 'ecs';

export interface ManagedBacking {
  /** The module call and its variable: rds_db, elasticache_cache, msk_events. */
  id: string;
  backing: BackingModel;
}

export interface RootInput {
  target: InfraTarget;
  model: AppModel;
  /** Environment names the `environment` variable accepts. */
  environments: string[];
  managed: ManagedBacking[];
}

const EXTERNAL_SECRETS = { namespace: 'external-secrets', serviceAccount: 'external-secrets' };

/**
 * The registry is the one the spec's images name — the one `gantry ci` pushes to: ECR
 * repositories are created only for images on ECR (`<account>.dkr.ecr.<region>.amazonaws.com/…`),
 * named as the image names them; images on ghcr.io or elsewhere get none.
 */
export function ecrRepositories(model: AppModel): string[] {
  const names = new Set<string>();
  for (const service of sortedServices(model)) {
    if (!service.image) continue;
    const { registry, repository } = imageRepository(service.image);
    if (ecrRegistry(registry)) names.add(repository.slice(registry.length + 1));
  }
  return [...names].sort();
}

/** The key that encrypts the environment's logs, secrets and database insights; CloudWatch Logs may use it. */
function dataKey(): Item {
  const account = '${data.aws_caller_identity.current.account_id}';
  const region = '${data.aws_region.current.name}';
  return resource('aws_kms_key', 'data', [
    attr('description', template('${local.name}: logs, secrets, database storage and insights')),
    attr('enable_key_rotation', true),
    attr('deletion_window_in_days', 30),
    attr(
      'policy',
      call(
        'jsonencode',
        object({
          Version: '2012-10-17',
          Statement: [
            object({
              Sid: 'AccountAdministers',
              Effect: 'Allow',
              Principal: object({ AWS: template(`arn:aws:iam::${account}:root`) }),
              Action: 'kms:*',
              Resource: '*',
            }),
            object({
              Sid: 'CloudWatchLogsOfThisAccount',
              Effect: 'Allow',
              Principal: object({ Service: template(`logs.${region}.amazonaws.com`) }),
              Action: [
                'kms:Encrypt*',
                'kms:Decrypt*',
                'kms:ReEncrypt*',
                'kms:GenerateDataKey*',
                'kms:Describe*',
              ],
              Resource: '*',
              Condition: object({
                ArnLike: object({
                  'kms:EncryptionContext:aws:logs:arn': template(`arn:aws:logs:${region}:${account}:*`),
                }),
              }),
            }),
          ],
        }),
      ),
    ),
  ]);
}

export function rootMain(input: RootInput): Body {
  const { model, target } = input;
  const externalSecrets = target === 'eks' && model.secrets.provider === 'external-secrets';
  const repositories = ecrRepositories(model);
  return [
    locals([attr('app', model.app), attr('name', template('${local.app}-${var.environment}'))]),
    data('aws_caller_identity', 'current', []),
    data('aws_region', 'current', []),
    dataKey(),
    moduleCall('vpc', './modules/vpc', [
      attr('name', expr('local.name')),
      attr('cidr', expr('var.vpc_cidr')),
      attr('az_count', expr('var.az_count')),
      attr('single_nat_gateway', expr('var.single_nat_gateway')),
      attr('kms_key_arn', expr('aws_kms_key.data.arn')),
      attr('log_retention_days', expr('var.log_retention_days')),
      ...(target === 'eks' ? [attr('cluster_name', expr('local.name'))] : []),
    ]),
    ...(repositories.length > 0
      ? [moduleCall('ecr', './modules/ecr', [attr('repositories', repositories)])]
      : []),
    ...(target === 'eks'
      ? [eksCall(model, externalSecrets, repositories.length > 0)]
      : [...databaseUrlSecrets(model, input.managed), ecsCall(model, input.managed)]),
    ...input.managed.map((m) => backingCall(model, m, target)),
  ];
}

/** The token subjects the deploy role trusts: the spec's repository, its deploy environment (and its main branch to push to ECR). */
function ciTrust(model: AppModel, pushesToEcr: boolean): Value {
  const ci = model.ci;
  if (!ci) return null;
  const subjects =
    ci.provider === 'github'
      ? [
          `repo:${ci.repository}:environment:\${var.environment}`,
          ...(pushesToEcr ? [`repo:${ci.repository}:ref:refs/heads/main`] : []),
        ]
      : [`project_path:${ci.repository}:ref_type:branch:ref:main`];
  return object({
    issuer_url: ci.provider === 'github' ? GITHUB_OIDC_ISSUER : ci.gitlabUrl.replace(/\/+$/, ''),
    subjects: subjects.map((subject) => template(subject)),
    provider_arn: expr('var.ci_oidc_provider_arn'),
  });
}

function eksCall(model: AppModel, externalSecrets: boolean, pushesToEcr: boolean): Item {
  const roles: Record<string, Value> = {};
  for (const service of sortedServices(model)) {
    if (!service.iam?.length) continue;
    roles[service.name] = object({
      namespace: expr('var.namespace'),
      service_account: serviceAccountName(service),
      policy: servicePolicy(service),
    });
  }
  if (externalSecrets)
    roles['external-secrets'] = object({
      namespace: EXTERNAL_SECRETS.namespace,
      service_account: EXTERNAL_SECRETS.serviceAccount,
      policy: policyDocument([
        {
          actions: ['secretsmanager:GetSecretValue'],
          resources: [
            template(
              'arn:aws:secretsmanager:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:secret:${local.app}/*',
            ),
          ],
        },
      ]),
    });
  return moduleCall('eks', './modules/eks', [
    attr('name', expr('local.name')),
    attr('kubernetes_version', expr('var.kubernetes_version')),
    attr('vpc_id', expr('module.vpc.vpc_id')),
    attr('subnet_ids', expr('module.vpc.private_subnet_ids')),
    attr('public_access_cidrs', expr('var.public_access_cidrs')),
    attr('node_groups', expr('var.node_groups')),
    attr('kms_key_arn', expr('aws_kms_key.data.arn')),
    attr('log_retention_days', expr('var.log_retention_days')),
    comment(
      model.ci
        ? `CI: ${model.ci.provider} pipelines of ${model.ci.repository} assume the deploy role (OIDC), in this environment only.`
        : 'CI: no `ci:` in the spec (provider, repository), so no deploy role; gantry ci then needs a KUBE_CONFIG secret.',
    ),
    attr('ci', ciTrust(model, pushesToEcr)),
    attr('deploy_role_name', template('${local.name}-ci-deploy')),
    ...(pushesToEcr ? [attr('ecr_repository_arns', expr('values(module.ecr.repository_arns)'))] : []),
    comment(
      `IRSA: each role is bound to namespace/ServiceAccount exactly as \`gantry render\` names them.${externalSecrets ? '\nexternal-secrets: the External Secrets Operator (Helm chart defaults) reads <app>/* from Secrets Manager.' : ''}`,
    ),
    attr('service_account_roles', object(roles)),
  ]);
}

/** The spec's `iam` statements as a policy: exactly those actions on exactly those resources. */
function servicePolicy(service: ServiceModel): Value {
  const statements: Statement[] = (service.iam ?? []).map((s) => ({
    actions: s.actions,
    resources: s.resources,
  }));
  return policyDocument(statements);
}

/**
 * The variables a service gets for what it `uses`, as on Kubernetes: `<NAME>_URL` of a service
 * (its Service Connect name), and DATABASE_URL/<NAME>_URL, REDIS_URL/<NAME>_URL of a backing
 * service from the Secrets Manager secret `<app>/<name>/url` — written by the ElastiCache module,
 * created by you for RDS (its password is RDS-managed). Kafka: none (as on clusters).
 */
function connections(
  model: AppModel,
  service: ServiceModel,
  managed: readonly ManagedBacking[],
): { plain: Record<string, Value>; secrets: Record<string, Value> } {
  const plain: Record<string, Value> = {};
  const secrets: Record<string, Value> = {};
  for (const used of service.uses) {
    const other = model.services[used];
    if (other?.port !== undefined) plain[urlVariable(used)] = `http://${used}:${other.port}`;
    const backing = managed.find((m) => m.backing.name === used);
    if (!backing || backing.backing.kind === 'kafka') continue;
    const arn =
      backing.backing.kind === 'redis'
        ? expr(`one(module.${backing.id}[*].url_secret_arn)`)
        : expr(`data.aws_secretsmanager_secret.${backing.id}_url.arn`);
    for (const name of connectionVariables(backing.backing.kind, used))
      if (!(name in service.env) && !service.secrets.includes(name)) secrets[name] = arn;
  }
  return { plain, secrets };
}

/** RDS keeps its own password, so its URL secret is the user's to create (a rotation Lambda can keep it current). */
function databaseUrlSecrets(model: AppModel, managed: readonly ManagedBacking[]): Item[] {
  return managed
    .filter(
      (m) =>
        m.backing.kind === 'postgres' && sortedServices(model).some((s) => s.uses.includes(m.backing.name)),
    )
    .map((m) =>
      data('aws_secretsmanager_secret', `${m.id}_url`, [
        comment(
          `Create it before planning: postgres://USER:PASSWORD@HOST:5432/${model.app.replaceAll('-', '_')}?sslmode=require`,
        ),
        attr('name', template(`\${local.app}/${m.backing.name}/url`)),
      ]),
    );
}

function ecsCall(model: AppModel, managed: readonly ManagedBacking[]): Item {
  const routes = routesByService(model);
  const services: Record<string, Value> = {};
  for (const service of sortedServices(model)) {
    const perEnv = (field: string) => expr(`var.services[${JSON.stringify(service.name)}].${field}`);
    const check = healthCheck(service);
    services[service.name] = object({
      image: perEnv('image'),
      cpu: perEnv('cpu'),
      memory: perEnv('memory'),
      desired_count: perEnv('desired_count'),
      min_capacity: perEnv('min_capacity'),
      max_capacity: perEnv('max_capacity'),
      cpu_target: perEnv('cpu_target'),
      memory_target: perEnv('memory_target'),
      requests_per_target: perEnv('requests_per_target'),
      environment: perEnv('environment'),
      connections: object(connections(model, service, managed).plain),
      connection_secrets: object(connections(model, service, managed).secrets),
      port: service.port ?? null,
      health_check: check ? object({ ...check }) : null,
      routes: (routes.get(service.name) ?? []).map((r) =>
        object({ host: r.host, paths: r.paths, priority: r.priority }),
      ),
      secrets: [...service.secrets],
      policy: service.iam?.length ? servicePolicy(service) : null,
      callers: callersOf(model, service.name),
      stop_timeout: service.shutdown.gracePeriodSeconds,
    });
  }
  return moduleCall('ecs', './modules/ecs', [
    attr('name', expr('local.name')),
    attr('vpc_id', expr('module.vpc.vpc_id')),
    attr('public_subnet_ids', expr('module.vpc.public_subnet_ids')),
    attr('private_subnet_ids', expr('module.vpc.private_subnet_ids')),
    attr('secret_prefix', expr('local.app')),
    attr('certificate_arn', expr('var.certificate_arn')),
    attr('kms_key_arn', expr('aws_kms_key.data.arn')),
    attr('log_retention_days', expr('var.log_retention_days')),
    comment(
      'Per environment (tfvars): image, size, counts, scaling targets, environment. From the spec: the rest.',
    ),
    attr('services', object(services)),
  ]);
}

/**
 * Who may connect to a backing service: on EKS the nodes (the cluster security group, which the
 * pods use), on ECS the security group of each service that `uses` it.
 */
function workloadSecurityGroups(model: AppModel, backing: BackingModel, target: InfraTarget): Value {
  if (target === 'eks') return object({ 'eks-nodes': expr('module.eks.cluster_security_group_id') });
  const users = callersOf(model, backing.name);
  return object(
    Object.fromEntries(
      users.map((name) => [name, expr(`module.ecs.service_security_group_ids[${JSON.stringify(name)}]`)]),
    ),
  );
}

function backingCall(model: AppModel, managed: ManagedBacking, target: InfraTarget): Item {
  const { id, backing } = managed;
  const v = (field: string) => expr(`var.${id}.${field}`);
  const version = backing.version ?? DEFAULT_VERSIONS[backing.kind];
  const common: Item[] = [
    attr('count', expr(`var.${id}.managed ? 1 : 0`)),
    attr('name', template(`\${local.name}-${backing.name}`)),
    attr('vpc_id', expr('module.vpc.vpc_id')),
    attr('subnet_ids', expr('module.vpc.private_subnet_ids')),
    attr('allowed_security_groups', workloadSecurityGroups(model, backing, target)),
    attr('kms_key_arn', expr('aws_kms_key.data.arn')),
  ];
  const kind = MODULE_OF_KIND[backing.kind];
  if (kind === 'rds')
    return moduleCall(id, './modules/rds', [
      ...common,
      attr('engine_version', version),
      attr('instance_class', v('instance_class')),
      attr('allocated_storage_gb', v('allocated_storage_gb')),
      attr('multi_az', v('multi_az')),
      attr('backup_retention_days', v('backup_retention_days')),
      attr('deletion_protection', v('deletion_protection')),
      attr('database_name', model.app.replaceAll('-', '_')),
      attr('log_retention_days', expr('var.log_retention_days')),
    ]);
  if (kind === 'elasticache')
    return moduleCall(id, './modules/elasticache', [
      ...common,
      attr('engine_version', version),
      attr('node_type', v('node_type')),
      attr('nodes', v('nodes')),
      attr('snapshot_retention_days', v('snapshot_retention_days')),
      attr('url_secret_name', template(`\${local.app}/${backing.name}/url`)),
    ]);
  return moduleCall(id, './modules/msk', [
    ...common,
    attr('kafka_version', version),
    attr('instance_type', v('instance_type')),
    attr('volume_size_gb', v('volume_size_gb')),
  ]);
}

const BACKING_TYPES: Record<BackingModel['kind'], string> = {
  postgres:
    'object({ managed = bool, instance_class = string, allocated_storage_gb = number, multi_az = bool, backup_retention_days = number, deletion_protection = bool })',
  redis: 'object({ managed = bool, node_type = string, nodes = number, snapshot_retention_days = number })',
  kafka: 'object({ managed = bool, instance_type = string, volume_size_gb = number })',
};

export const NODE_GROUPS_TYPE =
  'map(object({ instance_types = list(string), capacity_type = string, min_size = number, max_size = number, desired_size = number, labels = map(string), taints = list(object({ key = string, value = string, effect = string })) }))';

const ECS_SERVICES_TYPE =
  'map(object({ image = string, cpu = number, memory = number, desired_count = number, min_capacity = optional(number), max_capacity = optional(number), cpu_target = optional(number), memory_target = optional(number), requests_per_target = optional(number), environment = optional(map(string), {}) }))';

export function rootVariables(input: RootInput): Body {
  const { model, target } = input;
  const names = sortedServices(model).map((s) => JSON.stringify(s.name));
  const list = (values: string[]) => `[${values.join(', ')}]`;
  return [
    variable('environment', {
      type: 'string',
      description: 'Which environment of the spec this state is (set by environments/<env>.tfvars).',
      validations: [
        {
          condition: `contains(${list(input.environments.map((e) => JSON.stringify(e)))}, var.environment)`,
          message: `environment must be one the spec declares: ${input.environments.join(', ')}.`,
        },
      ],
    }),
    variable('region', {
      type: 'string',
      description: 'AWS region.',
      default: 'us-east-1',
      validations: [
        {
          condition: 'can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))',
          message: 'region must be an AWS region such as eu-west-1.',
        },
      ],
    }),
    variable('vpc_cidr', {
      type: 'string',
      description: "The VPC's address range (/16 to /24; subnets take a sixteenth each).",
      default: '10.0.0.0/16',
      validations: [
        {
          condition:
            'can(cidrhost(var.vpc_cidr, 0)) && try(tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 24, false)',
          message: 'vpc_cidr must be a CIDR block from /16 to /24, such as 10.0.0.0/16.',
        },
      ],
    }),
    variable('az_count', {
      type: 'number',
      description: 'Availability zones (2 below production, 3 in production).',
      validations: [
        { condition: 'var.az_count >= 2 && var.az_count <= 3', message: 'az_count must be 2 or 3.' },
      ],
    }),
    variable('single_nat_gateway', {
      type: 'bool',
      description: 'One NAT gateway for every zone (cheaper) instead of one per zone (production).',
    }),
    variable('log_retention_days', {
      type: 'number',
      description: 'Days CloudWatch keeps flow, control-plane, database and task logs (365 in production).',
      validations: [
        {
          condition:
            'contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)',
          message: 'log_retention_days must be a value CloudWatch accepts, such as 30 or 365.',
        },
      ],
    }),
    ...(target === 'eks'
      ? [
          variable('namespace', {
            type: 'string',
            description:
              'The Kubernetes namespace `gantry render --env` puts the app in (IRSA roles are bound to it).',
            validations: [
              {
                condition: 'can(regex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", var.namespace))',
                message: 'namespace must be a DNS label such as shop-prod.',
              },
            ],
          }),
          variable('kubernetes_version', {
            type: 'string',
            description: 'EKS Kubernetes version.',
            default: '1.33',
            validations: [
              {
                condition: 'can(regex("^1\\\\.[0-9]+$", var.kubernetes_version))',
                message: 'kubernetes_version must look like 1.33.',
              },
            ],
          }),
          variable('ci_oidc_provider_arn', {
            type: 'string',
            description:
              "The CI's OIDC provider when this account already has one (it is one per account: the first environment creates it, see the ci_oidc_provider_arn output); null creates it.",
            default: null,
          }),
          variable('public_access_cidrs', {
            type: 'list(string)',
            description:
              "Who may reach the Kubernetes API from the internet (the CI runners' egress); empty keeps it private, with a self-hosted runner in the VPC.",
            default: [],
            validations: [
              {
                condition:
                  'alltrue([for cidr in var.public_access_cidrs : can(cidrhost(cidr, 0)) && cidr != "0.0.0.0/0"])',
                message: 'public_access_cidrs must be CIDR blocks, and not 0.0.0.0/0.',
              },
            ],
          }),
          variable('node_groups', {
            type: NODE_GROUPS_TYPE,
            description: 'Managed node groups: application, system, and spot when a service tolerates it.',
            validations: [
              {
                condition:
                  'contains(keys(var.node_groups), "application") && contains(keys(var.node_groups), "system")',
                message: 'node_groups needs at least application and system.',
              },
            ],
          }),
        ]
      : [
          variable('certificate_arn', {
            type: 'string',
            description: 'ACM certificate for HTTPS on the load balancer; null serves HTTP only.',
            default: null,
            validations: [
              {
                condition:
                  'var.certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:", var.certificate_arn))',
                message: 'certificate_arn must be an ACM certificate ARN.',
              },
            ],
          }),
          variable('services', {
            type: ECS_SERVICES_TYPE,
            description: 'Per service and environment: image, Fargate size, desired count and autoscaling.',
            validations: [
              {
                condition: `length(setsubtract(keys(var.services), ${list(names)})) == 0 && length(setsubtract(${list(names)}, keys(var.services))) == 0`,
                message: `services must have exactly the spec's services: ${sortedServices(model)
                  .map((s) => s.name)
                  .join(', ')}.`,
              },
              {
                condition:
                  'alltrue([for s in values(var.services) : s.desired_count >= 0 && s.cpu >= 256 && s.memory >= 512])',
                message:
                  'Each service needs desired_count >= 0 and a Fargate size (cpu >= 256, memory >= 512).',
              },
            ],
          }),
        ]),
    ...input.managed.map(({ id, backing }) =>
      variable(id, {
        type: BACKING_TYPES[backing.kind],
        description: `Backing service ${backing.name} (${backing.kind}): managed in this environment or not, and its size.`,
      }),
    ),
  ];
}

export function rootOutputs(input: RootInput): Body {
  const target: Item[] =
    input.target === 'eks'
      ? [
          output('cluster_name', 'aws eks update-kubeconfig --name <this>', expr('module.eks.cluster_name')),
          output('cluster_endpoint', 'The Kubernetes API.', expr('module.eks.cluster_endpoint')),
          output(
            'service_account_role_arns',
            'Annotate each ServiceAccount with eks.amazonaws.com/role-arn: <its role>.',
            expr('module.eks.service_account_role_arns'),
          ),
          output(
            'cluster_autoscaler_role_arn',
            "The cluster autoscaler's role.",
            expr('module.eks.cluster_autoscaler_role_arn'),
          ),
          output(
            'ci_deploy_role_arn',
            'The role gantry ci assumes (OIDC).',
            expr('module.eks.ci_deploy_role_arn'),
          ),
          output(
            'ci_oidc_provider_arn',
            "The CI's OIDC provider: set ci_oidc_provider_arn to it in the account's other environments.",
            expr('module.eks.ci_oidc_provider_arn'),
          ),
          output(
            'ci_runner_security_group_id',
            'Private endpoint: the security group for the self-hosted CI runner in the VPC.',
            expr('module.eks.ci_runner_security_group_id'),
          ),
        ]
      : [
          output('cluster_name', 'The ECS cluster.', expr('module.ecs.cluster_name')),
          output(
            'load_balancer_dns_name',
            "Point the routes' host names here.",
            expr('module.ecs.load_balancer_dns_name'),
          ),
          output('task_role_arns', 'Service → task role.', expr('module.ecs.task_role_arns')),
        ];
  const backing = input.managed.flatMap(({ id, backing }) => {
    const kind = MODULE_OF_KIND[backing.kind];
    if (kind === 'rds')
      return [
        output(
          `${id}_endpoint`,
          `${backing.name}: host:port (null where not managed).`,
          expr(`one(module.${id}[*].endpoint)`),
        ),
        output(
          `${id}_master_user_secret_arn`,
          `${backing.name}: the Secrets Manager secret with the generated password.`,
          expr(`one(module.${id}[*].master_user_secret_arn)`),
        ),
      ];
    if (kind === 'elasticache')
      return [
        output(
          `${id}_endpoint`,
          `${backing.name}: primary endpoint (TLS).`,
          expr(`one(module.${id}[*].primary_endpoint)`),
        ),
      ];
    return [
      output(
        `${id}_bootstrap_brokers`,
        `${backing.name}: bootstrap brokers (IAM over TLS).`,
        expr(`one(module.${id}[*].bootstrap_brokers)`),
      ),
    ];
  });
  const ecr = ecrRepositories(input.model).length > 0;
  return [
    output('vpc_id', 'The VPC.', expr('module.vpc.vpc_id')),
    ...(ecr
      ? [
          output(
            'repository_urls',
            'ECR repository → URL (CI pushes the images there).',
            expr('module.ecr.repository_urls'),
          ),
        ]
      : []),
    ...target,
    ...backing,
  ];
}

export function versionsFile(target: InfraTarget, managed: readonly ManagedBacking[] = []): Body {
  const random = managed.some((m) => m.backing.kind === 'redis');
  return [
    block(
      'terraform',
      [],
      [
        attr('required_version', '>= 1.10.0'),
        block(
          'required_providers',
          [],
          [
            attr('aws', object({ source: 'hashicorp/aws', version: '~> 5.80' })),
            ...(target === 'eks'
              ? [attr('tls', object({ source: 'hashicorp/tls', version: '~> 4.0' }))]
              : []),
            ...(random ? [attr('random', object({ source: 'hashicorp/random', version: '~> 3.6' }))] : []),
          ],
        ),
        comment(
          [
            'State in S3, configured per environment at init time (partial configuration):',
            '  terraform init -backend-config=environments/ENV.s3.tfbackend \\',
            '    -backend-config="bucket=YOUR-STATE-BUCKET" -backend-config="region=YOUR-REGION"',
            'The .s3.tfbackend file sets the key (one state per environment), encryption and the',
            'S3 lock file; the bucket (versioned, encrypted, private) is yours to create once.',
          ].join('\n'),
        ),
        block('backend', ['s3'], []),
      ],
    ),
    block(
      'provider',
      ['aws'],
      [
        attr('region', expr('var.region')),
        block(
          'default_tags',
          [],
          [
            attr(
              'tags',
              object({
                app: expr('local.app'),
                environment: expr('var.environment'),
                'managed-by': 'gantry',
              }),
            ),
          ],
        ),
      ],
    ),
  ];
}
