// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${…}` in these strings is Terraform interpolation, not a forgotten JS template
/**
 * modules/elasticache: a managed Redis (backing `kind: redis, mode: managed`) as a replication
 * group: `replicas` nodes, automatic failover across zones when there are several, encrypted
 * at rest and in transit (TLS required), private, with an AUTH token. The token is generated
 * here and kept, inside the connection URL `rediss://:TOKEN@host:6379`, in the Secrets Manager
 * secret `<secret_prefix>/<backing>/url` — the one the app reads on ECS (valueFrom) and through
 * an ExternalSecret on EKS; it is in the (encrypted) state, never in a file.
 */
import { accepted, output, resource, type TerraformModule, variable } from './blocks.ts';
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
      variable('url_secret_name', {
        type: 'string',
        description: 'The Secrets Manager secret that holds the connection URL (PREFIX/BACKING/url).',
      }),
    ],
    main: [
      resource('aws_elasticache_subnet_group', 'this', [
        attr('name', expr('var.name')),
        attr('subnet_ids', expr('var.subnet_ids')),
      ]),
      ...privateSecurityGroup(6379, 'Redis'),
      resource('random_password', 'auth_token', [
        // ElastiCache AUTH: 16 to 128 printable characters, no @, " or /.
        attr('length', 64),
        attr('special', false),
      ]),
      resource('aws_elasticache_replication_group', 'this', [
        accepted(
          'CKV2_AWS_50',
          'failover is on whenever there is a replica (nodes > 1: ha, or production); a one-node cache below production has none to fail over to',
        ),
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
        attr('transit_encryption_mode', 'required'),
        attr('auth_token', expr('random_password.auth_token.result')),
        attr('auth_token_update_strategy', 'ROTATE'),
        attr('kms_key_id', expr('var.kms_key_arn')),
        attr('port', 6379),
        attr('snapshot_retention_limit', expr('var.snapshot_retention_days')),
        attr('subnet_group_name', expr('aws_elasticache_subnet_group.this.name')),
        attr('security_group_ids', [expr('aws_security_group.this.id')]),
      ]),
      resource('aws_secretsmanager_secret', 'url', [
        accepted(
          'CKV2_AWS_57',
          'ElastiCache rotates the token through auth_token_update_strategy, not a Secrets Manager rotation Lambda',
        ),
        attr('name', expr('var.url_secret_name')),
        attr('description', template('Redis connection URL for ${var.name} (TLS, AUTH token)')),
        attr('kms_key_id', expr('var.kms_key_arn')),
        attr('recovery_window_in_days', 7),
      ]),
      resource('aws_secretsmanager_secret_version', 'url', [
        attr('secret_id', expr('aws_secretsmanager_secret.url.id')),
        attr(
          'secret_string',
          template(
            'rediss://:${random_password.auth_token.result}@${aws_elasticache_replication_group.this.primary_endpoint_address}:6379',
          ),
        ),
      ]),
    ],
    outputs: [
      output(
        'primary_endpoint',
        'Where writes go (TLS: rediss://).',
        expr('aws_elasticache_replication_group.this.primary_endpoint_address'),
      ),
      output(
        'url_secret_arn',
        'The secret holding rediss://:TOKEN@host:6379 (REDIS_URL).',
        expr('aws_secretsmanager_secret.url.arn'),
      ),
      output(
        'reader_endpoint',
        'Where reads may go.',
        expr('aws_elasticache_replication_group.this.reader_endpoint_address'),
      ),
    ],
  };
}
