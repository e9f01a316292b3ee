/**
 * The release manager's store on a cluster: the `gantry.dev/release` annotation on each service's
 * holder (its stable Deployment, or its Service for blue-green; release-annotation.ts). Every
 * write is read-modify-write against the holder's resourceVersion (writeRelease), so a request
 * filed from another machine and the host's own saves never overwrite each other.
 *
 * Why the annotation and not an object of our own (a CRD): it needs nothing installed, lives and
 * goes with the service's own objects, is readable with kubectl, and what it holds is small
 * (bounded history and revisions) — while a CRD would have to be installed and versioned before
 * the first release, and deleted apart from the app.
 */
import type { ReleaseRequest, ReleaseStore } from '../../rollout/manager.ts';
import type { ReleaseDraft, ReleaseState } from '../../rollout/state.ts';
import type { ServiceModel } from '../../spec/model.ts';
import { KubeError } from './api-failure.ts';
import type { ClusterReleasePlatform } from './platform.ts';
import { ANNOTATION_REVISIONS, type ClusterRelease } from './release-annotation.ts';
import { historyAfter, revisions } from './release-history.ts';

export class ClusterReleaseStore implements ReleaseStore {
  constructor(
    /** The platform that holds a service's release (it reads and writes the annotation). */
    private readonly holder: (service: string) => ClusterReleasePlatform | Promise<ClusterReleasePlatform>,
    /** The services whose holders carry a release. */
    private readonly list: () => Promise<string[]>,
    /** Who this process is when it drives what it saves; a process that only files releases is none. */
    private readonly driver?: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The mark every save of a driving process leaves (release-annotation.ts `driver`). */
  private driving(): { driver?: { name: string; at: string } } {
    return this.driver ? { driver: { name: this.driver, at: new Date(this.now()).toISOString() } } : {};
  }

  services(): Promise<string[]> {
    return this.list();
  }

  private async read(service: string): Promise<ClusterRelease | undefined> {
    return (await this.holder(service)).readRelease(service);
  }

  private async write(service: string, update: (current: ClusterRelease | undefined) => ClusterRelease) {
    await (await this.holder(service)).saveRelease(service, update);
  }

  async history(service: string): Promise<ReleaseState[]> {
    return revisions(await this.read(service));
  }

  async create(draft: ReleaseDraft, spec: ServiceModel): Promise<ReleaseState> {
    let created: ReleaseState | undefined;
    await this.write(draft.service, (current) => {
      created = { ...draft, id: (current?.state.id ?? 0) + 1 };
      // A request left on an ended release is not for this one: it is not carried over.
      return {
        state: created,
        history: historyAfter(current),
        revisions: keepRevisions(current?.revisions, draft.version, spec),
        ...this.driving(),
      };
    });
    return created!;
  }

  async save(state: ReleaseState): Promise<void> {
    await this.write(state.service, (current) => {
      if (current && current.state.id !== state.id)
        throw new KubeError(
          `release ${state.id} of ${state.service} was replaced by release ${current.state.id} on the cluster; this process stops driving it`,
        );
      return { ...(current ?? {}), state, ...this.driving() };
    });
  }

  async revision(service: string, version: string): Promise<ServiceModel | undefined> {
    const kept = (await this.read(service))?.revisions ?? {};
    // A version older than those kept runs with the newest spec (its release settings are the service's).
    return kept[version] ?? Object.values(kept).at(-1);
  }

  async fileRequest(service: string, request: ReleaseRequest): Promise<void> {
    await this.write(service, (current) => {
      if (!current) throw new KubeError(`${service} has no release on the cluster`);
      return { ...current, request };
    });
  }

  async takeRequest(service: string): Promise<ReleaseRequest | undefined> {
    if ((await this.read(service))?.request === undefined) return undefined;
    let taken: ReleaseRequest | undefined;
    await this.write(service, (current) => {
      const { request, ...rest } = current!;
      taken = request;
      return rest;
    });
    return taken;
  }
}

/** The spec of `version` added as the newest, keeping the last ANNOTATION_REVISIONS versions. */
function keepRevisions(
  kept: Record<string, ServiceModel> | undefined,
  version: string,
  spec: ServiceModel,
): Record<string, ServiceModel> {
  const entries = Object.entries(kept ?? {}).filter(([v]) => v !== version);
  return Object.fromEntries([...entries, [version, spec] as const].slice(-ANNOTATION_REVISIONS));
}
