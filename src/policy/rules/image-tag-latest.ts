import type { Rule } from '../rule.ts';
import { workloadContainers } from '../workload.ts';

export const imageTagLatest: Rule = {
  id: 'image-tag-latest',
  severity: 'warning',
  category: 'reliability',
  title: 'Image without a tag or with :latest',
  why: 'A moving tag means two pods of one Deployment can run different code, and a rollback does not bring the old code back.',
  fix: 'image: ghcr.io/acme/api:1.4.2   # or pin a digest: ghcr.io/acme/api@sha256:…',
  docs: 'https://kubernetes.io/docs/concepts/containers/images/#image-names',
  aliases: {
    kubeScore: ['container-image-tag'],
    kubeLinter: ['latest-tag'],
    polaris: ['tagNotSpecified'],
    checkov: ['CKV_K8S_14'],
  },
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    return workload.containers.flatMap(({ container, name, path }) => {
      const image = container.image;
      if (typeof image !== 'string') return [];
      const tag = imageTag(image);
      const at = { container: name, path: [...path, 'image'] };
      if (tag === undefined) return [{ ...at, message: `image ${image} has no tag (means :latest)` }];
      if (tag === 'latest') return [{ ...at, message: `image ${image} uses the :latest tag` }];
      return [];
    });
  },
};

/** The tag of an image reference, `digest` when pinned by digest, undefined when there is none. */
export function imageTag(image: string): string | undefined {
  if (image.includes('@')) return 'digest';
  // A colon after the last slash is a tag; before it, a registry port (localhost:5000/app).
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  return colon === -1 ? undefined : last.slice(colon + 1);
}
