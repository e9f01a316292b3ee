// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${…}` in these strings is Terraform interpolation, not a forgotten JS template
/**
 * modules/vpc: the network. A VPC over `az_count` zones, a public and a private subnet in each;
 * only load balancers and NAT gateways live in the public subnets (nothing gets a public IP on
 * launch), everything else in the private ones, leaving through NAT: one gateway in
 * non-production (cheaper, one zone's outage cuts egress), one per zone in production.
 * The default security group is emptied so nothing relies on its allow-all-within rule. Every
 * flow (accepted and rejected) is logged to a KMS-encrypted CloudWatch log group with a retention.
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
import { attr, block, call, expr, object, template } from './hcl.ts';

export function vpcModule(): TerraformModule {
  return {
    name: 'vpc',
    variables: [
      variable('name', { type: 'string', description: 'Prefix of every resource name (app-environment).' }),
      variable('cidr', {
        type: 'string',
        description: "The VPC's address range; subnets are /20s of a /16.",
        validations: [
          {
            condition: 'can(cidrhost(var.cidr, 0))',
            message: 'cidr must be a CIDR block such as 10.0.0.0/16.',
          },
        ],
      }),
      variable('az_count', {
        type: 'number',
        description: 'Availability zones to span (EKS and load balancers need at least 2).',
        validations: [
          { condition: 'var.az_count >= 2 && var.az_count <= 3', message: 'az_count must be 2 or 3.' },
        ],
      }),
      variable('single_nat_gateway', {
        type: 'bool',
        description: 'One NAT gateway for all zones (non-production) instead of one per zone.',
      }),
      variable('kms_key_arn', { type: 'string', description: 'KMS key for the flow log group.' }),
      variable('log_retention_days', { type: 'number', description: 'Days CloudWatch keeps the flow logs.' }),
      variable('cluster_name', {
        type: 'string',
        description: 'EKS cluster whose load balancers may use these subnets (null on ECS).',
        default: null,
      }),
    ],
    main: [
      data('aws_availability_zones', 'available', [
        accepted(
          'CKV_AWS_394',
          'the first az_count zones are taken (slice below), so a zone AWS adds never changes the subnets; a zone-name filter would tie the module to one region',
        ),
        attr('state', 'available'),
      ]),
      locals([
        attr('azs', expr('slice(data.aws_availability_zones.available.names, 0, var.az_count)')),
        attr('nat_count', expr('var.single_nat_gateway ? 1 : var.az_count')),
        attr(
          'cluster_tag',
          // compact() drops the null cluster name, so ECS subnets get no cluster tag.
          expr(
            '{ for cluster in compact([var.cluster_name]) : "kubernetes.io/cluster/${cluster}" => "shared" }',
          ),
        ),
      ]),
      resource('aws_vpc', 'this', [
        attr('cidr_block', expr('var.cidr')),
        attr('enable_dns_support', true),
        attr('enable_dns_hostnames', true),
        nameTag(expr('var.name')),
      ]),
      resource('aws_cloudwatch_log_group', 'flow', [
        attr('name', template('/vpc/${var.name}/flow')),
        attr('retention_in_days', expr('var.log_retention_days')),
        attr('kms_key_id', expr('var.kms_key_arn')),
      ]),
      resource('aws_iam_role', 'flow', [
        attr('name', template('${var.name}-vpc-flow-logs')),
        attr('assume_role_policy', serviceTrust('vpc-flow-logs.amazonaws.com')),
      ]),
      resource('aws_iam_role_policy', 'flow', [
        attr('name', 'write-flow-logs'),
        attr('role', expr('aws_iam_role.flow.id')),
        attr(
          'policy',
          policyDocument([
            {
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
              resources: [template('${aws_cloudwatch_log_group.flow.arn}:*')],
            },
          ]),
        ),
      ]),
      resource('aws_flow_log', 'this', [
        attr('vpc_id', expr('aws_vpc.this.id')),
        attr('traffic_type', 'ALL'),
        attr('log_destination_type', 'cloud-watch-logs'),
        attr('log_destination', expr('aws_cloudwatch_log_group.flow.arn')),
        attr('iam_role_arn', expr('aws_iam_role.flow.arn')),
        attr('max_aggregation_interval', 60),
        nameTag(template('${var.name}-flow')),
      ]),
      resource('aws_default_security_group', 'this', [
        attr('vpc_id', expr('aws_vpc.this.id')),
        nameTag(template('${var.name}-default-deny')),
      ]),
      resource('aws_internet_gateway', 'this', [
        attr('vpc_id', expr('aws_vpc.this.id')),
        nameTag(expr('var.name')),
      ]),
      resource('aws_subnet', 'public', [
        attr('count', expr('var.az_count')),
        attr('vpc_id', expr('aws_vpc.this.id')),
        attr('cidr_block', expr('cidrsubnet(var.cidr, 4, count.index)')),
        attr('availability_zone', expr('local.azs[count.index]')),
        attr('map_public_ip_on_launch', false),
        attr(
          'tags',
          call(
            'merge',
            expr('local.cluster_tag'),
            object({
              Name: template('${var.name}-public-${local.azs[count.index]}'),
              'kubernetes.io/role/elb': '1',
            }),
          ),
        ),
      ]),
      resource('aws_subnet', 'private', [
        attr('count', expr('var.az_count')),
        attr('vpc_id', expr('aws_vpc.this.id')),
        attr('cidr_block', expr('cidrsubnet(var.cidr, 4, count.index + 8)')),
        attr('availability_zone', expr('local.azs[count.index]')),
        attr(
          'tags',
          call(
            'merge',
            expr('local.cluster_tag'),
            object({
              Name: template('${var.name}-private-${local.azs[count.index]}'),
              'kubernetes.io/role/internal-elb': '1',
            }),
          ),
        ),
      ]),
      resource('aws_eip', 'nat', [
        attr('count', expr('local.nat_count')),
        attr('domain', 'vpc'),
        nameTag(template('${var.name}-nat-${count.index}')),
      ]),
      resource('aws_nat_gateway', 'this', [
        attr('count', expr('local.nat_count')),
        attr('allocation_id', expr('aws_eip.nat[count.index].id')),
        attr('subnet_id', expr('aws_subnet.public[count.index].id')),
        nameTag(template('${var.name}-${local.azs[count.index]}')),
        attr('depends_on', [expr('aws_internet_gateway.this')]),
      ]),
      resource('aws_route_table', 'public', [
        attr('vpc_id', expr('aws_vpc.this.id')),
        nameTag(template('${var.name}-public')),
        block(
          'route',
          [],
          [attr('cidr_block', '0.0.0.0/0'), attr('gateway_id', expr('aws_internet_gateway.this.id'))],
        ),
      ]),
      resource('aws_route_table_association', 'public', [
        attr('count', expr('var.az_count')),
        attr('subnet_id', expr('aws_subnet.public[count.index].id')),
        attr('route_table_id', expr('aws_route_table.public.id')),
      ]),
      resource('aws_route_table', 'private', [
        attr('count', expr('var.az_count')),
        attr('vpc_id', expr('aws_vpc.this.id')),
        nameTag(template('${var.name}-private-${local.azs[count.index]}')),
        block(
          'route',
          [],
          [
            attr('cidr_block', '0.0.0.0/0'),
            attr('nat_gateway_id', expr('aws_nat_gateway.this[var.single_nat_gateway ? 0 : count.index].id')),
          ],
        ),
      ]),
      resource('aws_route_table_association', 'private', [
        attr('count', expr('var.az_count')),
        attr('subnet_id', expr('aws_subnet.private[count.index].id')),
        attr('route_table_id', expr('aws_route_table.private[count.index].id')),
      ]),
    ],
    outputs: [
      output('vpc_id', 'The VPC.', expr('aws_vpc.this.id')),
      output('cidr', "The VPC's address range.", expr('aws_vpc.this.cidr_block')),
      output(
        'public_subnet_ids',
        'Subnets for load balancers and NAT only.',
        expr('aws_subnet.public[*].id'),
      ),
      output('private_subnet_ids', 'Subnets for everything else.', expr('aws_subnet.private[*].id')),
    ],
  };
}
