/**
 * modules/msk: a managed Kafka (backing `kind: kafka, mode: managed`): one broker per zone,
 * TLS between clients and brokers and inside the cluster, IAM authentication, private.
 */
import { output, resource, type TerraformModule, variable } from './blocks.ts';
import { attr, block, expr } from './hcl.ts';
import { networkVariables, privateSecurityGroup } from './network-access.ts';

export function mskModule(): TerraformModule {
  return {
    name: 'msk',
    variables: [
      ...networkVariables(),
      variable('kafka_version', { type: 'string', description: 'An MSK Kafka version such as 3.6.0.' }),
      variable('instance_type', {
        type: 'string',
        description: 'Broker instance type.',
        validations: [
          {
            condition: 'startswith(var.instance_type, "kafka.")',
            message: 'instance_type must be an MSK broker type such as kafka.m5.large.',
          },
        ],
      }),
      variable('volume_size_gb', {
        type: 'number',
        description: 'EBS storage per broker, GB.',
        validations: [
          {
            condition: 'var.volume_size_gb >= 1 && var.volume_size_gb <= 16384',
            message: 'volume_size_gb must be from 1 to 16384.',
          },
        ],
      }),
    ],
    main: [
      ...privateSecurityGroup(9098, 'Kafka (IAM over TLS)'),
      resource('aws_msk_cluster', 'this', [
        attr('cluster_name', expr('var.name')),
        attr('kafka_version', expr('var.kafka_version')),
        attr('number_of_broker_nodes', expr('length(var.subnet_ids)')),
        block(
          'broker_node_group_info',
          [],
          [
            attr('instance_type', expr('var.instance_type')),
            attr('client_subnets', expr('var.subnet_ids')),
            attr('security_groups', [expr('aws_security_group.this.id')]),
            block(
              'storage_info',
              [],
              [block('ebs_storage_info', [], [attr('volume_size', expr('var.volume_size_gb'))])],
            ),
          ],
        ),
        block(
          'encryption_info',
          [],
          [
            attr('encryption_at_rest_kms_key_arn', expr('var.kms_key_arn')),
            block('encryption_in_transit', [], [attr('client_broker', 'TLS'), attr('in_cluster', true)]),
          ],
        ),
        block('client_authentication', [], [block('sasl', [], [attr('iam', true)])]),
      ]),
    ],
    outputs: [
      output(
        'bootstrap_brokers',
        'Bootstrap brokers (SASL/IAM over TLS).',
        expr('aws_msk_cluster.this.bootstrap_brokers_sasl_iam'),
      ),
    ],
  };
}
