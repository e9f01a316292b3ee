/**
 * The state directory (`.gantry/` beside the spec, or --state-dir): where the daemon keeps
 * its database, token, logs and backing data, and where the CLI finds the daemon.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  type Stats,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DNS_LABEL } from '../spec/names.ts';
import { isAlive } from './process.ts';

export interface DaemonInfo {
  pid: number;
  /** Base URL of the daemon API, e.g. http://127.0.0.1:43121 */
  url: string;
  startedAt: number;
  specFile: string;
  environment: string | null;
  /** The process that restarts the daemon when it dies (absent: nothing does). */
  supervisor?: number;
  /**
   * 2: the load balancers run in a proxy process. Absent: a daemon of an older gantry, with the
   * load balancers inside it.
   */
  layout?: number;
}

/** The state layout this gantry writes (see DaemonInfo.layout). */
export const LAYOUT = 2;

/** Files 0600, directories 0700 (0711 on the way to another user's); true when `path` is another user's directory. */
function tighten(path: string, uid: number): boolean {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch {
    return false; // gone meanwhile (a log rotated, redis replacing its append-only file)
  }
  if (stat.isSymbolicLink()) return false;
  if (uid >= 0 && stat.uid !== uid) return stat.isDirectory();
  const set = (mode: number) => {
    if ((stat.mode & 0o777) !== mode) chmodSync(path, mode);
  };
  try {
    if (!stat.isDirectory()) {
      if (stat.isFile()) set(0o600);
      return false;
    }
    let leadsToOther = false;
    for (const entry of readdirSync(path)) if (tighten(join(path, entry), uid)) leadsToOther = true;
    set(leadsToOther ? 0o711 : 0o700);
    return leadsToOther;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
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
  /** The proxy's output. */
  get proxyLog(): string {
    return join(this.root, 'proxy.log');
  }
  /**
   * The proxy's control socket (private: the directory is 0700 and the socket 0600). A unix socket's
   * path has at most 107 bytes; a deeper state directory gets one in a private folder of its own
   * under the system's temporary directory, named after the state directory.
   */
  get proxySocket(): string {
    const inside = join(this.root, 'proxy.sock');
    if (Buffer.byteLength(inside) <= 100) return inside;
    const folder = join(tmpdir(), `gantry-${process.getuid?.() ?? 'user'}`);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stat = lstatSync(folder);
    if (!stat.isDirectory() || (process.getuid && stat.uid !== process.getuid()) || (stat.mode & 0o077) !== 0)
      throw new Error(
        `${folder} must be a directory of this user's, closed to others (0700), for the proxy's socket`,
      );
    return join(folder, `${createHash('sha256').update(this.root).digest('hex').slice(0, 24)}.sock`);
  }
  /** A replica's log. Both names are checked first: neither may lead anywhere else (`../x`). */
  logFile(service: string, replicaId: string): string {
    if (!DNS_LABEL.test(service)) throw new Error(`not a service name: ${JSON.stringify(service)}`);
    if (!replicaId.startsWith(`${service}-`) || !/^\d+$/.test(replicaId.slice(service.length + 1)))
      throw new Error(`not a replica of ${service}: ${JSON.stringify(replicaId)}`);
    return join(this.root, 'logs', service, `${replicaId}.log`);
  }

  /** The folder holding a service's replica logs (the service name checked as in logFile). */
  logFolder(service: string): string {
    return dirname(this.logFile(service, `${service}-1`));
  }

  /**
   * Creates the directory, private to this user, and tightens what is in it (an older gantry
   * left logs and redis files 0644): every file 0600, every directory 0700. The one exception:
   * directories on the way to one another user owns stay 0711 (search only, no listing) —
   * postgres runs as its own user when gantry is root (it refuses root) and must reach its
   * data folder. What another user owns is left to it.
   */
  ensure(): void {
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    tighten(this.root, process.getuid?.() ?? -1);
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
    chmodSync(this.daemonFile, 0o600);
  }

  /** The running daemon, if its file exists and its process is alive. */
  daemonInfo(): DaemonInfo | undefined {
    const info = this.lastDaemonInfo();
    return info && isAlive(info.pid) ? info : undefined;
  }

  /** What the last daemon wrote, alive or not. */
  lastDaemonInfo(): DaemonInfo | undefined {
    try {
      return JSON.parse(readFileSync(this.daemonFile, 'utf8')) as DaemonInfo;
    } catch {
      return undefined;
    }
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
