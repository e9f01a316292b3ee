/**
 * The local Prometheus (`gantry up --monitoring`): Debian's `prometheus`, run like a backing
 * service — detached in its own process group with umask 077, files under
 * <stateDir>/monitoring/ (prometheus.yml, rules.yml, data/, prometheus.log, instance.json), on
 * 127.0.0.1 only — and re-adopted by a daemon started again after a crash (its configuration is
 * rewritten, since the daemon's address changed, and reloaded with SIGHUP). Its alerts are read
 * from /api/v1/alerts every few seconds.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ALERTS } from '../../monitoring/rules.ts';
import type { AppModel } from '../../spec/model.ts';
import { which } from '../backing/find.ts';
import { launch, onFreePort, serverEnv } from '../backing/server.ts';
import { commandLine, isAlive, isListening, waitForExit } from '../backing/server-process.ts';
import { localMonitoringPlan } from './config.ts';

/** Where `provider: prometheus` looks by default (PROMETHEUS_DEFAULT_ADDRESS): used when free. */
export const DEFAULT_PORT = 9090;
export const INSTALL_HINT = 'apt-get install -y prometheus';

export interface Alert {
  name: string;
  service: string;
  version: string;
  severity: string;
  state: 'firing' | 'pending';
  /** Since when (ISO time, as Prometheus reports it). */
  activeAt: string;
  summary: string;
  runbook: string;
  labels: Record<string, string>;
}

export interface MonitoringStatus {
  state: 'running' | 'unavailable' | 'failed';
  /** Prometheus' address, when it runs. */
  url?: string;
  message?: string;
  /** Only the SLO alerts, firing first. */
  alerts: Alert[];
}

interface Instance {
  pid: number;
  port: number;
}

export interface MonitoringOptions {
  stateDir: string;
  model: AppModel;
  daemonUrl: string;
  timeScale: number;
  /** Any free port instead of 9090 first. */
  ephemeralPort: boolean;
  record: (type: 'Normal' | 'Warning', reason: string, message: string) => void;
  log: (line: string) => void;
}

export class LocalPrometheus {
  private instance: Instance | undefined;
  private timer: NodeJS.Timeout | undefined;
  private current: MonitoringStatus = { state: 'unavailable', alerts: [] };
  private firing = new Set<string>();

  private constructor(
    private readonly options: MonitoringOptions,
    private readonly dir: string,
  ) {}

  /**
   * What the daemon calls at start: with --monitoring, Prometheus started (or adopted); never
   * throws, a failure is a status and a Warning event. Without, undefined — after stopping a
   * Prometheus an earlier `gantry up --monitoring` left running (its daemon was killed).
   */
  static async start(enabled: boolean, options: MonitoringOptions): Promise<LocalPrometheus | undefined> {
    const monitoring = new LocalPrometheus(options, join(options.stateDir, 'monitoring'));
    if (!enabled) {
      monitoring.instance = monitoring.readInstance();
      if (monitoring.instance && looksLikePrometheus(monitoring.instance.pid)) await monitoring.stop();
      return undefined;
    }
    await monitoring.boot().catch((error: Error) => {
      monitoring.current = { state: 'failed', message: error.message, alerts: [] };
      options.record('Warning', 'MonitoringFailed', error.message);
    });
    return monitoring;
  }

  status(): MonitoringStatus {
    return this.current;
  }

  private async boot(): Promise<void> {
    const { options } = this;
    const binary = which('prometheus');
    if (!binary) {
      const message = `prometheus is not installed, so --monitoring has nothing to run (${INSTALL_HINT})`;
      this.current = { state: 'unavailable', message, alerts: [] };
      options.record('Warning', 'MonitoringUnavailable', message);
      return;
    }
    mkdirSync(join(this.dir, 'data'), { recursive: true, mode: 0o700 });
    const configFile = join(this.dir, 'prometheus.yml');
    const rulesFile = join(this.dir, 'rules.yml');
    const plan = localMonitoringPlan(options.model, {
      daemonUrl: options.daemonUrl,
      rulesFile,
      timeScale: options.timeScale,
    });
    writePrivate(rulesFile, stringify(plan.rules));
    writePrivate(configFile, stringify(plan.config));
    for (const { service, reason } of plan.skipped)
      options.record('Normal', 'NotMonitored', `${service}: no SLO alerts: it ${reason}`);

    const recorded = this.readInstance();
    if (recorded && looksLikePrometheus(recorded.pid)) {
      // Adopted from before a crash: the daemon's address changed, so load the new configuration.
      process.kill(recorded.pid, 'SIGHUP');
      this.instance = recorded;
      options.log(`monitoring: prometheus already running (pid ${recorded.pid}); reloaded its configuration`);
    } else {
      const start = (port: number) =>
        launch({
          what: 'prometheus (--monitoring)',
          command: binary,
          args: [
            `--config.file=${configFile}`,
            `--storage.tsdb.path=${join(this.dir, 'data')}`,
            `--web.listen-address=127.0.0.1:${port}`,
            // The slowest alert looks back 3 days (scaled windows need less).
            '--storage.tsdb.retention.time=4d',
          ],
          cwd: this.dir,
          logFile: join(this.dir, 'prometheus.log'),
          env: serverEnv(),
          timeoutMs: 30_000,
          ready: async () => (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok,
          log: options.log,
        });
      let wanted = options.ephemeralPort || isListening(DEFAULT_PORT) ? undefined : DEFAULT_PORT;
      const started = await onFreePort(wanted, start, options.log).catch((error: Error) => {
        // 9090 taken on an address /proc/net/tcp does not show (IPv6): any free port then.
        if (wanted === undefined || !/address already in use/i.test(error.message)) throw error;
        wanted = undefined;
        return onFreePort(undefined, start, options.log);
      });
      const { port, value: pid } = started;
      this.instance = { pid, port };
      writePrivate(join(this.dir, 'instance.json'), `${JSON.stringify(this.instance)}\n`);
      if (wanted === undefined && !options.ephemeralPort)
        options.record(
          'Warning',
          'MonitoringPort',
          `127.0.0.1:${DEFAULT_PORT} is taken (another Prometheus?), so this one listens on 127.0.0.1:${port}; release analysis with provider: prometheus at the default address would ask the other server`,
        );
    }
    const url = `http://127.0.0.1:${this.instance.port}`;
    this.current = { state: 'running', url, alerts: [] };
    options.record(
      'Normal',
      'MonitoringStarted',
      `prometheus on ${url} (pid ${this.instance.pid}): SLO rules for ${plan.rules.groups.length} service(s)${options.timeScale > 1 ? `, every window ${options.timeScale}× shorter (GANTRY_SLO_TIME_SCALE)` : ''}`,
    );
    this.timer = setInterval(() => void this.poll(), options.timeScale > 1 ? 1000 : 5000);
  }

  /** Reads the SLO alerts; each change of a firing alert is an event. */
  private async poll(): Promise<void> {
    if (!this.instance || this.current.state !== 'running') return;
    let alerts: Alert[];
    try {
      const answer = await fetch(`${this.current.url}/api/v1/alerts`, { signal: AbortSignal.timeout(4000) });
      alerts = readAlerts(await answer.json());
    } catch (error) {
      this.current = { ...this.current, message: `could not read alerts: ${(error as Error).message}` };
      return;
    }
    this.current = { state: 'running', url: this.current.url!, alerts };
    const now = new Set(alerts.filter((a) => a.state === 'firing').map(alertKey));
    for (const alert of alerts)
      if (alert.state === 'firing' && !this.firing.has(alertKey(alert)))
        this.options.record('Warning', 'AlertFiring', `${describeAlert(alert)} — ${alert.runbook}`);
    for (const key of this.firing) if (!now.has(key)) this.options.record('Normal', 'AlertResolved', key);
    this.firing = now;
  }

  /** Stops polling, then Prometheus (SIGTERM: it flushes its data), within 20 s. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const instance = this.instance;
    if (!instance || !isAlive(instance.pid)) return;
    process.kill(instance.pid, 'SIGTERM');
    if (!(await waitForExit(instance.pid, 20_000))) process.kill(instance.pid, 'SIGKILL');
    rmSync(join(this.dir, 'instance.json'), { force: true });
  }

  private readInstance(): Instance | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'instance.json'), 'utf8')) as Instance;
    } catch {
      return undefined;
    }
  }
}

function looksLikePrometheus(pid: number): boolean {
  return isAlive(pid) && /prometheus/.test(commandLine(pid) ?? 'prometheus');
}

function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

const SLO_ALERTS: readonly string[] = Object.values(ALERTS);

/** Prometheus' /api/v1/alerts answer → the SLO alerts, firing before pending, then by name. */
export function readAlerts(body: unknown): Alert[] {
  const alerts = (body as { data?: { alerts?: unknown[] } })?.data?.alerts ?? [];
  return alerts
    .map(
      (raw) =>
        raw as {
          labels?: Record<string, string>;
          annotations?: Record<string, string>;
          state?: string;
          activeAt?: string;
        },
    )
    .filter(
      (a) =>
        SLO_ALERTS.includes(a.labels?.alertname ?? '') && (a.state === 'firing' || a.state === 'pending'),
    )
    .map((a) => ({
      name: a.labels!.alertname!,
      service: a.labels!.service ?? '',
      version: a.labels!.version ?? '',
      severity: a.labels!.severity ?? '',
      state: a.state as Alert['state'],
      activeAt: a.activeAt ?? '',
      summary: a.annotations?.summary ?? '',
      runbook: a.annotations?.runbook ?? '',
      labels: a.labels!,
    }))
    .sort((a, b) =>
      a.state === b.state ? alertKey(a).localeCompare(alertKey(b)) : a.state === 'firing' ? -1 : 1,
    );
}

function alertKey(alert: Alert): string {
  return `${alert.name} ${alert.service} ${alert.version} ${alert.labels.long_window}/${alert.labels.short_window}`;
}

/** `ErrorBudgetBurn api v2 (page, 1h/5m at 14.4×): <summary>` */
export function describeAlert(alert: Alert): string {
  return `${alert.name} ${alert.service} ${alert.version} (${alert.severity}, ${alert.labels.long_window}/${alert.labels.short_window} at ${alert.labels.burn_rate}×): ${alert.summary}`;
}
