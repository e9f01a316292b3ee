import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releaseStoreContract } from '../rollout/release-store.contract.ts';
import { LocalReleaseStore } from './release-store.ts';
import { Store } from './store.ts';

releaseStoreContract('SQLite (the local daemon)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-release-store-'));
  const file = join(dir, 'state.db');
  const opened: Store[] = [new Store(file)];
  return {
    store: new LocalReleaseStore(opened[0]!),
    async reopen() {
      const store = new Store(file);
      opened.push(store);
      return new LocalReleaseStore(store);
    },
    async close() {
      for (const store of opened) store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
