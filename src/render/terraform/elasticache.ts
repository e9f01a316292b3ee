// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${…}` in these strings is Terraform interpolation, not a forgotten JS template
/**
 * modules/elasticache: a managed Redis (backing `kind: redis, mode: managed`) as a replication
 * group: `replicas` nodes, automatic failover across zones when there are several, encrypted
 * at rest and in transit, private.
 */
import { output, resource, type TerraformModule, variable } from './blocks.ts';
import { attr, expr, template } from './hcl.ts';
import { networkVariables, privateSecurityGroup } from './network-access.ts';

export function elasticacheModule(): TerraformModule {
  return {
    name: 'elasticache',
    variables: [
      ...networkVariables(),
      variable('engine_version', { type: 'string', description: 'Redis version (e.g. 7.1).' }),
      variable('node_type', {
        type: 'string',
        description: 'ElastiCache node type.',
        validations: [
          {
            condition: 'startswith(var.node_type, "cache.")',
            message: 'node_type must be a cache node type such as cache.t3.small.',
          },
        ],
      }),
      variable('nodes', {
        type: 'number',
        description: 'Nodes: one primary and nodes-1 replicas.',
        validations: [
          { condition: 'var.nodes >= 1 && var.nodes <= 6', message: 'nodes must be from 1 to 6.' },
        ],
      }),
      variable('snapshot_retention_days', {
        type: 'number',
        description: 'Daily snapshots kept this many days (0: none).',
      }),
    ],
    main: [
      resource('aws_elasticache_subnet_group', 'this', [
        attr('name', expr('var.name')),
        attr('subnet_ids', expr('var.subnet_ids')),
      ]),
      ...privateSecurityGroup(6379, 'Redis'),
      resource('aws_elasticache_replication_group', 'this', [
        attr('replication_group_id', expr('var.name')),
        attr('description', template('Redis for ${var.name}')),
        attr('engine', 'redis'),
        attr('engine_version', expr('var.engine_version')),
        attr('node_type', expr('var.node_type')),
        attr('num_cache_clusters', expr('var.nodes')),
        attr('automatic_failover_enabled', expr('var.nodes > 1')),
        attr('multi_az_enabled', expr('var.nodes > 1')),
        attr('at_rest_encryption_enabled', true),
        attr('transit_encryption_enabled', true),
        attr('port', 6379),
        attr('snapshot_retention_limit', expr('var.snapshot_retention_days')),
        attr('subnet_group_name', expr('aws_elasticache_subnet_group.this.name')),
        attr('security_group_ids', [expr('aws_security_group.this.id')]),
      ]),
    ],
    outputs: [
      output(
        'primary_endpoint',
        'Where writes go (TLS: rediss://).',
        expr('aws_elasticache_replication_group.this.primary_endpoint_address'),
      ),
      output(
        'reader_endpoint',
        'Where reads may go.',
        expr('aws_elasticache_replication_group.this.reader_endpoint_address'),
      ),
    ],
  };
}
