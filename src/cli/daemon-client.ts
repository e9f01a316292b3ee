/**
 * How the CLI talks to the daemon: found through the state directory (daemon.json + token). A
 * daemon that died is back within seconds (its supervisor starts the standby): a request that
 * finds it gone waits for the next one instead of failing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DaemonStatus } from '../daemon/status.ts';
import { isAlive } from '../local/process.ts';
import { type DaemonInfo, StateDir } from '../local/state-dir.ts';
import { CliError, EXIT } from './errors.ts';
import { DEFAULT_SPEC } from './spec-file.ts';

/** How long a request waits for a restarting daemon. */
const RESTART_WAIT_MS = 15_000;

export interface TargetOptions {
  file?: string;
  stateDir?: string;
}

export class DaemonClient {
  constructor(
    public info: DaemonInfo,
    private readonly token: string | undefined,
    private readonly state?: StateDir,
  ) {}

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    for (let attempt = 0; ; attempt++) {
      try {
        response = await fetch(`${this.info.url}${path}`, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(30_000),
        });
        break;
      } catch (error) {
        if (attempt === 0 && (await this.restarted())) continue;
        throw new CliError(
          `cannot reach the gantry daemon at ${this.info.url}: ${(error as Error).message}`,
          EXIT.failed,
        );
      }
    }
    const payload = (await response.json().catch(() => ({}))) as { error?: string };
    if (!response.ok) throw new CliError(payload.error ?? `daemon answered ${response.status}`, EXIT.failed);
    return payload as T;
  }

  status(): Promise<DaemonStatus> {
    return this.request<DaemonStatus>('GET', '/v1/status');
  }

  /** When the daemon is gone but its supervisor lives, waits for the next daemon; true once it is up. */
  private async restarted(): Promise<boolean> {
    const supervisor = this.info.supervisor;
    if (!this.state || supervisor === undefined || !isAlive(supervisor) || isAlive(this.info.pid))
      return false;
    const deadline = Date.now() + RESTART_WAIT_MS;
    while (Date.now() < deadline && isAlive(supervisor)) {
      const next = this.state.daemonInfo();
      if (next && next.pid !== this.info.pid) {
        this.info = next;
        return true;
      }
      await sleep(50);
    }
    return false;
  }
}

export function stateDirOf(options: TargetOptions): StateDir {
  return StateDir.for(options.file ?? DEFAULT_SPEC, options.stateDir);
}

/** The running daemon for this spec, or a clear error naming the next command. */
export function connect(options: TargetOptions): DaemonClient {
  const state = stateDirOf(options);
  const info = state.daemonInfo() ?? restarting(state);
  if (!info)
    throw new CliError(
      `no gantry daemon is running for ${options.file ?? DEFAULT_SPEC} (state directory ${state.root})`,
      EXIT.failed,
      `start it with \`gantry up\`${options.file ? ` -f ${options.file}` : ''}`,
    );
  return new DaemonClient(info, state.readToken(), state);
}

/** The last daemon's record when it is gone but its supervisor is bringing the next one up. */
export function restarting(state: StateDir): DaemonInfo | undefined {
  const last = state.lastDaemonInfo();
  return last?.supervisor !== undefined && isAlive(last.supervisor) ? last : undefined;
}

export { sleep };
