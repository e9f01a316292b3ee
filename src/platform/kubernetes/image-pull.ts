/**
 * Why a workload's pods cannot start because their image cannot be pulled, read from the pods'
 * container statuses (waiting reason ErrImagePull / ImagePullBackOff) and their events (reason
 * Failed with "Failed to pull image"). Pure: the adapter lists pods and events.
 */

export interface PodLike {
  metadata: { name: string };
  spec?: {
    containers?: { name: string; image?: string }[];
    initContainers?: { name: string; image?: string }[];
  };
  status?: {
    containerStatuses?: ContainerStatusLike[];
    initContainerStatuses?: ContainerStatusLike[];
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

interface ContainerStatusLike {
  name: string;
  image?: string;
  state?: { waiting?: { reason?: string; message?: string } };
}

export interface EventLike {
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string };
}

export interface ImagePullFailure {
  pod: string;
  container: string;
  image: string;
  reason: string;
  message: string;
}

export const IMAGE_PULL_REASONS = ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName'];

export function imagePullFailures(
  pods: readonly PodLike[],
  events: readonly EventLike[] = [],
): ImagePullFailure[] {
  const failures: ImagePullFailure[] = [];
  for (const pod of pods) {
    const specImages = new Map(
      [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => [c.name, c.image]),
    );
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
      const waiting = status.state?.waiting;
      if (!waiting?.reason || !IMAGE_PULL_REASONS.includes(waiting.reason)) continue;
      const pulled = events.find(
        (e) =>
          e.involvedObject?.name === pod.metadata.name &&
          e.reason === 'Failed' &&
          (e.message ?? '').includes('Failed to pull image'),
      );
      failures.push({
        pod: pod.metadata.name,
        container: status.name,
        image: specImages.get(status.name) ?? status.image ?? '(unknown image)',
        reason: waiting.reason,
        message: pulled?.message ?? waiting.message ?? '',
      });
    }
  }
  return failures;
}

/** One line per distinct image: `image ghcr.io/acme/api:9.9 cannot be pulled (ImagePullBackOff, pod api-7d…): …`. */
export function describeImagePullFailures(failures: readonly ImagePullFailure[]): string[] {
  const seen = new Set<string>();
  return failures
    .filter((f) => !seen.has(f.image) && seen.add(f.image))
    .map(
      (f) =>
        `image ${f.image} cannot be pulled (${f.reason}, pod ${f.pod} container ${f.container})${f.message ? `: ${f.message}` : ''}`,
    );
}
