/**
 * What the backing-service modules share: a subnet group's worth of private subnets and a
 * security group that admits one port from the workloads' security groups only (the EKS nodes,
 * or the ECS services that use it) — not from the VPC range, which includes the public subnets.
 */
import { nameTag, resource, variable } from './blocks.ts';
import { attr, expr, type Item, template } from './hcl.ts';

export function networkVariables(): Item[] {
  return [
    variable('name', { type: 'string', description: 'Identifier prefix (app-environment-backing).' }),
    variable('vpc_id', { type: 'string', description: 'The VPC.' }),
    variable('subnet_ids', { type: 'list(string)', description: 'Private subnets, one per zone.' }),
    variable('allowed_security_groups', {
      type: 'map(string)',
      description: 'Who may connect: the workloads’ security groups, by a name known at plan time.',
    }),
    variable('kms_key_arn', { type: 'string', description: 'KMS key for data at rest, logs and secrets.' }),
  ];
}

export function privateSecurityGroup(port: number, what: string): Item[] {
  return [
    resource('aws_security_group', 'this', [
      attr('name', expr('var.name')),
      attr('description', template(`${what} \${var.name}: port ${port} from the workloads only`)),
      attr('vpc_id', expr('var.vpc_id')),
      nameTag(expr('var.name')),
    ]),
    resource('aws_vpc_security_group_ingress_rule', 'this', [
      attr('for_each', expr('var.allowed_security_groups')),
      attr('security_group_id', expr('aws_security_group.this.id')),
      attr('description', template(`${what} from \${each.key}`)),
      attr('referenced_security_group_id', expr('each.value')),
      attr('ip_protocol', 'tcp'),
      attr('from_port', port),
      attr('to_port', port),
    ]),
  ];
}
