/**
 * Release commands: deploy, rollout status, promote, abort, rollback, history.
 * The daemon runs releases; these commands ask and watch.
 */
import { Option } from 'commander';
import type { VersionState } from '../../platform/platform.ts';
import { analysedLabel, type ReleaseState } from '../../rollout/state.ts';
import { type ClusterOptions, targetsCluster } from '../cluster-target.ts';
import type { GantryCommand } from '../command.ts';
import { connect, type DaemonClient, sleep } from '../daemon-client.ts';
import { CliError, EXIT } from '../errors.ts';
import { DEFAULT_SPEC } from '../spec-file.ts';
import { style } from '../style.ts';

/** With an environment the release runs on its Kubernetes cluster (release-cluster.ts). */
type Target = ClusterOptions;

interface Rollout {
  /** With the steps named (the daemon's rollout, or stepLabels on a cluster), for the progress line. */
  release: (ReleaseState & { steps?: string[] }) | null;
  versions: VersionState[];
}

const target = (command: import('commander').Command) =>
  command
    .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
    .option('--state-dir <dir>', 'state directory (default: .gantry beside the spec)')
    .option(
      '-e, --env <name>',
      "on this environment's Kubernetes cluster (locally when the local daemon runs it)",
    )
    .option('--context <name>', 'with --env: the kubeconfig context (default: its current context)')
    .option(
      '--kubeconfig <path>',
      'with --env: the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)',
    )
    .option('-n, --namespace <ns>', "with --env: the namespace (default: the spec's)");

/** The cluster side, loaded only when `--env`/`--context`/`--kubeconfig` ask for it (cluster-target.ts decides). */
const onCluster = async <T>(work: (cluster: typeof import('./release-cluster.ts')) => Promise<T>) => {
  const cluster = await import('./release-cluster.ts');
  return cluster.kubeErrors(() => work(cluster));
};

const path = (service: string, rest: string) => `/v1/services/${encodeURIComponent(service)}/${rest}`;

/** The steps as a progress line, the current one in brackets: 10% ─ pause 3s ─ [25%] ─ analysis ─ 100%. */
function progressLine(release: ReleaseState & { steps?: string[] }): string | undefined {
  const steps = release.steps;
  if (!steps || steps.length === 0) return undefined;
  return steps
    .map((label, index) => {
      if (index < release.step) return style.green(label);
      if (index === release.step && (release.status === 'progressing' || release.status === 'paused'))
        return style.bold(`[${label}]`);
      return style.dim(label);
    })
    .join(' ─ ');
}

export function describeRollout(service: string, { release, versions }: Rollout): string {
  if (!release) return `${service}: no release yet`;
  const colour =
    release.status === 'succeeded'
      ? style.green
      : release.status === 'rolled-back' || release.status === 'aborted'
        ? style.red
        : style.yellow;
  const lines = [
    `${style.bold(service)} revision ${release.id}: ${release.strategy} ${release.stable} → ${release.version}  ${colour(release.status)}`,
    `  ${release.message}`,
  ];
  const progress = progressLine(release);
  if (progress) lines.splice(1, 0, `  ${progress}`);
  if (release.reason && !release.message.includes(release.reason)) lines.push(`  reason: ${release.reason}`);
  lines.push(
    `  ${versions.map((v) => `${v.version}: ${v.ready}/${v.desired} ready, ${Math.round(v.weight)} % traffic`).join('   ')}`,
  );
  const last = release.measurements[release.measurements.length - 1];
  if (last) lines.push(`  last analysis (${last.version}): ${last.verdict} — ${last.summary}`);
  else if (release.analysed === 'off') lines.push('  not analysed: `analysis: { enabled: false }`');
  return lines.join('\n');
}

/**
 * Follows a release until it ends. On a terminal the whole view is redrawn in place
 * (steps, weights, replicas, latest analysis); in a log, one timestamped line per change.
 */
async function watch(
  client: DaemonClient,
  service: string,
  id: number,
  timeoutMs: number,
): Promise<ReleaseState> {
  const deadline = Date.now() + timeoutMs;
  const live = process.stdout.isTTY === true;
  let previous = '';
  let drawn = '';
  for (;;) {
    const rollout = await client.request<Rollout>('GET', path(service, 'rollout'));
    const release = rollout.release;
    if (!release || release.id !== id)
      throw new CliError(`release ${id} of ${service} was replaced by another`, EXIT.failed);
    const text = describeRollout(service, rollout);
    const ended =
      release.status === 'succeeded' || release.status === 'rolled-back' || release.status === 'aborted';
    if (live) {
      if (text !== drawn) {
        if (drawn) process.stdout.write(`\u001b[${drawn.split('\n').length}A\u001b[J`);
        process.stdout.write(`${text}\n`);
        drawn = text;
      }
    } else {
      const headline = `${release.status}: ${release.message}`;
      if (headline !== previous)
        process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${headline}\n`);
      previous = headline;
      if (ended) process.stdout.write(`\n${text}\n`);
    }
    if (ended) return release;
    if (Date.now() > deadline)
      throw new CliError(
        `release ${id} of ${service} still ${release.status} after ${timeoutMs / 1000}s`,
        EXIT.failed,
        `see gantry rollout status ${service}`,
      );
    await sleep(250);
  }
}

function resultCode(release: ReleaseState): number {
  if (release.status === 'succeeded') return EXIT.ok;
  process.stderr.write(
    `${style.red('✗', process.stderr)} ${release.service} ${release.version} ${release.status}: ${release.reason ?? release.message}\n`,
  );
  return EXIT.failed;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export const deployCommand: GantryCommand = {
  register(program, run) {
    target(
      program
        .command('deploy')
        .description(
          'release a new version of a service (rolling, blue-green or canary), with analysis and automatic rollback',
        )
        .argument('<service>')
        .requiredOption('--version <version>', 'the new version (becomes APP_VERSION)')
        .option('--run <command>', 'a different command for the new version')
        .option('--image <image>', 'a different image for the new version')
        .option(
          '--digest <sha256:…>',
          'with --env: run the new version by this image digest (the one CI pushed and signed), not by its tag',
        )
        .option(
          '--set-env <KEY=VALUE>',
          'an environment variable for the new version (repeatable)',
          collect,
          [],
        )
        .addOption(
          new Option('--strategy <strategy>', 'override the spec').choices([
            'rolling',
            'blue-green',
            'canary',
          ]),
        )
        .option('--wait', 'wait for the result; exit 1 if it was rolled back')
        .option('--timeout <seconds>', 'with --wait: how long', '900')
        .option(
          '--controller-namespace <ns>',
          'with --env: where a gantry controller holds its Lease; when it does, deploy files the release for it',
          'gantry-system',
        ),
    ).action(
      (
        service: string,
        options: Target & {
          version: string;
          run?: string;
          image?: string;
          digest?: string;
          setEnv: string[];
          strategy?: string;
          wait?: boolean;
          timeout: string;
          controllerNamespace: string;
        },
      ) =>
        run(async () => {
          if (targetsCluster(options)) return onCluster((c) => c.deployOnCluster(service, options));
          if (options.digest !== undefined)
            throw new CliError(
              '--digest needs --env: it pins the image a cluster pulls; gantry up runs `run`, not images',
              EXIT.usage,
            );
          const env: Record<string, string> = {};
          for (const pair of options.setEnv) {
            const at = pair.indexOf('=');
            if (at < 1) throw new CliError(`--set-env expects KEY=VALUE, got "${pair}"`, EXIT.usage);
            env[pair.slice(0, at)] = pair.slice(at + 1);
          }
          const client = connect(options);
          const release = await client.request<ReleaseState>('POST', path(service, 'releases'), {
            version: options.version,
            env,
            ...(options.run ? { run: options.run } : {}),
            ...(options.image ? { image: options.image } : {}),
            ...(options.strategy ? { strategy: options.strategy } : {}),
          });
          process.stdout.write(
            `revision ${release.id}: ${release.strategy} release of ${service} ${release.stable} → ${release.version}\n`,
          );
          if (!options.wait) {
            process.stdout.write(`follow it with: gantry rollout status ${service} --watch\n`);
            return EXIT.ok;
          }
          return resultCode(await watch(client, service, release.id, Number(options.timeout) * 1000));
        }),
    );
  },
};

export const rolloutCommand: GantryCommand = {
  register(program, run) {
    const rollout = program.command('rollout').description('releases in progress');
    target(
      rollout
        .command('status')
        .description('the current release of a service: step, weights, replicas per version, analysis')
        .argument('<service>')
        .option('-w, --watch', 'follow it until it ends')
        .addOption(
          new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
        ),
    ).action((service: string, options: Target & { watch?: boolean; output: string }) =>
      run(async () => {
        if (targetsCluster(options)) return onCluster((c) => c.statusOnCluster(service, options));
        const client = connect(options);
        const state = await client.request<Rollout>('GET', path(service, 'rollout'));
        if (options.output === 'json') {
          process.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
          return EXIT.ok;
        }
        if (
          options.watch &&
          state.release &&
          (state.release.status === 'progressing' || state.release.status === 'paused')
        )
          return resultCode(await watch(client, service, state.release.id, 24 * 3600 * 1000));
        process.stdout.write(`${describeRollout(service, state)}\n`);
        return EXIT.ok;
      }),
    );
  },
};

function simple(
  name: string,
  description: string,
  action: string,
  extra?: (c: import('commander').Command) => void,
): GantryCommand {
  return {
    register(program, run) {
      const command = target(program.command(name).description(description).argument('<service>'));
      extra?.(command);
      command.action((service: string, options: Target & { full?: boolean; toRevision?: string }) =>
        run(async () => {
          if (targetsCluster(options)) {
            if (name === 'rollback')
              return onCluster(async () =>
                (await import('./rollback-cluster.ts')).rollbackOnCluster(service, options),
              );
            const request = name === 'promote' ? (options.full ? 'promote-full' : 'promote') : 'abort';
            return onCluster((c) => c.requestOnCluster(service, request, options, name));
          }
          const body =
            name === 'rollback'
              ? options.toRevision
                ? { toRevision: Number(options.toRevision) }
                : {}
              : { full: options.full === true };
          const release = await connect(options).request<ReleaseState>('POST', path(service, action), body);
          process.stdout.write(
            `${style.green('✓')} ${service}: ${name} requested (revision ${release.id}: ${release.version})\n`,
          );
          return EXIT.ok;
        }),
      );
    },
  };
}

export const promoteCommand = simple(
  'promote',
  'go past the current pause or step (--full: straight to 100 %)',
  'promote',
  (c) => c.option('--full', 'skip every remaining step'),
);
export const abortCommand = simple(
  'abort',
  'stop the release in progress and send all traffic back to the stable version',
  'abort',
);
export const rollbackCommand = simple(
  'rollback',
  'go back to the previous revision (fast: no steps, no analysis)',
  'rollback',
  (c) => c.option('--to-revision <n>', 'a revision number from `gantry history`'),
);

export const historyCommand: GantryCommand = {
  register(program, run) {
    target(
      program
        .command('history')
        .description('every revision of a service: version, strategy, result, reason, start and end')
        .argument('<service>')
        .addOption(
          new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
        ),
    ).action((service: string, options: Target & { output: string }) =>
      run(async () => {
        if (targetsCluster(options))
          return onCluster(async () =>
            (await import('./rollback-cluster.ts')).historyOnCluster(service, options),
          );
        const history = await connect(options).request<ReleaseState[]>('GET', path(service, 'history'));
        if (options.output === 'json') {
          process.stdout.write(`${JSON.stringify(history, null, 2)}\n`);
          return EXIT.ok;
        }
        process.stdout.write(formatHistory(history));
        return EXIT.ok;
      }),
    );
  },
};

/** The revisions as a table, local or from a cluster's release annotation. */
export function formatHistory(history: readonly ReleaseState[]): string {
  const time = (at?: number) => (at ? new Date(at).toISOString().replace('T', ' ').slice(0, 19) : '-');
  const rows = [['REVISION', 'VERSION', 'STRATEGY', 'RESULT', 'ANALYSIS', 'STARTED', 'ENDED', 'REASON']];
  for (const r of history)
    rows.push([
      String(r.id),
      r.version,
      r.strategy,
      r.status,
      analysedLabel(r) || '-',
      time(r.startedAt),
      time(r.endedAt),
      r.reason ?? '',
    ]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return `${rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
