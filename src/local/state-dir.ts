/**
 * The state directory (`.gantry/` beside the spec, or --state-dir): where the daemon keeps
 * its database, token, logs and backing data, and where the CLI finds the daemon.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isAlive } from './process.ts';

export interface DaemonInfo {
  pid: number;
  /** Base URL of the daemon API, e.g. http://127.0.0.1:43121 */
  url: string;
  startedAt: number;
  specFile: string;
  environment: string | null;
}

export class StateDir {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** `.gantry/` beside the spec file unless a directory is given. */
  static for(specFile: string, override?: string): StateDir {
    return new StateDir(override ?? join(dirname(resolve(specFile)), '.gantry'));
  }

  get database(): string {
    return join(this.root, 'state.db');
  }
  get tokenFile(): string {
    return join(this.root, 'token');
  }
  get daemonFile(): string {
    return join(this.root, 'daemon.json');
  }
  get daemonLog(): string {
    return join(this.root, 'daemon.log');
  }
  logFile(service: string, replicaId: string): string {
    return join(this.root, 'logs', service, `${replicaId}.log`);
  }

  /**
   * Private to this user (0700); as root, 0711 instead: backing servers run as an
   * unprivileged user (postgres refuses root) and must be able to pass through to their
   * data folder, without being able to list or read anything else here.
   */
  ensure(): void {
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    chmodSync(this.root, process.getuid?.() === 0 ? 0o711 : 0o700);
  }

  /** The API token, created once with mode 0600: only this user can drive the daemon. */
  token(): string {
    this.ensure();
    if (existsSync(this.tokenFile)) return readFileSync(this.tokenFile, 'utf8').trim();
    const token = randomBytes(32).toString('base64url');
    writeFileSync(this.tokenFile, `${token}\n`, { mode: 0o600 });
    chmodSync(this.tokenFile, 0o600);
    return token;
  }

  readToken(): string | undefined {
    try {
      return readFileSync(this.tokenFile, 'utf8').trim();
    } catch {
      return undefined;
    }
  }

  writeDaemonInfo(info: DaemonInfo): void {
    writeFileSync(this.daemonFile, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  }

  /** The running daemon, if its file exists and its process is alive. */
  daemonInfo(): DaemonInfo | undefined {
    let info: DaemonInfo;
    try {
      info = JSON.parse(readFileSync(this.daemonFile, 'utf8')) as DaemonInfo;
    } catch {
      return undefined;
    }
    return isAlive(info.pid) ? info : undefined;
  }

  clearDaemonInfo(pid: number): void {
    try {
      const info = JSON.parse(readFileSync(this.daemonFile, 'utf8')) as DaemonInfo;
      if (info.pid === pid) rmSync(this.daemonFile, { force: true });
    } catch {
      // already gone
    }
  }
}
