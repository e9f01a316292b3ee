/**
 * `gantry logs <svc> --env prod [-f] [--since 10m]`: the logs of every pod of the service, each
 * line prefixed with its pod as the local command prefixes replicas. Without -f, pod after pod;
 * with -f, all pods at once, and pods that appear later (a restart, a scale-up) join as they come.
 */
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { LogRequest } from '../../../platform/kubernetes/cluster-day2.ts';
import { pruneSelector } from '../../../platform/kubernetes/prune.ts';
import type { K8sObject } from '../../../render/kubernetes/index.ts';
import { parseDuration } from '../../../spec/units.ts';
import { kubeErrorsAsync, openCluster, serviceOrFail } from '../../cluster-open.ts';
import { CliError, EXIT } from '../../errors.ts';
import { style } from '../../style.ts';
import type { ClusterOptions } from '../../target.ts';

export interface ClusterLogsOptions extends ClusterOptions {
  follow?: boolean;
  since?: string;
  tail: string;
  /** A pod's name, or the end of one after a `-` (its hash suffix); one pod must match. */
  replica?: string;
}

const COLOURS = [style.cyan, style.green, style.yellow, style.bold];
/** How often -f looks for pods that were not there when it started. */
const NEW_POD_CHECK_MS = 5000;

export async function clusterLogs(service: string, options: ClusterLogsOptions): Promise<number> {
  const sinceSeconds = sinceOf(options.since);
  const tailLines = Number(options.tail);
  if (!Number.isInteger(tailLines) || tailLines < 0)
    throw new CliError(`--tail ${options.tail}: not a whole number of lines`, EXIT.usage, 'e.g. --tail 100');
  const { model, namespace, day2 } = openCluster(options, 'logs');
  serviceOrFail(model, service);
  const selector = `${pruneSelector(model.app)},app.kubernetes.io/name=${service}`;
  const allPods = () =>
    kubeErrorsAsync(() =>
      day2.list({ apiVersion: 'v1', kind: 'Pod' }, namespace, { labelSelector: selector }),
    );
  const replica = options.replica;
  const listPods = async () =>
    replica === undefined ? await allPods() : [onePod(await allPods(), replica, service)];
  const pods = sortByName(await listPods());
  if (pods.length === 0 && !options.follow)
    throw new CliError(
      `no pods of ${service} in namespace ${namespace}`,
      EXIT.failed,
      `has it been applied? gantry status --env ${options.env} shows what runs`,
    );
  const request = (pod: K8sObject): LogRequest => ({
    namespace,
    pod: pod.metadata.name,
    container: containerOf(pod, service),
    follow: options.follow === true,
    ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
    tailLines,
  });
  const colourOf = new Map<string, (text: string) => string>();
  const prefix = (pod: string) => {
    if (!colourOf.has(pod)) colourOf.set(pod, COLOURS[colourOf.size % COLOURS.length]!);
    return colourOf.get(pod)!(`${pod} |`);
  };
  const print = (pod: string) => (line: string) => process.stdout.write(`${prefix(pod)} ${line}\n`);

  if (!options.follow) {
    // One pod whose log cannot be read (its container waiting to start, say) does not hide the others.
    let unread = 0;
    for (const pod of pods) {
      const out = lineWriter(print(pod.metadata.name));
      try {
        await kubeErrorsAsync(() => day2.podLog(request(pod), out));
        await finished(out);
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        unread++;
        process.stderr.write(`${style.yellow('warning', process.stderr)}: ${error.message}\n`);
        if (error.hint) process.stderr.write(`  ${style.dim('hint:', process.stderr)} ${error.hint}\n`);
      }
    }
    return unread > 0 ? EXIT.failed : EXIT.ok;
  }

  const streaming = new Set<string>();
  const follow = (pod: K8sObject) => {
    if (streaming.has(pod.metadata.name)) return;
    streaming.add(pod.metadata.name);
    const out = lineWriter(print(pod.metadata.name));
    // A stream ends when its pod goes; the pod check below starts the ones that replace it.
    void kubeErrorsAsync(() => day2.podLog(request(pod), out)).catch((error: Error) =>
      process.stderr.write(`${style.yellow('warning', process.stderr)}: ${error.message}\n`),
    );
  };
  for (const pod of pods) follow(pod);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, NEW_POD_CHECK_MS));
    for (const pod of sortByName(await listPods())) follow(pod);
  }
}

/** The pod `--replica` names: its whole name, else the one pod whose name ends in `-<replica>`. */
function onePod(pods: K8sObject[], replica: string, service: string): K8sObject {
  const exact = pods.find((pod) => pod.metadata.name === replica);
  if (exact) return exact;
  const matches = pods.filter((pod) => pod.metadata.name.endsWith(`-${replica}`));
  if (matches.length === 1) return matches[0]!;
  const names = sortByName(pods).map((pod) => pod.metadata.name);
  throw new CliError(
    matches.length === 0
      ? `no pod of ${service} is named ${replica} or ends in -${replica}`
      : `--replica ${replica} matches ${matches.length} pods: ${matches.map((p) => p.metadata.name).join(', ')}`,
    EXIT.usage,
    names.length > 0 ? `pods of ${service}: ${names.join(', ')}` : `${service} has no pods`,
  );
}

function sinceOf(since: string | undefined): number | undefined {
  if (since === undefined) return undefined;
  const ms = parseDuration(since);
  if (ms === undefined || ms <= 0)
    throw new CliError(`--since ${since}: not a duration`, EXIT.usage, 'e.g. --since 10m, 90s or 1h');
  return Math.max(1, Math.round(ms / 1000));
}

/** The service's own container (render names it after the service); else the pod's first. */
function containerOf(pod: K8sObject, service: string): string {
  const containers = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map(
    (c) => c.name,
  );
  return containers.includes(service) ? service : (containers[0] ?? service);
}

function sortByName(objects: K8sObject[]): K8sObject[] {
  return [...objects].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

/** A stream that calls `line` for each complete line, and for a last one without a newline. */
function lineWriter(line: (text: string) => void): Writable {
  let rest = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const text of lines) line(text);
      done();
    },
    final(done) {
      if (rest.length > 0) line(rest);
      done();
    },
  });
  return out;
}
