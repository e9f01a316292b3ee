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

import type { AppModel, BackingModel, ServiceModel } from '../../spec/model.ts';
import { serviceAccountName } from '../kubernetes/names.ts';
import { data, locals, moduleCall, output, policyDocument, type Statement, variable } from './blocks.ts';
import {
  callersOf,
  DEFAULT_VERSIONS,
  healthCheck,
  MODULE_OF_KIND,
  routesByService,
  sortedServices,
} from './facts.ts';
import { attr, type Body, block, comment, expr, type Item, object, template, type Value } from './hcl.ts';

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

export function rootMain(input: RootInput): Body {
  const { model, target } = input;
  const needsAccount = target === 'eks' && model.secrets.provider === 'external-secrets';
  return [
    locals([attr('app', model.app), attr('name', template('${local.app}-${var.environment}'))]),
    ...(needsAccount ? [data('aws_caller_identity', 'current', []), data('aws_region', 'current', [])] : []),
    moduleCall('vpc', './modules/vpc', [
      attr('name', expr('local.name')),
      attr('cidr', expr('var.vpc_cidr')),
      attr('az_count', expr('var.az_count')),
      attr('single_nat_gateway', expr('var.single_nat_gateway')),
      ...(target === 'eks' ? [attr('cluster_name', expr('local.name'))] : []),
    ]),
    moduleCall('ecr', './modules/ecr', [
      attr('name', expr('local.name')),
      attr(
        'services',
        sortedServices(model).map((s) => s.name),
      ),
    ]),
    target === 'eks' ? eksCall(model, needsAccount) : ecsCall(model),
    ...input.managed.map((m) => backingCall(model, m)),
  ];
}

function eksCall(model: AppModel, externalSecrets: boolean): Item {
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

function ecsCall(model: AppModel): Item {
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
    comment(
      'Per environment (tfvars): image, size, counts, scaling targets, environment. From the spec: the rest.',
    ),
    attr('services', object(services)),
  ]);
}

function backingCall(model: AppModel, managed: ManagedBacking): Item {
  const { id, backing } = managed;
  const v = (field: string) => expr(`var.${id}.${field}`);
  const version = backing.version ?? DEFAULT_VERSIONS[backing.kind];
  const common: Item[] = [
    attr('count', expr(`var.${id}.managed ? 1 : 0`)),
    attr('name', template(`\${local.name}-${backing.name}`)),
    attr('vpc_id', expr('module.vpc.vpc_id')),
    attr('subnet_ids', expr('module.vpc.private_subnet_ids')),
    attr('allowed_cidr_blocks', [expr('module.vpc.cidr')]),
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
    ]);
  if (kind === 'elasticache')
    return moduleCall(id, './modules/elasticache', [
      ...common,
      attr('engine_version', version),
      attr('node_type', v('node_type')),
      attr('nodes', v('nodes')),
      attr('snapshot_retention_days', v('snapshot_retention_days')),
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
          variable('public_access_cidrs', {
            type: 'list(string)',
            description: 'Who may reach the Kubernetes API from the internet; empty keeps it private.',
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
  return [
    output('vpc_id', 'The VPC.', expr('module.vpc.vpc_id')),
    output(
      'repository_urls',
      'Service → ECR repository to push images to.',
      expr('module.ecr.repository_urls'),
    ),
    ...target,
    ...backing,
  ];
}

export function versionsFile(target: InfraTarget): Body {
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
