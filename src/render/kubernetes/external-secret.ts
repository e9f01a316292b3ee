/**
 * Where a service's secrets come from on a cluster. Either way the pods read the Secret
 * `<app>-<service>-secrets` by reference, one key per secret name.
 * - `secrets.provider: external-secrets`: an External Secrets Operator ExternalSecret
 *   (external-secrets.io/v1) fills that Secret from the named SecretStore, each key from
 *   `<app>/<service>/<NAME>`.
 * - `kubernetes` (default): nothing is rendered; a note says which Secret and keys to create.
 */
import type { ServiceModel } from '../../spec/model.ts';
import { secretName, serviceMetadata } from './names.ts';
import type { K8sObject, RenderContext } from './types.ts';

export const DEFAULT_REFRESH_INTERVAL = '1h';

export function renderExternalSecret(ctx: RenderContext, service: ServiceModel): K8sObject[] {
  if (service.secrets.length === 0) return [];
  const name = secretName(ctx, service);
  const source = ctx.model.secrets;
  if (source.provider !== 'external-secrets' || source.store === undefined) {
    const literals = service.secrets.map((key) => `--from-literal=${key}='…'`).join(' ');
    ctx.note({
      level: 'warning',
      message: `${service.name}: create the Secret ${name} with the keys ${service.secrets.join(', ')}: kubectl create secret generic ${name} -n ${ctx.namespace} ${literals}`,
    });
    return [];
  }
  return [
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: serviceMetadata(ctx, service, name),
      spec: {
        refreshInterval: source.refreshInterval ?? DEFAULT_REFRESH_INTERVAL,
        secretStoreRef: { name: source.store, kind: source.storeKind },
        target: { name, creationPolicy: 'Owner' },
        data: service.secrets.map((key) => ({
          secretKey: key,
          remoteRef: { key: `${ctx.model.app}/${service.name}/${key}` },
        })),
      },
    },
  ];
}

/** The note for the operator, once per render when any ExternalSecret was rendered. */
export function externalSecretsNote(ctx: RenderContext): string {
  const { store, storeKind } = ctx.model.secrets;
  const where = storeKind === 'SecretStore' ? ` in namespace ${ctx.namespace}` : '';
  return `ExternalSecret objects need the External Secrets Operator (serving external-secrets.io/v1) and the ${storeKind} \`${store}\`${where}`;
}
