import type { Rule } from '../rule.ts';
import { workloadContainers } from '../workload.ts';

/** Opt-in (Checkov's CKV_K8S_43): a tag can be moved to other bytes; a digest cannot. */
export const imageNotPinnedByDigest: Rule = {
  id: 'image-not-pinned-by-digest',
  severity: 'info',
  category: 'security',
  title: 'Image not pinned by digest',
  why: 'A tag is a pointer the registry owner can move: the same manifest may run different bytes tomorrow, and a compromised registry account can swap them. A digest names exactly one image.',
  fix: 'image: ghcr.io/acme/api:1.4.2@sha256:…   # the tag for readers, the digest for the kubelet',
  docs: 'https://kubernetes.io/docs/concepts/containers/images/#image-names',
  aliases: { checkov: ['CKV_K8S_43'] },
  optional: true,
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    return workload.containers.flatMap(({ container, name, path }) =>
      typeof container.image === 'string' && !container.image.includes('@sha256:')
        ? [
            {
              container: name,
              path: [...path, 'image'],
              message: `image ${container.image} is not pinned by digest`,
            },
          ]
        : [],
    );
  },
};
