/**
 * Where a service's image is pushed, read from its `image` in the spec: the registry host and
 * the repository (everything before the tag or digest). CI pushes the build there with the
 * git SHA as its tag, which `gantry deploy --version SHA` then puts on the cluster.
 */

export interface ImageRepository {
  /** The registry host, e.g. `ghcr.io`, `localhost:5000`; `docker.io` when the reference names none. */
  registry: string;
  /** The reference without tag or digest, as the spec writes it, e.g. `ghcr.io/acme/shop-api`. */
  repository: string;
}

/**
 * Docker's rule: the first path component is a registry host when it has a `.` or a `:`
 * or is `localhost`; otherwise the image lives on Docker Hub (`nginx`, `acme/api`).
 */
export function imageRepository(image: string): ImageRepository {
  const withoutDigest = image.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const tagColon = withoutDigest.indexOf(':', lastSlash + 1);
  const repository = tagColon === -1 ? withoutDigest : withoutDigest.slice(0, tagColon);
  const first = repository.split('/')[0]!;
  const hasHost = repository.includes('/') && (/[.:]/.test(first) || first === 'localhost');
  return { registry: hasHost ? first : 'docker.io', repository };
}

/**
 * The CI secrets that hold a registry's credentials when the CI has none of its own for it:
 * `REGISTRY_<HOST>_USERNAME` / `_PASSWORD`, the host upper-cased with every other character
 * as `_` (docker.io → REGISTRY_DOCKER_IO_USERNAME), so one pipeline can push to several.
 */
export function registrySecretNames(registry: string): { username: string; password: string } {
  const host = registry.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return { username: `REGISTRY_${host}_USERNAME`, password: `REGISTRY_${host}_PASSWORD` };
}
