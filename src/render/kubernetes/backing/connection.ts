/**
 * How a service reaches a backing service it `uses` on a cluster, as environment
 * variables (the same names `gantry up` injects locally, see spec/connection.ts):
 * - redis in the cluster: redis://<app>-<name>:6379 (no credentials);
 * - postgres in the cluster: user and password by secretKeyRef from the credentials
 *   Secret, then the URL built from them with Kubernetes' $(VAR) expansion, so the
 *   password is never written into the manifest (CloudNativePG: the `-rw` Service);
 * - managed: the whole URL by secretKeyRef from `<app>-<name>-connection` (key `url`);
 * - kafka: nothing (Gantry does not run it; see the render note).
 */
import { connectionVariables, urlVariable } from '../../../spec/connection.ts';
import type { BackingModel } from '../../../spec/model.ts';
import type { RenderContext } from '../types.ts';
import { backingName, credentialsSecretName } from './common.ts';
import { connectionSecretName } from './index.ts';
import { databaseName, POSTGRES_PORT } from './postgres.ts';

const REDIS_PORT = 6379;

export function backingEnv(ctx: RenderContext, backing: BackingModel): Record<string, unknown>[] {
  if (backing.kind === 'kafka') return [];
  const names = connectionVariables(backing.kind, backing.name);
  if (backing.mode === 'managed')
    return names.map((name) => ({
      name,
      valueFrom: { secretKeyRef: { name: connectionSecretName(ctx, backing), key: 'url' } },
    }));
  const host = backingName(ctx, backing);
  if (backing.kind === 'redis')
    return names.map((name) => ({ name, value: `redis://${host}:${REDIS_PORT}` }));
  const prefix = urlVariable(backing.name).replace(/_URL$/, '');
  const secret = credentialsSecretName(ctx, backing);
  const user = `${prefix}_USERNAME`;
  const password = `${prefix}_PASSWORD`;
  const server = backing.ha ? `${host}-rw` : host;
  const url = `postgres://$(${user}):$(${password})@${server}:${POSTGRES_PORT}/${databaseName(ctx)}`;
  return [
    { name: user, valueFrom: { secretKeyRef: { name: secret, key: 'username' } } },
    { name: password, valueFrom: { secretKeyRef: { name: secret, key: 'password' } } },
    ...names.map((name) => ({ name, value: url })),
  ];
}
