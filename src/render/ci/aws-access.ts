/**
 * What a pipeline needs to reach an environment on AWS, derived from the same facts `gantry
 * infra` builds it from (terraform/facts.ts): the account and region, the EKS cluster name, the
 * deploy role the CI assumes through OIDC, and the runner labels when the API endpoint is private.
 */
import type { AppModel } from '../../spec/model.ts';
import { awsRegion, clusterAccess, deployRoleName, resourcePrefix } from '../terraform/facts.ts';

export interface AwsAccess {
  accountId: string;
  region: string;
  /** The EKS cluster `gantry infra --target eks` names `<app>-<env>`. */
  cluster: string;
  /** arn:aws:iam::<account>:role/<app>-<env>-ci-deploy */
  roleArn: string;
  /** Labels of the self-hosted runner inside the VPC; null when the endpoint is public to the runners. */
  runner: string[] | null;
}

/** The environment's access, or null without `aws.accountId` (then CI falls back to a KUBE_CONFIG secret). */
export function awsAccess(model: AppModel): AwsAccess | null {
  if (!model.aws) return null;
  const access = clusterAccess(model);
  return {
    accountId: model.aws.accountId,
    region: awsRegion(model),
    cluster: resourcePrefix(model),
    roleArn: `arn:aws:iam::${model.aws.accountId}:role/${deployRoleName(model)}`,
    runner: access.via === 'self-hosted-runner' ? access.labels : null,
  };
}

/** `123456789012.dkr.ecr.eu-west-1.amazonaws.com` → its account and region; other registries → null. */
export function ecrRegistry(registry: string): { accountId: string; region: string } | null {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$/.exec(registry);
  return match ? { accountId: match[1]!, region: match[2]! } : null;
}
