/**
 * The app's backing services (postgres, redis) as the daemon runs them: started or adopted from
 * before a crash, with what the services that use one get (its URL with the password, kept in
 * memory only), and their status. One that cannot start is recorded, not fatal: the services that
 * need it start all the same and say why they fail.
 */
import {
  type BackingInstance,
  connectionEnv,
  findBacking,
  startBacking,
  stopBacking,
} from '../local/backing/index.ts';
import type { Store } from '../local/store.ts';
import type { AppModel } from '../spec/model.ts';
import type { BackingStatus } from './status.ts';

type RecordEvent = (
  name: string,
  event: { type: 'Normal' | 'Warning'; reason: string; message: string },
) => void;

export class BackingServices {
  private readonly entries = new Map<
    string,
    BackingStatus & { instance?: BackingInstance; env?: Record<string, string> }
  >();

  constructor(
    private readonly options: {
      model: AppModel;
      store: Store;
      stateDir: string;
      record: RecordEvent;
      log(line: string): void;
    },
  ) {}

  async start(): Promise<void> {
    const { model, store, record } = this.options;
    for (const backing of Object.values(model.backing)) {
      const available = findBacking(backing.kind);
      if (!available.ok) {
        this.entries.set(backing.name, {
          name: backing.name,
          kind: backing.kind,
          state: 'unavailable',
          message: `${available.message} (${available.hint})`,
        });
        record(backing.name, {
          type: 'Warning',
          reason: 'BackingUnavailable',
          message: `${available.message}; ${available.hint}`,
        });
        continue;
      }
      const previous = store.meta<BackingInstance>(`backing:${backing.name}`);
      try {
        // Adopts a server still running from before a crash (or restarts one that ran without a password).
        const instance = await startBacking(backing, {
          stateDir: this.options.stateDir,
          app: model.app,
          log: (line) => this.options.log(`${backing.name}: ${line}`),
        });
        store.setMeta(`backing:${backing.name}`, instance);
        this.entries.set(backing.name, {
          name: backing.name,
          kind: backing.kind,
          state: 'running',
          url: instance.url,
          instance,
          env: connectionEnv(instance),
        });
        record(backing.name, {
          type: 'Normal',
          reason: previous?.pid === instance.pid ? 'Adopted' : 'Started',
          message: `${backing.kind} on ${instance.url}`,
        });
      } catch (error) {
        const message = (error as Error).message;
        this.entries.set(backing.name, { name: backing.name, kind: backing.kind, state: 'failed', message });
        record(backing.name, { type: 'Warning', reason: 'BackingFailed', message });
      }
    }
  }

  /** What a service that uses `name` gets in its environment (nothing when it is not running). */
  env(name: string): Record<string, string> | undefined {
    return this.entries.get(name)?.env;
  }

  statuses(): BackingStatus[] {
    return [...this.entries.values()].map(({ instance: _instance, env: _env, ...status }) => status);
  }

  async stop(): Promise<void> {
    for (const entry of this.entries.values())
      if (entry.instance) await stopBacking(entry.instance).catch(() => undefined);
    for (const name of this.entries.keys()) this.options.store.setMeta(`backing:${name}`, undefined);
  }
}
