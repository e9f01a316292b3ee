// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${…}` in these strings is Terraform interpolation, not a forgotten JS template
/**
 * modules/ecs: the app on Fargate, one ECS service per app service.
 *
 * - Tasks run in private subnets with awsvpc networking and no public IP, each service behind
 *   its own security group: open on its port to the load balancer (services with routes) and to
 *   the services that `uses` it, nothing else.
 * - Deployments keep 100 % of the desired tasks healthy and may double them (200 %); the
 *   circuit breaker rolls a failing deployment back by itself.
 * - Task definitions: the image, CPU/memory (a valid Fargate size), environment, secrets as
 *   Secrets Manager ARNs (`valueFrom`; values never pass through Terraform), a container health
 *   check from the readiness probe, a read-only root with a writable /tmp, the same non-root
 *   user `gantry render` runs as, logs to CloudWatch.
 * - One internet-facing ALB (the only public thing) with a target group per routed service,
 *   health-checked on the readiness path; HTTPS when a certificate is given.
 * - Target tracking from the spec's autoscale block: cpu → ECSServiceAverageCPUUtilization,
 *   memory → ECSServiceAverageMemoryUtilization, rps → ALBRequestCountPerTarget.
 * - Service Connect (a Cloud Map namespace per cluster): each service with a port is reachable
 *   as http://<service>:<port>, so `uses` works as on Kubernetes, with the same variables
 *   (API_URL; DATABASE_URL/DB_URL and REDIS_URL/CACHE_URL from the backing services' URL secrets).
 */
import {
  accepted,
  data,
  locals,
  nameTag,
  output,
  policyDocument,
  resource,
  serviceTrust,
  type TerraformModule,
  variable,
} from './blocks.ts';
import { attr, block, call, expr, type Item, object, template } from './hcl.ts';

/** The `services` variable: one object per app service (optional fields may be left out of tfvars). */
export const SERVICE_TYPE = `map(object({
    image               = string
    cpu                 = number
    memory              = number
    port                = optional(number)
    desired_count       = number
    min_capacity        = optional(number)
    max_capacity        = optional(number)
    cpu_target          = optional(number)
    memory_target       = optional(number)
    requests_per_target = optional(number)
    health_check = optional(object({
      path                = string
      interval            = number
      timeout             = number
      healthy_threshold   = number
      unhealthy_threshold = number
    }))
    routes = optional(list(object({
      host     = string
      paths    = list(string)
      priority = number
    })), [])
    environment        = optional(map(string), {})
    connections        = optional(map(string), {})
    secrets            = optional(list(string), [])
    connection_secrets = optional(map(string), {})
    policy             = optional(string)
    callers            = optional(list(string), [])
    stop_timeout       = optional(number, 30)
  }))`;

const CONTAINER_HEALTH_CHECKS = `{
    for name, s in var.services : name => s.health_check == null || s.port == null ? null : {
      command     = ["CMD", "node", "-e", "fetch('http://127.0.0.1:\${s.port}\${s.health_check.path}').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
      interval    = max(s.health_check.interval, 5)
      timeout     = max(s.health_check.timeout, 2)
      retries     = min(s.health_check.unhealthy_threshold, 10)
      startPeriod = 30
    }
  }`;

function scalingPolicy(name: string, metric: string, target: string, extra: Item[] = []): Item {
  return resource('aws_appautoscaling_policy', name, [
    attr(
      'for_each',
      expr(
        `{ for name, s in local.autoscaled : name => s if s.${target} != null${name === 'requests' ? ' && contains(keys(local.routed), name)' : ''} }`,
      ),
    ),
    attr('name', template(`\${var.name}-\${each.key}-${name}`)),
    attr('policy_type', 'TargetTrackingScaling'),
    attr('resource_id', expr('aws_appautoscaling_target.service[each.key].resource_id')),
    attr('scalable_dimension', expr('aws_appautoscaling_target.service[each.key].scalable_dimension')),
    attr('service_namespace', expr('aws_appautoscaling_target.service[each.key].service_namespace')),
    block(
      'target_tracking_scaling_policy_configuration',
      [],
      [
        attr(
          'target_value',
          expr(name === 'requests' ? `each.value.${target} * 60` : `each.value.${target}`),
        ),
        attr('scale_in_cooldown', 300),
        attr('scale_out_cooldown', 60),
        block('predefined_metric_specification', [], [attr('predefined_metric_type', metric), ...extra]),
      ],
    ),
  ]);
}

/** An ECS service; `fixed` keeps its desired count, `autoscaled` leaves it to Application Auto Scaling. */
function ecsService(name: 'fixed' | 'autoscaled'): Item {
  const body: Item[] = [
    attr('for_each', expr(`local.${name}`)),
    attr('name', expr('each.key')),
    attr('cluster', expr('aws_ecs_cluster.this.id')),
    attr('task_definition', expr('aws_ecs_task_definition.service[each.key].arn')),
    attr('desired_count', expr('each.value.desired_count')),
    attr('launch_type', 'FARGATE'),
    attr('deployment_minimum_healthy_percent', 100),
    attr('deployment_maximum_percent', 200),
    attr('health_check_grace_period_seconds', expr('contains(keys(local.routed), each.key) ? 60 : null')),
    attr('propagate_tags', 'SERVICE'),
    attr('enable_execute_command', false),
    block('deployment_circuit_breaker', [], [attr('enable', true), attr('rollback', true)]),
    block(
      'network_configuration',
      [],
      [
        attr('subnets', expr('var.private_subnet_ids')),
        attr('security_groups', [expr('aws_security_group.service[each.key].id')]),
        attr('assign_public_ip', false),
      ],
    ),
    block(
      'dynamic',
      ['load_balancer'],
      [
        attr('for_each', expr('contains(keys(local.routed), each.key) ? [each.value.port] : []')),
        block(
          'content',
          [],
          [
            attr('target_group_arn', expr('aws_lb_target_group.service[each.key].arn')),
            attr('container_name', expr('each.key')),
            attr('container_port', expr('load_balancer.value')),
          ],
        ),
      ],
    ),
  ];
  if (name === 'autoscaled')
    body.push(
      // Application Auto Scaling owns the count once the service exists.
      block('lifecycle', [], [attr('ignore_changes', [expr('desired_count')])]),
    );
  body.push(
    block(
      'service_connect_configuration',
      [],
      [
        attr('enabled', true),
        attr('namespace', expr('aws_service_discovery_http_namespace.this.arn')),
        // A service with a port is reachable as http://<service>:<port>; every service can call them.
        block(
          'dynamic',
          ['service'],
          [
            attr('for_each', expr('each.value.port == null ? [] : [each.value.port]')),
            block(
              'content',
              [],
              [
                attr('port_name', 'http'),
                attr('discovery_name', expr('each.key')),
                block(
                  'client_alias',
                  [],
                  [attr('port', expr('service.value')), attr('dns_name', expr('each.key'))],
                ),
              ],
            ),
          ],
        ),
      ],
    ),
  );
  body.push(attr('depends_on', [expr('aws_lb_listener_rule.route')]));
  return resource('aws_ecs_service', name, body);
}

export function ecsModule(runAs: number): TerraformModule {
  const containerDefinition = object({
    name: expr('each.key'),
    image: expr('each.value.image'),
    essential: true,
    user: `${runAs}:${runAs}`,
    readonlyRootFilesystem: true,
    stopTimeout: expr('min(each.value.stop_timeout, 120)'),
    portMappings: expr(
      'each.value.port == null ? [] : [{ name = "http", containerPort = each.value.port, protocol = "tcp" }]',
    ),
    // The services it uses (Service Connect names), then the spec's env, which wins as on Kubernetes.
    environment: expr(
      '[for key, value in merge(each.value.connections, each.value.environment) : { name = key, value = value }]',
    ),
    secrets: expr(
      'concat([for key in each.value.secrets : { name = key, valueFrom = data.aws_secretsmanager_secret.this["${each.key}/${key}"].arn }], [for key, arn in each.value.connection_secrets : { name = key, valueFrom = arn }])',
    ),
    mountPoints: [object({ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false })],
    healthCheck: expr('local.container_health_checks[each.key]'),
    logConfiguration: object({
      logDriver: 'awslogs',
      options: object({
        'awslogs-group': expr('aws_cloudwatch_log_group.service[each.key].name'),
        'awslogs-region': expr('data.aws_region.current.name'),
        'awslogs-stream-prefix': expr('each.key'),
      }),
    }),
  });

  return {
    name: 'ecs',
    variables: [
      variable('name', {
        type: 'string',
        description: 'Prefix of every resource name (app-environment); at most 20 characters for ALB names.',
        validations: [
          {
            condition: 'length(var.name) <= 20',
            message:
              'name must be at most 20 characters (load balancer and target group names are limited to 32).',
          },
        ],
      }),
      variable('vpc_id', { type: 'string', description: 'The VPC.' }),
      variable('public_subnet_ids', {
        type: 'list(string)',
        description: 'Subnets for the load balancer only.',
      }),
      variable('private_subnet_ids', { type: 'list(string)', description: 'Subnets the tasks run in.' }),
      variable('secret_prefix', {
        type: 'string',
        description:
          'Secrets Manager names are PREFIX/SERVICE/KEY (as the External Secrets render reads them).',
      }),
      variable('certificate_arn', {
        type: 'string',
        description: 'ACM certificate for HTTPS on the load balancer; null serves plain HTTP.',
        default: null,
      }),
      variable('log_retention_days', { type: 'number', description: 'Days CloudWatch keeps task logs.' }),
      variable('kms_key_arn', { type: 'string', description: 'KMS key for task logs and the secrets.' }),
      variable('services', {
        type: SERVICE_TYPE,
        description:
          'The app services: image, Fargate size, counts, scaling targets, health check, routes, environment, secret names, task policy.',
        validations: [
          {
            condition:
              'alltrue([for s in values(var.services) : s.max_capacity == null || (s.min_capacity <= s.desired_count && s.desired_count <= s.max_capacity)])',
            message: 'An autoscaled service needs min_capacity <= desired_count <= max_capacity.',
          },
        ],
      }),
    ],
    main: [
      data('aws_region', 'current', []),
      locals([
        attr(
          'routed',
          expr('{ for name, s in var.services : name => s if length(s.routes) > 0 && s.port != null }'),
        ),
        attr('autoscaled', expr('{ for name, s in var.services : name => s if s.max_capacity != null }')),
        attr('fixed', expr('{ for name, s in var.services : name => s if s.max_capacity == null }')),
        attr(
          'secrets',
          expr(
            '{ for pair in flatten([for name, s in var.services : [for key in s.secrets : "${name}/${key}"]]) : pair => pair }',
          ),
        ),
        attr(
          'secret_arns',
          expr(
            'distinct(concat([for secret in data.aws_secretsmanager_secret.this : secret.arn], flatten([for s in values(var.services) : values(s.connection_secrets)])))',
          ),
        ),
        attr(
          'routes',
          expr(
            '{ for route in flatten([for name, s in local.routed : [for r in s.routes : merge(r, { service = name })]]) : tostring(route.priority) => route }',
          ),
        ),
        attr(
          'callers',
          expr(
            '{ for pair in flatten([for name, s in var.services : [for caller in s.callers : { service = name, caller = caller }]]) : "${pair.caller}->${pair.service}" => pair if var.services[pair.service].port != null }',
          ),
        ),
        // try(): with no routed service there is no listener, and no rule asks for one.
        // The container checks its own readiness path with the Node runtime it already has (no curl in slim images).
        attr('container_health_checks', expr(CONTAINER_HEALTH_CHECKS)),
        attr('listener_arn', expr('try(aws_lb_listener.https[0].arn, aws_lb_listener.http[0].arn, null)')),
      ]),
      resource('aws_service_discovery_http_namespace', 'this', [
        attr('name', expr('var.name')),
        attr('description', template('Service Connect names of ${var.name}')),
      ]),
      resource('aws_ecs_cluster', 'this', [
        attr('name', expr('var.name')),
        block('setting', [], [attr('name', 'containerInsights'), attr('value', 'enabled')]),
        block(
          'service_connect_defaults',
          [],
          [attr('namespace', expr('aws_service_discovery_http_namespace.this.arn'))],
        ),
      ]),
      resource('aws_ecs_cluster_capacity_providers', 'this', [
        attr('cluster_name', expr('aws_ecs_cluster.this.name')),
        attr('capacity_providers', ['FARGATE']),
        block(
          'default_capacity_provider_strategy',
          [],
          [attr('capacity_provider', 'FARGATE'), attr('weight', 1)],
        ),
      ]),
      resource('aws_cloudwatch_log_group', 'service', [
        attr('for_each', expr('var.services')),
        attr('name', template('/ecs/${var.name}/${each.key}')),
        attr('retention_in_days', expr('var.log_retention_days')),
        attr('kms_key_id', expr('var.kms_key_arn')),
      ]),
      data('aws_secretsmanager_secret', 'this', [
        attr('for_each', expr('local.secrets')),
        attr('name', template('${var.secret_prefix}/${each.key}')),
      ]),
      resource('aws_iam_role', 'execution', [
        attr('name', template('${var.name}-ecs-execution')),
        attr('assume_role_policy', serviceTrust('ecs-tasks.amazonaws.com')),
      ]),
      resource('aws_iam_role_policy_attachment', 'execution', [
        attr('role', expr('aws_iam_role.execution.name')),
        attr('policy_arn', 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'),
      ]),
      resource('aws_iam_role_policy', 'execution_secrets', [
        attr('count', expr('length(local.secret_arns) > 0 ? 1 : 0')),
        attr('name', 'read-service-secrets'),
        attr('role', expr('aws_iam_role.execution.id')),
        attr(
          'policy',
          policyDocument([
            { actions: ['secretsmanager:GetSecretValue'], resources: expr('local.secret_arns') },
            { actions: ['kms:Decrypt'], resources: [expr('var.kms_key_arn')] },
          ]),
        ),
      ]),
      resource('aws_iam_role', 'task', [
        attr('for_each', expr('var.services')),
        attr('name', template('${var.name}-${each.key}-task')),
        attr('assume_role_policy', serviceTrust('ecs-tasks.amazonaws.com')),
      ]),
      resource('aws_iam_role_policy', 'task', [
        attr('for_each', expr('{ for name, s in var.services : name => s if s.policy != null }')),
        attr('name', expr('each.key')),
        attr('role', expr('aws_iam_role.task[each.key].id')),
        attr('policy', expr('each.value.policy')),
      ]),
      resource('aws_ecs_task_definition', 'service', [
        attr('for_each', expr('var.services')),
        attr('family', template('${var.name}-${each.key}')),
        attr('requires_compatibilities', ['FARGATE']),
        attr('network_mode', 'awsvpc'),
        attr('cpu', expr('each.value.cpu')),
        attr('memory', expr('each.value.memory')),
        attr('execution_role_arn', expr('aws_iam_role.execution.arn')),
        attr('task_role_arn', expr('aws_iam_role.task[each.key].arn')),
        attr('container_definitions', call('jsonencode', [containerDefinition])),
        block(
          'runtime_platform',
          [],
          [attr('operating_system_family', 'LINUX'), attr('cpu_architecture', 'X86_64')],
        ),
        block('volume', [], [attr('name', 'tmp')]),
      ]),
      resource('aws_security_group', 'load_balancer', [
        attr('count', expr('length(local.routed) > 0 ? 1 : 0')),
        attr('name', template('${var.name}-alb')),
        attr('description', 'The public load balancer: HTTP and HTTPS from anywhere'),
        attr('vpc_id', expr('var.vpc_id')),
        nameTag(template('${var.name}-alb')),
      ]),
      resource('aws_vpc_security_group_ingress_rule', 'load_balancer', [
        attr('for_each', expr('length(local.routed) > 0 ? toset(["80", "443"]) : toset([])')),
        attr('security_group_id', expr('aws_security_group.load_balancer[0].id')),
        attr('description', template('HTTP(S) port ${each.key} from the internet')),
        attr('cidr_ipv4', '0.0.0.0/0'),
        attr('ip_protocol', 'tcp'),
        attr('from_port', expr('tonumber(each.key)')),
        attr('to_port', expr('tonumber(each.key)')),
      ]),
      resource('aws_vpc_security_group_egress_rule', 'load_balancer', [
        attr('for_each', expr('local.routed')),
        attr('security_group_id', expr('aws_security_group.load_balancer[0].id')),
        attr('description', template('To the tasks of ${each.key}')),
        attr('referenced_security_group_id', expr('aws_security_group.service[each.key].id')),
        attr('ip_protocol', 'tcp'),
        attr('from_port', expr('each.value.port')),
        attr('to_port', expr('each.value.port')),
      ]),
      resource('aws_security_group', 'service', [
        attr('for_each', expr('var.services')),
        attr('name', template('${var.name}-${each.key}')),
        attr('description', template('Tasks of ${each.key}')),
        attr('vpc_id', expr('var.vpc_id')),
        nameTag(template('${var.name}-${each.key}')),
      ]),
      resource('aws_vpc_security_group_egress_rule', 'service', [
        attr('for_each', expr('var.services')),
        attr('security_group_id', expr('aws_security_group.service[each.key].id')),
        attr('description', 'Image pulls, AWS APIs and backing services, through NAT or in the VPC'),
        attr('cidr_ipv4', '0.0.0.0/0'),
        attr('ip_protocol', '-1'),
      ]),
      resource('aws_vpc_security_group_ingress_rule', 'from_load_balancer', [
        attr('for_each', expr('local.routed')),
        attr('security_group_id', expr('aws_security_group.service[each.key].id')),
        attr('description', 'From the load balancer'),
        attr('referenced_security_group_id', expr('aws_security_group.load_balancer[0].id')),
        attr('ip_protocol', 'tcp'),
        attr('from_port', expr('each.value.port')),
        attr('to_port', expr('each.value.port')),
      ]),
      resource('aws_vpc_security_group_ingress_rule', 'from_caller', [
        attr('for_each', expr('local.callers')),
        attr('security_group_id', expr('aws_security_group.service[each.value.service].id')),
        attr('description', template('From ${each.value.caller}, which uses it')),
        attr('referenced_security_group_id', expr('aws_security_group.service[each.value.caller].id')),
        attr('ip_protocol', 'tcp'),
        attr('from_port', expr('var.services[each.value.service].port')),
        attr('to_port', expr('var.services[each.value.service].port')),
      ]),
      resource('aws_lb', 'this', [
        accepted(
          'CKV_AWS_91',
          'access logs need an S3 bucket with a bucket policy for the ELB account of the region: add one you own',
        ),
        accepted(
          'CKV2_AWS_28',
          'a WAF web ACL (rules, cost) is a choice of its own: associate one with aws_wafv2_web_acl_association',
        ),
        accepted(
          'CKV_AWS_150',
          'deletion protection would stop terraform destroy of short-lived environments; the state protects production',
        ),
        attr('count', expr('length(local.routed) > 0 ? 1 : 0')),
        attr('name', expr('var.name')),
        attr('load_balancer_type', 'application'),
        attr('internal', false),
        attr('security_groups', [expr('aws_security_group.load_balancer[0].id')]),
        attr('subnets', expr('var.public_subnet_ids')),
        attr('drop_invalid_header_fields', true),
      ]),
      resource('aws_lb_target_group', 'service', [
        accepted(
          'CKV_AWS_378',
          'TLS ends at the load balancer; from it to the tasks is private traffic inside the VPC, admitted by security group',
        ),
        attr('for_each', expr('local.routed')),
        // Target group names are limited to 32 characters.
        attr('name', expr('substr("${var.name}-${each.key}", 0, 32)')),
        attr('port', expr('each.value.port')),
        attr('protocol', 'HTTP'),
        attr('target_type', 'ip'),
        attr('vpc_id', expr('var.vpc_id')),
        attr('deregistration_delay', expr('each.value.stop_timeout')),
        block(
          'dynamic',
          ['health_check'],
          [
            attr('for_each', expr('each.value.health_check == null ? [] : [each.value.health_check]')),
            block(
              'content',
              [],
              [
                attr('path', expr('health_check.value.path')),
                attr('interval', expr('max(health_check.value.interval, 5)')),
                attr('timeout', expr('max(health_check.value.timeout, 2)')),
                attr('healthy_threshold', expr('max(health_check.value.healthy_threshold, 2)')),
                attr('unhealthy_threshold', expr('max(health_check.value.unhealthy_threshold, 2)')),
                attr('matcher', '200-399'),
              ],
            ),
          ],
        ),
      ]),
      resource('aws_lb_listener', 'http', [
        attr('count', expr('length(local.routed) > 0 ? 1 : 0')),
        attr('load_balancer_arn', expr('aws_lb.this[0].arn')),
        attr('port', 80),
        attr('protocol', 'HTTP'),
        block(
          'default_action',
          [],
          [
            attr('type', expr('var.certificate_arn == null ? "fixed-response" : "redirect"')),
            block(
              'dynamic',
              ['redirect'],
              [
                attr('for_each', expr('var.certificate_arn == null ? [] : [443]')),
                block(
                  'content',
                  [],
                  [attr('port', '443'), attr('protocol', 'HTTPS'), attr('status_code', 'HTTP_301')],
                ),
              ],
            ),
            block(
              'dynamic',
              ['fixed_response'],
              [
                attr('for_each', expr('var.certificate_arn == null ? [404] : []')),
                block('content', [], [attr('content_type', 'text/plain'), attr('status_code', '404')]),
              ],
            ),
          ],
        ),
      ]),
      resource('aws_lb_listener', 'https', [
        attr('count', expr('length(local.routed) > 0 && var.certificate_arn != null ? 1 : 0')),
        attr('load_balancer_arn', expr('aws_lb.this[0].arn')),
        attr('port', 443),
        attr('protocol', 'HTTPS'),
        attr('ssl_policy', 'ELBSecurityPolicy-TLS13-1-2-2021-06'),
        attr('certificate_arn', expr('var.certificate_arn')),
        block(
          'default_action',
          [],
          [
            attr('type', 'fixed-response'),
            block('fixed_response', [], [attr('content_type', 'text/plain'), attr('status_code', '404')]),
          ],
        ),
      ]),
      resource('aws_lb_listener_rule', 'route', [
        attr('for_each', expr('local.routes')),
        attr('listener_arn', expr('local.listener_arn')),
        attr('priority', expr('each.value.priority')),
        block(
          'action',
          [],
          [
            attr('type', 'forward'),
            attr('target_group_arn', expr('aws_lb_target_group.service[each.value.service].arn')),
          ],
        ),
        block('condition', [], [block('host_header', [], [attr('values', [expr('each.value.host')])])]),
        block('condition', [], [block('path_pattern', [], [attr('values', expr('each.value.paths'))])]),
      ]),
      ecsService('fixed'),
      ecsService('autoscaled'),
      resource('aws_appautoscaling_target', 'service', [
        attr('for_each', expr('local.autoscaled')),
        attr('service_namespace', 'ecs'),
        attr(
          'resource_id',
          template('service/${aws_ecs_cluster.this.name}/${aws_ecs_service.autoscaled[each.key].name}'),
        ),
        attr('scalable_dimension', 'ecs:service:DesiredCount'),
        attr('min_capacity', expr('each.value.min_capacity')),
        attr('max_capacity', expr('each.value.max_capacity')),
      ]),
      scalingPolicy('cpu', 'ECSServiceAverageCPUUtilization', 'cpu_target'),
      scalingPolicy('memory', 'ECSServiceAverageMemoryUtilization', 'memory_target'),
      // ALBRequestCountPerTarget is counted per minute; the spec's rps is per second.
      scalingPolicy('requests', 'ALBRequestCountPerTarget', 'requests_per_target', [
        attr(
          'resource_label',
          template('${aws_lb.this[0].arn_suffix}/${aws_lb_target_group.service[each.key].arn_suffix}'),
        ),
      ]),
    ],
    outputs: [
      output('cluster_name', 'The ECS cluster.', expr('aws_ecs_cluster.this.name')),
      output(
        'load_balancer_dns_name',
        "Point the routes' DNS names here (null without routes).",
        expr('one(aws_lb.this[*].dns_name)'),
      ),
      output(
        'task_role_arns',
        'Service → task role.',
        expr('{ for name, role in aws_iam_role.task : name => role.arn }'),
      ),
      output(
        'service_security_group_ids',
        'Service → security group (allow these into backing services).',
        expr('{ for name, group in aws_security_group.service : name => group.id }'),
      ),
    ],
  };
}
