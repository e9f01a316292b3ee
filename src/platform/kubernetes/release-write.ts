/** Saving a release on its holder: `writeRelease`, a read-modify-write through the ReleaseApi. */
import type { K8sObject } from '../../render/kubernetes/index.ts';
import { StaleWrite } from './api-failure.ts';
import type { ReleaseApi } from './cluster-api.ts';
import type { ClusterRelease } from './release-annotation.ts';
import { FIELD_MANAGERS, releasePatch } from './release-objects.ts';

/** The release to write, or how to change the one stored now. */
export type ReleaseUpdate = ClusterRelease | ((current: ClusterRelease | undefined) => ClusterRelease);

/**
 * Writes the release annotation on its holder (the stable Deployment, or the Service for
 * blue-green) as read-modify-write: `update` sees the release as last read and the write carries
 * that read's resourceVersion, so a concurrent writer's change is never overwritten — the API
 * server refuses the stale write (409) and this reads again. Without it a promote or abort from a
 * second process, written while the deploy driving the release was between its read and its write,
 * was lost and the release sat paused until its timeout (seen on a real control plane, where those
 * calls take long enough for it to happen).
 */
export async function writeRelease<H extends K8sObject>(
  api: ReleaseApi,
  read: () => Promise<H>,
  releaseOf: (holder: H) => ClusterRelease | undefined,
  update: ReleaseUpdate,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const holder = await read();
    const next = typeof update === 'function' ? update(releaseOf(holder)) : update;
    try {
      const { resourceVersion } = holder.metadata as { resourceVersion?: string };
      await api.applyAs(releasePatch(holder, next, resourceVersion), FIELD_MANAGERS.state);
      return;
    } catch (error) {
      if (!(error instanceof StaleWrite) || attempt >= 20) throw error;
    }
  }
}
