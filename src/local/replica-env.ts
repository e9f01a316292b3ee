/**
 * A replica's environment, and nothing more: a replica gets what its service declares, never
 * the rest of the daemon's environment (which holds every secret the user exported). Pure:
 * the daemon passes in its environment, the secrets file and the URLs it injects.
 *
 *   a few variables every process needs (PATH, HOME, the locale, TZ, TMPDIR), when set
 *   + the names the spec passes through (`passEnv`)
 *   + the spec's `env`
 *   + the URLs of what it `uses` (DATABASE_URL, REDIS_URL, <NAME>_URL)
 *   + its declared `secrets`
 *   + Gantry's own (PORT, HOST, APP_VERSION, GANTRY_APP, GANTRY_SERVICE, GANTRY_REPLICA)
 *
 * Later entries win. The secrets' values and the MissingSecret check come from one function,
 * secretValues() in secrets.ts, so a secret the check calls missing is the secret the replica lacks.
 */
import type { ServiceModel } from '../spec/model.ts';
import { type SecretSources, secretValues } from './secrets.ts';

/** Not secrets, and a process can hardly run without them (`node` is found through PATH). */
export const PROCESS_BASICS = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR'] as const;

export interface ReplicaIdentity {
  app: string;
  version: string;
  index: number;
  port: number;
}

export function replicaEnvironment(
  service: Pick<ServiceModel, 'name' | 'env' | 'secrets' | 'passEnv'>,
  replica: ReplicaIdentity,
  sources: SecretSources,
  injected: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  // A revision saved by an older gantry has no passEnv.
  for (const name of [...PROCESS_BASICS, ...(service.passEnv ?? [])]) {
    const value = sources.environment[name];
    if (value !== undefined) env[name] = value;
  }
  return {
    ...env,
    ...service.env,
    ...injected,
    ...secretValues(service.secrets, sources, injected).values,
    PORT: String(replica.port),
    HOST: '127.0.0.1',
    APP_VERSION: replica.version,
    GANTRY_APP: replica.app,
    GANTRY_SERVICE: service.name,
    GANTRY_REPLICA: String(replica.index),
  };
}
