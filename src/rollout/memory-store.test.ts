import { MemoryReleaseStore } from './memory-store.ts';
import { releaseStoreContract } from './release-store.contract.ts';

releaseStoreContract('in memory', async () => ({ store: new MemoryReleaseStore() }));
