/**
 * What the backing-service modules share: a subnet group's worth of private subnets and a
 * security group that admits one port from inside the VPC only.
 */
import { nameTag, resource, variable } from './blocks.ts';
import { attr, expr, type Item, template } from './hcl.ts';

export function networkVariables(): Item[] {
  return [
    variable('name', { type: 'string', description: 'Identifier prefix (app-environment-backing).' }),
    variable('vpc_id', { type: 'string', description: 'The VPC.' }),
    variable('subnet_ids', { type: 'list(string)', description: 'Private subnets, one per zone.' }),
    variable('allowed_cidr_blocks', {
      type: 'list(string)',
      description: 'Who may connect: the VPC range (nothing from the internet).',
    }),
  ];
}

export function privateSecurityGroup(port: number, what: string): Item[] {
  return [
    resource('aws_security_group', 'this', [
      attr('name', expr('var.name')),
      attr('description', template(`${what} \${var.name}: port ${port} from the VPC only`)),
      attr('vpc_id', expr('var.vpc_id')),
      nameTag(expr('var.name')),
    ]),
    resource('aws_vpc_security_group_ingress_rule', 'this', [
      attr('for_each', expr('toset(var.allowed_cidr_blocks)')),
      attr('security_group_id', expr('aws_security_group.this.id')),
      attr('cidr_ipv4', expr('each.value')),
      attr('ip_protocol', 'tcp'),
      attr('from_port', port),
      attr('to_port', port),
    ]),
  ];
}
