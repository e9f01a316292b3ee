/** How the CLI talks to the daemon: found through the state directory (daemon.json + token). */
import type { DaemonStatus } from '../daemon/status.ts';
import { type DaemonInfo, StateDir } from '../local/state-dir.ts';
import { CliError, EXIT } from './errors.ts';
import { DEFAULT_SPEC } from './spec-file.ts';

export interface TargetOptions {
  file?: string;
  stateDir?: string;
}

export class DaemonClient {
  constructor(
    readonly info: DaemonInfo,
    private readonly token: string | undefined,
  ) {}

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
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
    } catch (error) {
      throw new CliError(
        `cannot reach the gantry daemon at ${this.info.url}: ${(error as Error).message}`,
        EXIT.failed,
      );
    }
    const payload = (await response.json().catch(() => ({}))) as { error?: string };
    if (!response.ok) throw new CliError(payload.error ?? `daemon answered ${response.status}`, EXIT.failed);
    return payload as T;
  }

  status(): Promise<DaemonStatus> {
    return this.request<DaemonStatus>('GET', '/v1/status');
  }
}

export function stateDirOf(options: TargetOptions): StateDir {
  return StateDir.for(options.file ?? DEFAULT_SPEC, options.stateDir);
}

/** The running daemon for this spec, or a clear error naming the next command. */
export function connect(options: TargetOptions): DaemonClient {
  const state = stateDirOf(options);
  const info = state.daemonInfo();
  if (!info)
    throw new CliError(
      `no gantry daemon is running for ${options.file ?? DEFAULT_SPEC} (state directory ${state.root})`,
      EXIT.failed,
      `start it with \`gantry up\`${options.file ? ` -f ${options.file}` : ''}`,
    );
  return new DaemonClient(info, state.readToken());
}

export { setTimeout as sleep } from 'node:timers/promises';
