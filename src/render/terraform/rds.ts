// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${…}` in these strings is Terraform interpolation, not a forgotten JS template
/**
 * modules/rds: a managed PostgreSQL (backing `kind: postgres, mode: managed`). Private, encrypted
 * at rest, backed up daily, Multi-AZ when the spec asks for `ha` or the environment is
 * production. No password appears anywhere: RDS generates the master password and keeps it in
 * Secrets Manager (`manage_master_user_password`); the secret's ARN is an output. A parameter
 * group sets `rds.force_ssl` (no plaintext connection) and logs slow statements; its logs,
 * Performance Insights and enhanced monitoring are on, encrypted with the environment's key.
 */
import { output, resource, serviceTrust, type TerraformModule, variable } from './blocks.ts';
import { attr, block, expr, template } from './hcl.ts';
import { networkVariables, privateSecurityGroup } from './network-access.ts';

export function rdsModule(): TerraformModule {
  return {
    name: 'rds',
    variables: [
      ...networkVariables(),
      variable('engine_version', {
        type: 'string',
        description: 'PostgreSQL major (or major.minor) version.',
      }),
      variable('instance_class', {
        type: 'string',
        description: 'RDS instance class.',
        validations: [
          {
            condition: 'startswith(var.instance_class, "db.")',
            message: 'instance_class must be an RDS class such as db.t3.medium.',
          },
        ],
      }),
      variable('allocated_storage_gb', {
        type: 'number',
        description: 'Storage in GB (gp3); grows automatically up to twice this.',
        validations: [
          {
            condition: 'var.allocated_storage_gb >= 20 && var.allocated_storage_gb <= 65536',
            message: 'allocated_storage_gb must be from 20 to 65536.',
          },
        ],
      }),
      variable('multi_az', { type: 'bool', description: 'A standby in a second zone.' }),
      variable('backup_retention_days', {
        type: 'number',
        description: 'Daily automated backups kept this many days.',
        validations: [
          {
            condition: 'var.backup_retention_days >= 1 && var.backup_retention_days <= 35',
            message: 'backup_retention_days must be from 1 to 35 (0 would turn backups off).',
          },
        ],
      }),
      variable('deletion_protection', {
        type: 'bool',
        description: 'Refuse to delete the database (production).',
      }),
      variable('database_name', { type: 'string', description: 'The database created on the instance.' }),
      variable('log_retention_days', { type: 'number', description: 'Days CloudWatch keeps its logs.' }),
    ],
    main: [
      resource('aws_db_subnet_group', 'this', [
        attr('name', expr('var.name')),
        attr('subnet_ids', expr('var.subnet_ids')),
      ]),
      ...privateSecurityGroup(5432, 'PostgreSQL'),
      resource('aws_db_parameter_group', 'this', [
        attr('name_prefix', template('${var.name}-')),
        attr('family', template('postgres${split(".", var.engine_version)[0]}')),
        block('parameter', [], [attr('name', 'rds.force_ssl'), attr('value', '1')]),
        // Statements slower than a second, and every connection, in the postgresql log.
        block('parameter', [], [attr('name', 'log_min_duration_statement'), attr('value', '1000')]),
        block('parameter', [], [attr('name', 'log_statement'), attr('value', 'ddl')]),
        block('parameter', [], [attr('name', 'log_connections'), attr('value', '1')]),
        block('lifecycle', [], [attr('create_before_destroy', true)]),
      ]),
      resource('aws_cloudwatch_log_group', 'this', [
        attr('for_each', expr('toset(["postgresql", "upgrade"])')),
        attr('name', template('/aws/rds/instance/${var.name}/${each.key}')),
        attr('retention_in_days', expr('var.log_retention_days')),
        attr('kms_key_id', expr('var.kms_key_arn')),
      ]),
      resource('aws_iam_role', 'monitoring', [
        attr('name', template('${var.name}-rds-monitoring')),
        attr('assume_role_policy', serviceTrust('monitoring.rds.amazonaws.com')),
      ]),
      resource('aws_iam_role_policy_attachment', 'monitoring', [
        attr('role', expr('aws_iam_role.monitoring.name')),
        attr('policy_arn', 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole'),
      ]),
      resource('aws_db_instance', 'this', [
        attr('identifier', expr('var.name')),
        attr('engine', 'postgres'),
        attr('engine_version', expr('var.engine_version')),
        attr('instance_class', expr('var.instance_class')),
        attr('allocated_storage', expr('var.allocated_storage_gb')),
        attr('max_allocated_storage', expr('var.allocated_storage_gb * 2')),
        attr('storage_type', 'gp3'),
        attr('storage_encrypted', true),
        attr('kms_key_id', expr('var.kms_key_arn')),
        attr('parameter_group_name', expr('aws_db_parameter_group.this.name')),
        attr('enabled_cloudwatch_logs_exports', ['postgresql', 'upgrade']),
        attr('performance_insights_enabled', true),
        attr('performance_insights_kms_key_id', expr('var.kms_key_arn')),
        attr('monitoring_interval', 60),
        attr('monitoring_role_arn', expr('aws_iam_role.monitoring.arn')),
        attr('db_name', expr('var.database_name')),
        attr('username', 'gantry'),
        attr('manage_master_user_password', true),
        attr('iam_database_authentication_enabled', true),
        attr('multi_az', expr('var.multi_az')),
        attr('backup_retention_period', expr('var.backup_retention_days')),
        attr('copy_tags_to_snapshot', true),
        attr('deletion_protection', expr('var.deletion_protection')),
        attr('skip_final_snapshot', false),
        attr('final_snapshot_identifier', template('${var.name}-final')),
        attr('publicly_accessible', false),
        attr('auto_minor_version_upgrade', true),
        attr('db_subnet_group_name', expr('aws_db_subnet_group.this.name')),
        attr('vpc_security_group_ids', [expr('aws_security_group.this.id')]),
        attr('depends_on', [expr('aws_cloudwatch_log_group.this')]),
      ]),
    ],
    outputs: [
      output('endpoint', 'host:port to connect to.', expr('aws_db_instance.this.endpoint')),
      output(
        'master_user_secret_arn',
        'Secrets Manager secret holding the generated master password.',
        expr('aws_db_instance.this.master_user_secret[0].secret_arn'),
      ),
    ],
  };
}
