/**
 * A dedicated ServiceAccount per service, without an API token: the apps never call the API server.
 * A service with `iam` statements names its IRSA role (`eks.amazonaws.com/role-arn`) when the
 * environment says which AWS account it runs in; the role is the one `gantry infra --target eks`
 * creates for it, named `<app>-<environment>-<service>` (modules/eks, service_account_roles).
 */
import type { ServiceModel } from '../../spec/model.ts';
import { serviceAccountName, serviceMetadata } from './names.ts';
import type { K8sObject, RenderContext } from './types.ts';

export const IRSA_ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';

export function renderServiceAccount(ctx: RenderContext, service: ServiceModel): K8sObject[] {
  const metadata = serviceMetadata(ctx, service, serviceAccountName(service));
  const role = irsaRole(ctx, service);
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: role ? { ...metadata, annotations: { [IRSA_ROLE_ANNOTATION]: role } } : metadata,
      automountServiceAccountToken: false,
    },
  ];
}

function irsaRole(ctx: RenderContext, service: ServiceModel): string | undefined {
  const environment = ctx.model.environment?.name;
  if (!service.iam?.length || environment === undefined) return undefined;
  const name = `${ctx.model.app}-${environment}-${service.name}`;
  if (ctx.model.awsAccountId === null) {
    ctx.note({
      level: 'info',
      message: `${service.name}: its iam statements need the IRSA role ${name} (gantry infra --target eks creates it); set environments.${environment}.aws.accountId and render names it on the ServiceAccount`,
    });
    return undefined;
  }
  return `arn:aws:iam::${ctx.model.awsAccountId}:role/${name}`;
}
