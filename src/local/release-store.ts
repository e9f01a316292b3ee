/**
 * The release manager's store on this machine: releases, revisions and a person's pending
 * request in the daemon's SQLite, so a daemon killed mid-release resumes at the same step and a
 * promote filed just before it died is still taken.
 */
import type { ReleaseRequest, ReleaseStore } from '../rollout/manager.ts';
import type { ReleaseDraft, ReleaseState } from '../rollout/state.ts';
import type { ServiceModel } from '../spec/model.ts';
import type { Store } from './store.ts';

const requestKey = (service: string) => `release-request:${service}`;

export class LocalReleaseStore implements ReleaseStore {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  async services(): Promise<string[]> {
    return [...new Set(this.store.releases<ReleaseState>().map((release) => release.service))];
  }

  async history(service: string): Promise<ReleaseState[]> {
    return this.store.releases<ReleaseState>(service);
  }

  async create(draft: ReleaseDraft, spec: ServiceModel): Promise<ReleaseState> {
    this.store.saveRevision(draft.service, draft.version, spec, this.now());
    const id = this.store.createRelease(draft.service, (id) => ({ ...draft, id }));
    return { ...draft, id };
  }

  async save(state: ReleaseState): Promise<void> {
    this.store.saveRelease(state);
  }

  async revision(service: string, version: string): Promise<ServiceModel | undefined> {
    return this.store.revision<ServiceModel>(service, version);
  }

  async fileRequest(service: string, request: ReleaseRequest): Promise<void> {
    this.store.setMeta(requestKey(service), request);
  }

  async takeRequest(service: string): Promise<ReleaseRequest | undefined> {
    return this.store.transaction(() => {
      const request = this.store.meta<ReleaseRequest>(requestKey(service));
      if (request !== undefined) this.store.setMeta(requestKey(service), undefined);
      return request;
    });
  }
}
