// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${…}` in these strings is Terraform interpolation, not a forgotten JS template
/**
 * modules/eks: the cluster, its managed node groups and the IAM roles pods assume (IRSA).
 *
 * - The API endpoint is private unless `public_access_cidrs` names who may reach it (then a
 *   self-hosted CI runner in the VPC gets the `ci_runner` security group the API admits); secrets
 *   are envelope-encrypted with a KMS key; every control-plane log type goes to a KMS-encrypted
 *   log group with a retention.
 * - CI: the CI's OIDC issuer (GitHub or GitLab) and a deploy role only the spec's repository may
 *   assume, mapped into the cluster by an EKS access entry — no long-lived kubeconfig or key.
 * - Nodes start from a launch template that requires IMDSv2 with a hop limit of 1 (pods cannot
 *   reach the node's credentials) and an encrypted root volume.
 * - The EBS CSI driver add-on with its own IRSA role, so PersistentVolumeClaims (redis,
 *   in-cluster postgres) get volumes.
 * - Node groups come from `node_groups` (application, system, and spot with a taint when a
 *   service tolerates it), in private subnets; the cluster autoscaler owns their size.
 * - IRSA: one role per entry of `service_account_roles`, assumable only by that exact
 *   namespace/ServiceAccount through the cluster's OIDC provider, with the inline policy given.
 *   The cluster autoscaler gets its own role (kube-system/cluster-autoscaler) that may resize
 *   only this cluster's groups.
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
import { NODE_ROOT_GB } from './facts.ts';
import { attr, block, call, expr, type Item, object, template, type Value } from './hcl.ts';

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
const CI_POLICIES = {
  /** gantry apply creates the Namespace and the app's objects; only this managed policy covers both. */
  clusterAdmin: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
};

const ECR_PUSH = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:CompleteLayerUpload',
  'ecr:DescribeImages',
  'ecr:GetDownloadUrlForLayer',
  'ecr:InitiateLayerUpload',
  'ecr:PutImage',
  'ecr:UploadLayerPart',
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

/**
 * How CI reaches the cluster: OIDC trust for the CI's issuer (the provider is one per account:
 * created here unless `ci.provider_arn` names it), a deploy role only the given token subjects
 * may assume, an EKS access entry mapping it into the cluster, push rights on the spec's ECR
 * repositories, and — with a private endpoint — the security group a self-hosted runner in the
 * VPC uses, which the control plane admits on 443.
 */
function ciAccess(): Item[] {
  const withCi = expr('var.ci == null ? 0 : 1');
  return [
    resource('aws_iam_openid_connect_provider', 'ci', [
      attr('count', expr('var.ci != null && try(var.ci.provider_arn, null) == null ? 1 : 0')),
      attr('url', expr('var.ci.issuer_url')),
      attr('client_id_list', ['sts.amazonaws.com']),
    ]),
    resource('aws_iam_role', 'ci_deploy', [
      attr('count', withCi),
      attr('name', expr('var.deploy_role_name')),
      attr('max_session_duration', 3600),
      attr(
        'assume_role_policy',
        call(
          'jsonencode',
          object({
            Version: '2012-10-17',
            Statement: [
              object({
                Effect: 'Allow',
                Principal: object({
                  Federated: expr(
                    'coalesce(var.ci.provider_arn, one(aws_iam_openid_connect_provider.ci[*].arn))',
                  ),
                }),
                Action: 'sts:AssumeRoleWithWebIdentity',
                Condition: object({
                  StringEquals: object({ '${local.ci_issuer}:aud': 'sts.amazonaws.com' }),
                  // Only the spec's repository, and only its protected refs / environments.
                  StringLike: object({ '${local.ci_issuer}:sub': expr('var.ci.subjects') }),
                }),
              }),
            ],
          }),
        ),
      ),
    ]),
    resource('aws_iam_role_policy', 'ci_deploy', [
      attr('count', withCi),
      attr('name', 'find-the-cluster'),
      attr('role', expr('aws_iam_role.ci_deploy[0].id')),
      attr(
        'policy',
        policyDocument([{ actions: ['eks:DescribeCluster'], resources: [expr('aws_eks_cluster.this.arn')] }]),
      ),
    ]),
    resource('aws_iam_role_policy', 'ci_push', [
      attr('count', expr('var.ci != null && length(var.ecr_repository_arns) > 0 ? 1 : 0')),
      accepted(
        'CKV_AWS_355',
        'ecr:GetAuthorizationToken has no resource-level permissions; the pushes are limited to the repositories',
      ),
      attr('name', 'push-the-images'),
      attr('role', expr('aws_iam_role.ci_deploy[0].id')),
      attr(
        'policy',
        policyDocument([
          { sid: 'PushTheImages', actions: ECR_PUSH, resources: expr('var.ecr_repository_arns') },
          { sid: 'LogInToEcr', actions: ['ecr:GetAuthorizationToken'], resources: '*' },
        ]),
      ),
    ]),
    resource('aws_eks_access_entry', 'ci_deploy', [
      attr('count', withCi),
      attr('cluster_name', expr('aws_eks_cluster.this.name')),
      attr('principal_arn', expr('aws_iam_role.ci_deploy[0].arn')),
      attr('type', 'STANDARD'),
    ]),
    resource('aws_eks_access_policy_association', 'ci_deploy', [
      attr('count', withCi),
      attr('cluster_name', expr('aws_eks_cluster.this.name')),
      attr('principal_arn', expr('aws_iam_role.ci_deploy[0].arn')),
      attr('policy_arn', CI_POLICIES.clusterAdmin),
      block('access_scope', [], [attr('type', 'cluster')]),
      attr('depends_on', [expr('aws_eks_access_entry.ci_deploy')]),
    ]),
    resource('aws_security_group', 'ci_runner', [
      accepted(
        'CKV2_AWS_5',
        'the self-hosted runner you launch in the VPC takes it (output ci_runner_security_group_id)',
      ),
      attr('count', expr('length(var.public_access_cidrs) == 0 ? 1 : 0')),
      attr('name', template('${var.name}-ci-runner')),
      attr('description', 'Self-hosted CI runner in the VPC: reaches the private Kubernetes API'),
      attr('vpc_id', expr('var.vpc_id')),
      nameTag(template('${var.name}-ci-runner')),
    ]),
    resource('aws_vpc_security_group_egress_rule', 'ci_runner', [
      attr('count', expr('length(var.public_access_cidrs) == 0 ? 1 : 0')),
      attr('security_group_id', expr('aws_security_group.ci_runner[0].id')),
      attr('description', 'The runner fetches code, packages and images, and calls AWS APIs'),
      attr('cidr_ipv4', '0.0.0.0/0'),
      attr('ip_protocol', '-1'),
    ]),
    resource('aws_vpc_security_group_ingress_rule', 'api_from_ci_runner', [
      attr('count', expr('length(var.public_access_cidrs) == 0 ? 1 : 0')),
      attr('security_group_id', expr('aws_eks_cluster.this.vpc_config[0].cluster_security_group_id')),
      attr('description', 'The Kubernetes API from the self-hosted CI runner'),
      attr('referenced_security_group_id', expr('aws_security_group.ci_runner[0].id')),
      attr('ip_protocol', 'tcp'),
      attr('from_port', 443),
      attr('to_port', 443),
    ]),
  ];
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
      variable('kms_key_arn', { type: 'string', description: 'KMS key for the control-plane log group.' }),
      variable('log_retention_days', {
        type: 'number',
        description: 'Days CloudWatch keeps control-plane logs.',
        validations: [
          { condition: 'var.log_retention_days >= 1', message: 'log_retention_days must be at least 1.' },
        ],
      }),
      variable('ci', {
        type: 'object({ issuer_url = string, subjects = list(string), provider_arn = optional(string) })',
        description:
          "The CI's OIDC issuer and the token subjects (repository, environment) the deploy role trusts; provider_arn: an existing provider for that issuer (one per account), else one is created. null: no CI role.",
        default: null,
      }),
      variable('deploy_role_name', { type: 'string', description: 'The CI deploy role.' }),
      variable('ecr_repository_arns', {
        type: 'list(string)',
        description: 'Repositories the deploy role may push to (the images the spec names on ECR).',
        default: [],
      }),
      variable('service_account_roles', {
        type: 'map(object({ namespace = string, service_account = string, policy = string }))',
        description:
          'IRSA: a role per Kubernetes ServiceAccount that needs AWS access, with its policy (JSON).',
        default: object({}),
      }),
    ],
    main: [
      data('aws_caller_identity', 'current', []),
      locals([
        attr('oidc_issuer', expr('trimprefix(aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://")')),
        attr('ci_issuer', expr('try(trimprefix(var.ci.issuer_url, "https://"), null)')),
      ]),
      resource('aws_kms_key', 'secrets', [
        attr('description', template('${var.name} EKS secrets envelope encryption')),
        attr('enable_key_rotation', true),
        attr('deletion_window_in_days', 30),
        attr(
          'policy',
          call(
            'jsonencode',
            object({
              Version: '2012-10-17',
              Statement: [
                object({
                  Sid: 'AccountAdministers',
                  Effect: 'Allow',
                  Principal: object({
                    AWS: template('arn:aws:iam::${data.aws_caller_identity.current.account_id}:root'),
                  }),
                  Action: 'kms:*',
                  Resource: '*',
                }),
              ],
            }),
          ),
        ),
      ]),
      resource('aws_cloudwatch_log_group', 'cluster', [
        // The name EKS writes to; created first so it has a retention and the key.
        attr('name', template('/aws/eks/${var.name}/cluster')),
        attr('retention_in_days', expr('var.log_retention_days')),
        attr('kms_key_id', expr('var.kms_key_arn')),
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
        attr('enabled_cluster_log_types', [
          'api',
          'audit',
          'authenticator',
          'controllerManager',
          'scheduler',
        ]),
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
        attr('depends_on', [
          expr('aws_iam_role_policy_attachment.cluster'),
          expr('aws_cloudwatch_log_group.cluster'),
        ]),
      ]),
      resource('aws_launch_template', 'node', [
        attr('name_prefix', template('${var.name}-node-')),
        attr('update_default_version', true),
        block(
          'metadata_options',
          [],
          [
            attr('http_endpoint', 'enabled'),
            // IMDSv2 only, one hop: a pod (one hop further) cannot read the node role's credentials.
            attr('http_tokens', 'required'),
            attr('http_put_response_hop_limit', 1),
          ],
        ),
        block(
          'block_device_mappings',
          [],
          [
            attr('device_name', '/dev/xvda'),
            block(
              'ebs',
              [],
              [attr('volume_size', NODE_ROOT_GB), attr('volume_type', 'gp3'), attr('encrypted', true)],
            ),
          ],
        ),
        nameTag(template('${var.name}-node')),
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
          'launch_template',
          [],
          [
            attr('id', expr('aws_launch_template.node.id')),
            attr('version', expr('aws_launch_template.node.latest_version')),
          ],
        ),
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
      resource('aws_iam_role', 'ebs_csi', [
        attr('name', template('${var.name}-ebs-csi')),
        attr('assume_role_policy', irsaTrust('"system:serviceaccount:kube-system:ebs-csi-controller-sa"')),
      ]),
      resource('aws_iam_role_policy_attachment', 'ebs_csi', [
        attr('role', expr('aws_iam_role.ebs_csi.name')),
        attr('policy_arn', 'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy'),
      ]),
      resource('aws_eks_addon', 'ebs_csi', [
        // Without it every PersistentVolumeClaim (redis, in-cluster postgres) stays Pending.
        attr('cluster_name', expr('aws_eks_cluster.this.name')),
        attr('addon_name', 'aws-ebs-csi-driver'),
        attr('service_account_role_arn', expr('aws_iam_role.ebs_csi.arn')),
        attr('resolve_conflicts_on_update', 'OVERWRITE'),
        attr('depends_on', [expr('aws_eks_node_group.this')]),
      ]),
      ...ciAccess(),
      resource('aws_iam_role', 'cluster_autoscaler', [
        attr('name', template('${var.name}-cluster-autoscaler')),
        attr('assume_role_policy', irsaTrust('"system:serviceaccount:kube-system:cluster-autoscaler"')),
      ]),
      resource('aws_iam_role_policy', 'cluster_autoscaler', [
        accepted(
          'CKV_AWS_355',
          "the Describe* actions the autoscaler needs support no resource-level permissions; the writes are limited to this cluster's tagged groups",
        ),
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
      output(
        'cluster_security_group_id',
        'The security group of the control plane and the nodes (backing services admit it).',
        expr('aws_eks_cluster.this.vpc_config[0].cluster_security_group_id'),
      ),
      output(
        'ci_deploy_role_arn',
        'The role the CI pipeline assumes (OIDC) to push images and deploy (null without ci).',
        expr('one(aws_iam_role.ci_deploy[*].arn)'),
      ),
      output(
        'ci_oidc_provider_arn',
        "The CI's OIDC provider: pass it as ci_oidc_provider_arn to the account's other environments.",
        expr('try(coalesce(var.ci.provider_arn, one(aws_iam_openid_connect_provider.ci[*].arn)), null)'),
      ),
      output(
        'ci_runner_security_group_id',
        'Private endpoint: launch the self-hosted CI runner with this security group (null when public).',
        expr('one(aws_security_group.ci_runner[*].id)'),
      ),
    ],
  };
}
