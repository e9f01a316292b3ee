/**
 * `gantry up`: start the local control plane in the background and every service, wait
 * until all replicas are ready, then either return (--detach) or show a live status table
 * until Ctrl-C, which stops everything cleanly.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DaemonStatus } from '../../../daemon/status.ts';
import { isAlive } from '../../../local/process.ts';
import { LAYOUT } from '../../../local/state-dir.ts';
import { ROOT } from '../../../root.ts';
import type { GantryCommand } from '../../command.ts';
import { connect, type DaemonClient, restarting, sleep, stateDirOf } from '../../daemon-client.ts';
import { dashboardLink } from '../../dashboard-link.ts';
import { CliError, EXIT } from '../../errors.ts';
import { whenOutputCloses } from '../../output.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import { formatStatus } from '../../status-table.ts';
import { style } from '../../style.ts';
import { stopDaemon } from '../down/command.ts';

interface Options {
  file: string;
  env?: string;
  stateDir?: string;
  detach?: boolean;
  timeout: string;
  ephemeralPorts?: boolean;
  backoff?: string;
  monitoring?: boolean;
}

/** The daemon is this same CLI (`gantry daemon`), so it runs the same build; the supervisor is a small entry of that build. */
const GANTRY_BIN = join(ROOT, 'bin/gantry.js');
const SUPERVISOR = join(ROOT, 'dist/supervisor-main.js');

export const upCommand: GantryCommand = {
  register(program, run) {
    program
      .command('up')
      .description('run the app on this machine: replicas, probes, load balancers, self-healing')
      .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
      .option('-e, --env <name>', 'environment overlay to apply')
      .option('-d, --detach', 'return once every service is ready, leaving it running')
      .option('--state-dir <dir>', 'state directory (default: .gantry beside the spec)')
      .option('--timeout <seconds>', 'how long to wait for every replica to be ready', '120')
      .option('--ephemeral-ports', 'put load balancers on free ports instead of the spec ports')
      .option(
        '--backoff <initial,max>',
        "restart back-off (default 1s,60s: Kubernetes' reduced back-off, KEP-4603)",
      )
      .option(
        '--monitoring',
        'also run Prometheus (when installed) with the SLO alerts `gantry render --monitoring` writes',
      )
      .action((options: Options) => run(() => up(options)));
  },
};

async function up(options: Options): Promise<number> {
  const started = Date.now();
  const { specOf } = await import('../../spec.ts'); // zod and yaml: only when a spec is read
  const _loaded = specOf({ file: options.file, target: 'local', env: options.env }, 'nothing was started');
  const state = stateDirOf(options);
  let client: DaemonClient | undefined;
  // In the foreground the app lives as long as this command: when its output's reader goes
  // away (gantry up | head), stop the app as Ctrl-C does, silently.
  if (!options.detach)
    whenOutputCloses(async () => {
      if (client) await stopDaemon(client).catch(() => undefined);
    });
  const existing = state.daemonInfo();
  if (existing && existing.layout !== LAYOUT) {
    await replaceOlderDaemon(existing.pid);
    client = await startDaemon(options);
  } else if (existing || restarting(state)) {
    client = connect(options);
    process.stdout.write(
      existing
        ? `gantry is already running for ${options.file} (daemon pid ${existing.pid})\n`
        : `gantry is restarting its daemon for ${options.file}\n`,
    );
  } else {
    client = await startDaemon(options);
  }

  const status = await waitUntilReady(client, Number(options.timeout) * 1000);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `${style.green('✓')} ${status.app}${status.environment ? ` (${status.environment})` : ''}: every replica is ready in ${seconds}s\n`,
  );
  for (const service of status.services)
    if (service.url) process.stdout.write(`  ${service.name.padEnd(12)} ${service.url}\n`);
  process.stdout.write(`  ${'metrics'.padEnd(12)} ${status.daemon.metricsUrl}\n`);
  if (status.monitoring?.url) process.stdout.write(`  ${'prometheus'.padEnd(12)} ${status.monitoring.url}\n`);
  else if (options.monitoring)
    process.stdout.write(
      `${style.yellow('monitoring')}: ${status.monitoring?.message ?? 'this daemon runs without it: gantry down, then gantry up --monitoring'}\n`,
    );
  const link = await dashboardLink(client);
  if (link) process.stdout.write(`dashboard: ${link}\n`);
  if (options.detach) {
    process.stdout.write(
      `\nstop with: gantry down${options.file === DEFAULT_SPEC ? '' : ` -f ${options.file}`}\n`,
    );
    return EXIT.ok;
  }
  return foreground(client, options);
}

/**
 * A daemon of an older gantry runs the load balancers inside itself. Its replicas live in their own
 * sessions and are adopted; the daemon itself is ended as a crash would end it (SIGKILL: its own
 * shutdown would stop them), and the next daemon moves the load balancers to the proxy, on the
 * same ports. Requests fail only between the two.
 */
async function replaceOlderDaemon(pid: number): Promise<void> {
  process.stdout.write(
    `the running daemon (pid ${pid}) is from an older gantry, with the load balancers inside it: replacing it; its replicas are adopted and the load balancers move to a proxy process on the same ports\n`,
  );
  process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(20);
}

/** Starts the supervisor, which starts the daemon (and keeps one running). */
async function startDaemon(options: Options): Promise<DaemonClient> {
  const state = stateDirOf(options);
  state.ensure();
  mkdirSync(state.root, { recursive: true });
  const log = openSync(state.daemonLog, 'a', 0o600);
  // The supervisor's own entry point: it stays small (no CLI loaded), the daemons it starts are `gantry daemon`.
  const args = [SUPERVISOR, GANTRY_BIN, 'daemon', '-f', options.file, '--state-dir', state.root];
  if (options.env) args.push('--env', options.env);
  if (options.ephemeralPorts) args.push('--ephemeral-ports');
  if (options.backoff) args.push('--backoff', options.backoff);
  if (options.monitoring) args.push('--monitoring');
  // Its own session: Ctrl-C in this terminal must not reach it, and it outlives --detach. It passes
  // its environment to the daemon (the replicas' secrets come from it).
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: process.env,
  });
  child.unref();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.pid === undefined || !isAlive(child.pid) || child.exitCode !== null) break;
    const info = state.daemonInfo();
    if (info?.supervisor === child.pid) return connect(options);
    await sleep(50);
  }
  const tail = readFileSync(state.daemonLog, 'utf8').trim().split('\n').slice(-15).join('\n');
  throw new CliError(
    `the gantry daemon did not start:\n${tail}`,
    EXIT.failed,
    `the full log is ${state.daemonLog}`,
  );
}

async function waitUntilReady(client: DaemonClient, timeoutMs: number): Promise<DaemonStatus> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const status = await client.status();
    const pending = status.services
      .filter((s) => s.replicas.ready < s.replicas.desired)
      .map((s) => `${s.name} ${s.replicas.ready}/${s.replicas.desired}`);
    // Until the standby daemon has loaded, a daemon that died would take a cold start to come back.
    if (status.daemon.standby === false) pending.push('the standby daemon');
    if (pending.length === 0) return status;
    const line = `waiting for ${pending.join(', ')}`;
    if (line !== last) process.stdout.write(`${style.dim(line)}\n`);
    last = line;
    if (Date.now() > deadline)
      throw new CliError(
        `not everything was ready within ${timeoutMs / 1000}s (still waiting for ${pending.join(', ')})`,
        EXIT.failed,
        'see `gantry status`, `gantry logs <service>` and the events; the app keeps running (stop it with `gantry down`)',
      );
    await sleep(250);
  }
}

async function foreground(client: DaemonClient, options: Options): Promise<number> {
  const tty = process.stdout.isTTY === true;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping…\n');
    await stopDaemon(client);
    process.stdout.write(`${style.green('✓')} stopped\n`);
    process.exit(EXIT.ok);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.stdout.write(`\n${style.dim('Ctrl-C stops every service')}\n`);
  let previous = '';
  while (!stopping) {
    let text: string;
    try {
      // A daemon that died comes back (its supervisor starts the standby): the client waits for it.
      text = formatStatus(await client.status());
    } catch {
      if (stopping) break;
      throw new CliError('the gantry daemon went away', EXIT.failed, `see ${stateDirOf(options).daemonLog}`);
    }
    if (text !== previous) {
      // On a terminal, redraw the table in place; in a log, print it when it changes.
      if (tty && previous) process.stdout.write(`\u001b[${previous.split('\n').length}A\u001b[J`);
      process.stdout.write(`${text}\n`);
      previous = text;
    }
    await sleep(1000);
  }
  return EXIT.ok;
}
