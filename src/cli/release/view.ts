/**
 * What the release commands share, locally and on a cluster: the options they take, the rollout
 * as text (the steps with the current one in brackets, weights, replicas, the last analysis), the
 * history table, and following a local release until it ends.
 */
import type { Command } from 'commander';
import type { VersionState } from '../../platform/platform.ts';
import { analysedLabel, type ReleaseState } from '../../rollout/state.ts';
import { type DaemonClient, sleep } from '../daemon-client.ts';
import { CliError, EXIT } from '../errors.ts';
import { DEFAULT_SPEC } from '../spec-file.ts';
import { style } from '../style.ts';
import { withTarget } from '../target.ts';

export interface Rollout {
  /** With the steps named (the daemon's rollout, or stepLabels on a cluster), for the progress line. */
  release: (ReleaseState & { steps?: string[] }) | null;
  versions: VersionState[];
}

/** A release command: the spec, the state directory, and locally or on the environment's cluster (main chooses). */
export const withReleaseOptions = (command: Command) =>
  withTarget(
    command
      .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
      .option('--state-dir <dir>', 'state directory (default: .gantry beside the spec)'),
    "on this environment's Kubernetes cluster (locally when the local daemon runs it)",
  );

/** The cluster half of a release command, loaded only when main chose the cluster; Kubernetes errors worded. */
export const onCluster = async <T>(work: () => Promise<T>): Promise<T> => {
  const { kubeErrorsAsync } = await import('../cluster-open.ts');
  return kubeErrorsAsync(work);
};

export const path = (service: string, rest: string) => `/v1/services/${encodeURIComponent(service)}/${rest}`;

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
export async function watch(
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

export function resultCode(release: ReleaseState): number {
  if (release.status === 'succeeded') return EXIT.ok;
  process.stderr.write(
    `${style.red('✗', process.stderr)} ${release.service} ${release.version} ${release.status}: ${release.reason ?? release.message}\n`,
  );
  return EXIT.failed;
}

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
