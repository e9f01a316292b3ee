/** `gantry daemon` (internal): the control plane process that `gantry up` starts in the background. */

import type { PreparedSpec } from '../../../daemon/daemon.ts';
import type { DaemonMessage, SupervisorMessage } from '../../../daemon/supervisor.ts';
import { type BackoffPolicy, LOCAL_BACKOFF } from '../../../local/supervisor/backoff.ts';
import { parseDuration } from '../../../spec/units.ts';
import type { GantryCommand } from '../../command.ts';
import { stateDirOf } from '../../daemon-client.ts';
import { CliError, EXIT } from '../../errors.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';

interface Options {
  file: string;
  env?: string;
  stateDir?: string;
  apiPort?: string;
  ephemeralPorts?: boolean;
  backoff?: string;
  autoscaleSyncPeriod?: string;
  standby?: boolean;
  monitoring?: boolean;
}

/** Read when --autoscale-sync-period is not given, so `gantry up` (which starts the daemon) passes it on. */
export const SYNC_PERIOD_VARIABLE = 'GANTRY_AUTOSCALE_SYNC_PERIOD';

export const daemonCommand: GantryCommand = {
  register(program, run) {
    program
      .command('daemon', { hidden: true })
      .description('run the local control plane in this process (started by `gantry up`)')
      .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
      .option('-e, --env <name>', 'environment overlay')
      .option('--state-dir <dir>', 'state directory (default: .gantry beside the spec)')
      .option('--api-port <port>', 'port for the daemon API (default: a free one)')
      .option('--ephemeral-ports', 'load balancers on free ports instead of the spec ports')
      .option('--backoff <initial,max>', 'restart back-off, e.g. 200ms,1s (default 1s,60s, KEP-4603)')
      .option(
        '--autoscale-sync-period <duration>',
        `how often the autoscaler decides, e.g. 2s (default: $${SYNC_PERIOD_VARIABLE}, else 15s)`,
      )
      .option('--standby', 'load, then wait for the supervisor to say start (gantry supervise)')
      .option(
        '--monitoring',
        `also run a local Prometheus with the SLO rules (time scale: $${TIME_SCALE_VARIABLE})`,
      )
      .action((options: Options) => run(() => daemon(options)));
  },
};

/** `--backoff INITIAL,MAX`: another curve, with the local default's reset rules (see backoff.ts). */
export function parseBackoff(text: string | undefined): BackoffPolicy | undefined {
  if (!text) return undefined;
  const [initial, max] = text.split(',').map((part) => parseDuration(part.trim()));
  if (initial === undefined || max === undefined || initial > max)
    throw new CliError(
      `--backoff expects INITIAL,MAX durations such as 1s,60s (INITIAL no longer than MAX); got ${text}`,
      EXIT.usage,
    );
  return { ...LOCAL_BACKOFF, initialMs: initial, maxMs: max };
}

/** The autoscaler's sync period in ms: the option, else the environment variable, else the default (undefined). */
export function parseSyncPeriod(option: string | undefined, env = process.env): number | undefined {
  const [text, source] =
    option !== undefined
      ? [option, '--autoscale-sync-period']
      : [env[SYNC_PERIOD_VARIABLE], SYNC_PERIOD_VARIABLE];
  if (text === undefined || text === '') return undefined;
  const ms = parseDuration(text.trim());
  if (ms === undefined || ms < 100)
    throw new CliError(
      `${source} must be a duration of at least 100ms, got "${text}"`,
      EXIT.usage,
      'for example 2s for tests; Kubernetes syncs every 15s',
    );
  return ms;
}

/**
 * Every SLO window divided by this for the local Prometheus (1h/5m → 1m/5s at 60): a rehearsal or
 * a test sees an alert within minutes. Read from the environment `gantry up` passes on.
 */
export const TIME_SCALE_VARIABLE = 'GANTRY_SLO_TIME_SCALE';

export function parseTimeScale(env = process.env): number {
  const text = env[TIME_SCALE_VARIABLE];
  if (text === undefined || text === '') return 1;
  const scale = Number(text);
  if (!Number.isInteger(scale) || scale < 1 || scale > 300)
    throw new CliError(
      `${TIME_SCALE_VARIABLE} must be a whole number from 1 to 300, got "${text}"`,
      EXIT.usage,
      'e.g. 60 turns the 1h/5m alert windows into 1m/5s (5m is the shortest window, 1s the finest)',
    );
  return scale;
}

async function daemon(options: Options): Promise<number> {
  const backoff = parseBackoff(options.backoff);
  const syncPeriodMs = parseSyncPeriod(options.autoscaleSyncPeriod);
  const timeScale = parseTimeScale();
  // Loaded here, not at the top: the daemon pulls in SQLite, undici and prom-client, which
  // every other command would otherwise pay for at start-up.
  const { Daemon } = await import('../../../daemon/daemon.ts');
  let prepared: PreparedSpec | undefined;
  if (options.standby) {
    // Read and checked while waiting; used if the file is unchanged when the standby starts.
    try {
      const spec = Daemon.prepare({ specFile: options.file, ...(options.env ? { env: options.env } : {}) });
      prepared = { text: spec.text, model: spec.model() };
    } catch {
      // an invalid spec: start() reports it
    }
    await standby();
  }
  const daemon = await Daemon.start(
    {
      specFile: options.file,
      stateDir: stateDirOf(options).root,
      ...(options.env ? { env: options.env } : {}),
      ...(options.apiPort ? { apiPort: Number(options.apiPort) } : {}),
      ...(options.ephemeralPorts ? { ephemeralPorts: true } : {}),
      ...(backoff ? { backoff } : {}),
      ...(syncPeriodMs ? { autoscaleSyncPeriodMs: syncPeriodMs } : {}),
      ...(options.monitoring ? { monitoring: { timeScale } } : {}),
    },
    prepared,
  );
  process.on('message', (message: SupervisorMessage) => {
    if (message.type === 'standby') daemon.standbyLoaded = message.loaded;
  });
  tell({ type: 'ready', url: daemon.url });
  await new Promise<void>((done) => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
      process.once(signal, () => void daemon.shutdown().then(done));
  });
  return EXIT.ok;
}

function tell(message: DaemonMessage): void {
  if (process.connected) process.send?.(message);
}

/** Loaded and waiting: the supervisor says when to start (its active daemon died). */
async function standby(): Promise<void> {
  // Without a supervisor nobody would ever say start.
  const orphaned = () => process.exit(0);
  process.once('disconnect', orphaned);
  await new Promise<void>((resolve) => {
    const listener = (message: SupervisorMessage) => {
      if (message.type !== 'activate') return;
      process.off('message', listener);
      resolve();
    };
    process.on('message', listener);
    tell({ type: 'loaded' });
  });
  process.off('disconnect', orphaned);
}
