/**
 * Every third-party image Gantry writes into a generated file, pinned to a full version, so a
 * rebuild or a restart gets the same bits: the default Node base of `gantry dockerfile`, the
 * backing services of `gantry render` (Kubernetes and Compose), the job images of `gantry ci`.
 *
 * How the versions were chosen (no registry is reachable from where Gantry is built, so each was
 * read from public sources and is bumped by hand, or by Renovate/Dependabot in the user's repo):
 * - Node: 26 is the Active LTS line on 2026-12-06 (LTS since 2026-10-28 per the Node.js release
 *   schedule, maintenance from 2027-10-20); Node 20 reached end of life on 2026-04-30. 26.11.1 is
 *   the newest 26.x found pinned (tag and digest) in public Dockerfiles; `-trixie-slim` is the
 *   Debian 13 variant the Node 26 images default to.
 * - PostgreSQL: the newest minor of each major found pinned by several public projects
 *   (postgresql.org's quarterly minors); Redis: the last 7.4.x and the current 8.x.
 * - docker:29.7.2 (CLI and dind) for the GitLab build job, as pinned by public GitLab CI files.
 */

export const NODE_LTS = { major: '26', version: '26.11.1' } as const;

/** `gantry dockerfile`'s default base: the current Node LTS on Debian 13, slim. */
export const DEFAULT_NODE_IMAGE = `node:${NODE_LTS.version}-trixie-slim`;
/** CI jobs that run npm and gantry: the same Node, with git and a compiler for native modules. */
export const NODE_CI_IMAGE = `node:${NODE_LTS.version}-trixie`;

export const DOCKER_CLI_IMAGE = 'docker:29.7.2-cli';
export const DOCKER_DIND_IMAGE = 'docker:29.7.2-dind';

/** A major (or major.minor) → the full version the images are pinned to. */
const FULL_VERSIONS: Record<'postgres' | 'redis', Record<string, string>> = {
  postgres: { '14': '14.24', '15': '15.19', '16': '16.15', '17': '17.12', '18': '18.6' },
  redis: { '7': '7.4.11', '7.4': '7.4.11', '8': '8.10.1' },
};

/**
 * A backing service's version as the spec writes it (`backing.version`), completed to a full
 * version when it names a line Gantry knows (`15` → `15.19`, `7` → `7.4.11`); a version already
 * full, or one Gantry does not know, is used as written.
 */
export function pinnedVersion(kind: 'postgres' | 'redis', version: string): string {
  return FULL_VERSIONS[kind][version] ?? version;
}

/** The official image of a backing service at its pinned version: `postgres:15.19`. */
export function backingImage(kind: 'postgres' | 'redis', version: string): string {
  return `${kind}:${pinnedVersion(kind, version)}`;
}
