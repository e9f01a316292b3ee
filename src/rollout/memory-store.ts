/**
 * A ReleaseStore in memory, for the manager's table tests and the store contract suite: what the
 * SQLite and cluster stores keep durably, kept here in maps. Structured copies in and out, so a
 * test cannot change what is stored by changing what it holds.
 */
import type { ServiceModel } from '../spec/model.ts';
import type { ReleaseRequest, ReleaseStore } from './manager.ts';
import type { ReleaseDraft, ReleaseState } from './state.ts';

export class MemoryReleaseStore implements ReleaseStore {
  private readonly releases: ReleaseState[] = [];
  private readonly revisions = new Map<string, ServiceModel>();
  private readonly requests = new Map<string, ReleaseRequest>();

  async services(): Promise<string[]> {
    return [...new Set(this.releases.map((release) => release.service))];
  }

  async history(service: string): Promise<ReleaseState[]> {
    return structuredClone(this.releases.filter((release) => release.service === service));
  }

  async create(draft: ReleaseDraft, spec: ServiceModel): Promise<ReleaseState> {
    this.revisions.set(`${draft.service}\n${draft.version}`, structuredClone(spec));
    const state = { ...structuredClone(draft), id: this.releases.length + 1 };
    this.releases.push(state);
    return structuredClone(state);
  }

  async save(state: ReleaseState): Promise<void> {
    const index = this.releases.findIndex((release) => release.id === state.id);
    if (index < 0) throw new Error(`no release ${state.id} to save`);
    this.releases[index] = structuredClone(state);
  }

  async revision(service: string, version: string): Promise<ServiceModel | undefined> {
    const spec = this.revisions.get(`${service}\n${version}`);
    return spec && structuredClone(spec);
  }

  async fileRequest(service: string, request: ReleaseRequest): Promise<void> {
    this.requests.set(service, request);
  }

  async takeRequest(service: string): Promise<ReleaseRequest | undefined> {
    const request = this.requests.get(service);
    this.requests.delete(service);
    return request;
  }
}
