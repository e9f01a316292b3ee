// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${…}` in these strings is Terraform interpolation, not a forgotten JS template
/**
 * modules/eks: the cluster, its managed node groups and the IAM roles pods assume (IRSA).
 *
 * - The API endpoint is private unless `public_access_cidrs` names who may reach it; secrets
 *   are envelope-encrypted with a KMS key; control-plane audit logs go to CloudWatch.
 * - Node groups come from `node_groups` (application, system, and spot with a taint when a
 *   service tolerates it), in private subnets; the cluster autoscaler owns their size.
 * - IRSA: one role per entry of `service_account_roles`, assumable only by that exact
 *   namespace/ServiceAccount through the cluster's OIDC provider, with the inline policy given.
 *   The cluster autoscaler gets its own role (kube-system/cluster-autoscaler) that may resize
 *   only this cluster's groups.
 */
import {
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
import { attr, block, call, expr, object, template, type Value } from './hcl.ts';

const NODE_POLICIES = [
  'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
  'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
  'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
];

/** What the cluster autoscaler reads (anything) and changes (only groups tagged as this cluster's). */
const AUTOSCALER_READ = [
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribeAutoScalingInstances',
  'autoscaling:DescribeLaunchConfigurations',
  'autoscaling:DescribeScalingActivities',
  'autoscaling:DescribeTags',
  'ec2:DescribeImages',
  'ec2:DescribeInstanceTypes',
  'ec2:DescribeLaunchTemplateVersions',
  'ec2:GetInstanceTypesFromInstanceRequirements',
  'eks:DescribeNodegroup',
];
const AUTOSCALER_WRITE = [
  'autoscaling:SetDesiredCapacity',
  'autoscaling:TerminateInstanceInAutoScalingGroup',
];

/** The trust policy of an IRSA role: this cluster's OIDC provider, for one namespace:serviceaccount. */
function irsaTrust(subject: string): Value {
  return call(
    'jsonencode',
    object({
      Version: '2012-10-17',
      Statement: [
        object({
          Effect: 'Allow',
          Principal: object({ Federated: expr('aws_iam_openid_connect_provider.this.arn') }),
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: object({
            StringEquals: object({
              '${local.oidc_issuer}:sub': expr(subject),
              '${local.oidc_issuer}:aud': 'sts.amazonaws.com',
            }),
          }),
        }),
      ],
    }),
  );
}

export function eksModule(): TerraformModule {
  return {
    name: 'eks',
    variables: [
      variable('name', { type: 'string', description: 'The cluster name (app-environment).' }),
      variable('kubernetes_version', {
        type: 'string',
        description: 'EKS Kubernetes version, MAJOR.MINOR.',
        validations: [
          {
            condition: 'can(regex("^1\\\\.[0-9]+$", var.kubernetes_version))',
            message: 'kubernetes_version must look like 1.33.',
          },
        ],
      }),
      variable('vpc_id', { type: 'string', description: 'The VPC the cluster runs in.' }),
      variable('subnet_ids', {
        type: 'list(string)',
        description: 'Private subnets for the control plane ENIs and the nodes.',
      }),
      variable('public_access_cidrs', {
        type: 'list(string)',
        description: 'Who may reach the API endpoint from the internet; empty keeps it private.',
        default: [],
      }),
      variable('node_groups', {
        type: 'map(object({ instance_types = list(string), capacity_type = string, min_size = number, max_size = number, desired_size = number, labels = map(string), taints = list(object({ key = string, value = string, effect = string })) }))',
        description: 'Managed node groups by name.',
        validations: [
          {
            condition:
              'alltrue([for group in values(var.node_groups) : group.min_size <= group.desired_size && group.desired_size <= group.max_size])',
            message: 'Each node group needs min_size <= desired_size <= max_size.',
          },
          {
            condition:
              'alltrue([for group in values(var.node_groups) : contains(["ON_DEMAND", "SPOT"], group.capacity_type)])',
            message: 'capacity_type must be ON_DEMAND or SPOT.',
          },
        ],
      }),
      variable('service_account_roles', {
        type: 'map(object({ namespace = string, service_account = string, policy = string }))',
        description:
          'IRSA: a role per Kubernetes ServiceAccount that needs AWS access, with its policy (JSON).',
        default: object({}),
      }),
    ],
    main: [
      locals([
        attr('oidc_issuer', expr('trimprefix(aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://")')),
      ]),
      resource('aws_kms_key', 'secrets', [
        attr('description', template('${var.name} EKS secrets envelope encryption')),
        attr('enable_key_rotation', true),
        attr('deletion_window_in_days', 30),
      ]),
      resource('aws_iam_role', 'cluster', [
        attr('name', template('${var.name}-eks-cluster')),
        attr('assume_role_policy', serviceTrust('eks.amazonaws.com')),
      ]),
      resource('aws_iam_role_policy_attachment', 'cluster', [
        attr('role', expr('aws_iam_role.cluster.name')),
        attr('policy_arn', 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy'),
      ]),
      resource('aws_eks_cluster', 'this', [
        attr('name', expr('var.name')),
        attr('version', expr('var.kubernetes_version')),
        attr('role_arn', expr('aws_iam_role.cluster.arn')),
        attr('enabled_cluster_log_types', ['api', 'audit', 'authenticator']),
        block(
          'vpc_config',
          [],
          [
            attr('subnet_ids', expr('var.subnet_ids')),
            attr('endpoint_private_access', true),
            attr('endpoint_public_access', expr('length(var.public_access_cidrs) > 0')),
            attr(
              'public_access_cidrs',
              expr('length(var.public_access_cidrs) > 0 ? var.public_access_cidrs : null'),
            ),
          ],
        ),
        block(
          'access_config',
          [],
          [attr('authentication_mode', 'API'), attr('bootstrap_cluster_creator_admin_permissions', true)],
        ),
        block(
          'encryption_config',
          [],
          [
            attr('resources', ['secrets']),
            block('provider', [], [attr('key_arn', expr('aws_kms_key.secrets.arn'))]),
          ],
        ),
        attr('depends_on', [expr('aws_iam_role_policy_attachment.cluster')]),
      ]),
      resource('aws_iam_role', 'node', [
        attr('name', template('${var.name}-eks-node')),
        attr('assume_role_policy', serviceTrust('ec2.amazonaws.com')),
      ]),
      resource('aws_iam_role_policy_attachment', 'node', [
        attr('for_each', call('toset', NODE_POLICIES)),
        attr('role', expr('aws_iam_role.node.name')),
        attr('policy_arn', expr('each.value')),
      ]),
      resource('aws_eks_node_group', 'this', [
        attr('for_each', expr('var.node_groups')),
        attr('cluster_name', expr('aws_eks_cluster.this.name')),
        attr('node_group_name', expr('each.key')),
        attr('node_role_arn', expr('aws_iam_role.node.arn')),
        attr('subnet_ids', expr('var.subnet_ids')),
        attr('instance_types', expr('each.value.instance_types')),
        attr('capacity_type', expr('each.value.capacity_type')),
        attr('labels', expr('each.value.labels')),
        nameTag(template('${var.name}-${each.key}')),
        block(
          'scaling_config',
          [],
          [
            attr('min_size', expr('each.value.min_size')),
            attr('max_size', expr('each.value.max_size')),
            attr('desired_size', expr('each.value.desired_size')),
          ],
        ),
        block('update_config', [], [attr('max_unavailable', 1)]),
        block(
          'dynamic',
          ['taint'],
          [
            attr('for_each', expr('each.value.taints')),
            block(
              'content',
              [],
              [
                attr('key', expr('taint.value.key')),
                attr('value', expr('taint.value.value')),
                attr('effect', expr('taint.value.effect')),
              ],
            ),
          ],
        ),
        // The cluster autoscaler changes desired_size; a plan must not set it back.
        block('lifecycle', [], [attr('ignore_changes', [expr('scaling_config[0].desired_size')])]),
        attr('depends_on', [expr('aws_iam_role_policy_attachment.node')]),
      ]),
      data('tls_certificate', 'oidc', [attr('url', expr('aws_eks_cluster.this.identity[0].oidc[0].issuer'))]),
      resource('aws_iam_openid_connect_provider', 'this', [
        attr('url', expr('aws_eks_cluster.this.identity[0].oidc[0].issuer')),
        attr('client_id_list', ['sts.amazonaws.com']),
        attr('thumbprint_list', [expr('data.tls_certificate.oidc.certificates[0].sha1_fingerprint')]),
      ]),
      resource('aws_iam_role', 'service_account', [
        attr('for_each', expr('var.service_account_roles')),
        attr('name', template('${var.name}-${each.key}')),
        attr(
          'assume_role_policy',
          irsaTrust('"system:serviceaccount:${each.value.namespace}:${each.value.service_account}"'),
        ),
      ]),
      resource('aws_iam_role_policy', 'service_account', [
        attr('for_each', expr('var.service_account_roles')),
        attr('name', expr('each.key')),
        attr('role', expr('aws_iam_role.service_account[each.key].id')),
        attr('policy', expr('each.value.policy')),
      ]),
      resource('aws_iam_role', 'cluster_autoscaler', [
        attr('name', template('${var.name}-cluster-autoscaler')),
        attr('assume_role_policy', irsaTrust('"system:serviceaccount:kube-system:cluster-autoscaler"')),
      ]),
      resource('aws_iam_role_policy', 'cluster_autoscaler', [
        attr('name', 'cluster-autoscaler'),
        attr('role', expr('aws_iam_role.cluster_autoscaler.id')),
        attr(
          'policy',
          policyDocument([
            { sid: 'Discover', actions: AUTOSCALER_READ, resources: '*' },
            {
              sid: 'ResizeOwnGroupsOnly',
              actions: AUTOSCALER_WRITE,
              resources: '*',
              condition: object({
                StringEquals: object({ 'aws:ResourceTag/k8s.io/cluster-autoscaler/${var.name}': 'owned' }),
              }),
            },
          ]),
        ),
      ]),
    ],
    outputs: [
      output('cluster_name', 'The EKS cluster.', expr('aws_eks_cluster.this.name')),
      output('cluster_endpoint', 'The Kubernetes API endpoint.', expr('aws_eks_cluster.this.endpoint')),
      output(
        'cluster_certificate_authority',
        "The API server's CA (base64).",
        expr('aws_eks_cluster.this.certificate_authority[0].data'),
      ),
      output(
        'oidc_provider_arn',
        'The IRSA OIDC provider.',
        expr('aws_iam_openid_connect_provider.this.arn'),
      ),
      output(
        'service_account_role_arns',
        'Role per ServiceAccount: annotate it with eks.amazonaws.com/role-arn.',
        expr('{ for name, role in aws_iam_role.service_account : name => role.arn }'),
      ),
      output(
        'cluster_autoscaler_role_arn',
        "The cluster autoscaler's role (kube-system/cluster-autoscaler).",
        expr('aws_iam_role.cluster_autoscaler.arn'),
      ),
    ],
  };
}
