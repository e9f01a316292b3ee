/**
 * The environment variables a service gets for each backing service it `uses`, the same on
 * this machine and on a cluster: the conventional DATABASE_URL / REDIS_URL and a
 * `<NAME>_URL` that stays distinct when a service uses two of a kind.
 */
/** db → DB_URL; my-cache → MY_CACHE_URL. Also how a service finds another service it uses. */
export function urlVariable(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
}

export function connectionVariables(kind: 'postgres' | 'redis', name: string): string[] {
  return [kind === 'postgres' ? 'DATABASE_URL' : 'REDIS_URL', urlVariable(name)];
}
