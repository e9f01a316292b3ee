import type { Rule } from '../rule.ts';
import { workloadContainers } from '../workload.ts';
import { imageTag } from './image-tag-latest.ts';

/**
 * Category reliability, as Polaris files it: with IfNotPresent a node keeps running whatever it
 * pulled first under that tag. Info, not warning: with pinned tags the remaining gain is that the
 * kubelet re-checks pull credentials, and Always makes every pod start depend on the registry.
 * An unset policy is read as Kubernetes defaults it: Always for `:latest` or no tag, else IfNotPresent.
 */
export const imagePullPolicyNotAlways: Rule = {
  id: 'image-pull-policy-not-always',
  severity: 'info',
  category: 'reliability',
  title: 'imagePullPolicy is not Always',
  why: 'With IfNotPresent a node reuses the image it already has: a re-pushed tag runs old code on some nodes, and a pod can start a private image cached by another namespace without its pull secret being checked.',
  fix: 'imagePullPolicy: Always',
  docs: 'https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy',
  aliases: {
    kubeScore: ['container-image-pull-policy'],
    polaris: ['pullPolicyNotAlways'],
    checkov: ['CKV_K8S_15'],
  },
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    return workload.containers.flatMap(({ container, name, path }) => {
      const policy = container.imagePullPolicy;
      if (policy === 'Always') return [];
      const at = { container: name, path: [...path, 'imagePullPolicy'] };
      if (typeof policy === 'string') return [{ ...at, message: `imagePullPolicy is ${policy}` }];
      if (policy !== undefined && policy !== null) return [];
      const image = container.image;
      if (typeof image !== 'string') return [];
      const tag = imageTag(image);
      if (tag === undefined || tag === 'latest') return [];
      return [{ ...at, message: 'imagePullPolicy is not set (IfNotPresent for a pinned image)' }];
    });
  },
};
