/** `gantry logs <service>`: the replicas' output, prefixed by replica and interleaved; -f follows. */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { DNS_LABEL } from '../../../spec/names.ts';
import type { GantryCommand } from '../../command.ts';
import { sleep, stateDirOf } from '../../daemon-client.ts';
import { CliError, EXIT } from '../../errors.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import { style } from '../../style.ts';
import { type Targeted, withTarget } from '../../target.ts';

interface Options extends Targeted {
  follow?: boolean;
  replica?: string;
  tail: string;
  since?: string;
}

const COLOURS = [style.cyan, style.green, style.yellow, style.bold];

export const logsCommand: GantryCommand = {
  register(program, run) {
    withTarget(
      program.command('logs').description("show a service's logs, every replica prefixed"),
      'a cluster environment: the logs of every pod of the service',
    )
      .argument('<service>')
      .option('--since <duration>', 'on a cluster: only lines newer than this (e.g. 10m)')
      .option('-f, --follow', 'keep printing new lines (and new replicas)')
      .option('--replica <n>', 'only replica N (as in api-N); on a cluster a pod name or its suffix')
      .option('--tail <lines>', 'lines to show from the end of each replica log', '100')
      .option('--file <file>', 'the spec file', DEFAULT_SPEC)
      .option('--state-dir <dir>', 'state directory (default: .gantry beside the spec)')
      .action((service: string, options: Options) =>
        run(async () =>
          options.where === 'cluster'
            ? (await import('./cluster.ts')).clusterLogs(service, options)
            : logs(service, options),
        ),
      );
  },
};

async function logs(service: string, options: Options): Promise<number> {
  if (options.since !== undefined)
    throw new CliError(
      '--since works on a cluster environment',
      EXIT.usage,
      'add --env NAME, or use --tail N locally',
    );
  // Checked before either touches a path: `gantry logs ../logs/api` must not read elsewhere.
  if (!DNS_LABEL.test(service))
    throw new CliError(
      `${JSON.stringify(service)} is not a service name`,
      EXIT.usage,
      'a service is named as in the spec (lower-case letters, digits and -); `gantry status` lists them',
    );
  if (options.replica !== undefined && !/^\d+$/.test(options.replica))
    throw new CliError(
      `--replica takes the replica's number (3 for ${service}-3), not ${JSON.stringify(options.replica)}`,
      EXIT.usage,
      '`gantry status --replicas` lists them',
    );
  const state = stateDirOf(options);
  const folder = state.logFolder(service);
  const files = () => {
    if (!existsSync(folder)) return [];
    const names = readdirSync(folder).filter((name) => /^.+-\d+\.log$/.test(name));
    const wanted =
      options.replica === undefined
        ? names
        : names.filter((name) => name === `${service}-${options.replica}.log`);
    return wanted.sort((a, b) => Number(/(\d+)\.log$/.exec(a)![1]) - Number(/(\d+)\.log$/.exec(b)![1]));
  };
  if (files().length === 0 && !options.follow)
    throw new CliError(
      options.replica === undefined
        ? `no logs for service ${service} in ${folder}`
        : `no replica ${service}-${options.replica}`,
      EXIT.failed,
      'is the service name right? `gantry status` lists services and replicas',
    );

  const offsets = new Map<string, number>();
  const prefix = (name: string) => {
    const id = name.replace(/\.log$/, '');
    const colour = COLOURS[Number(/(\d+)$/.exec(id)![1]) % COLOURS.length]!;
    return colour(`${id} |`);
  };
  // First the tail of every log, then (with -f) whatever is appended.
  for (const name of files()) {
    const path = `${folder}/${name}`;
    const text = readFrom(path, 0);
    offsets.set(name, statSync(path).size);
    for (const line of lastLines(text, Number(options.tail)))
      process.stdout.write(`${prefix(name)} ${line}\n`);
  }
  while (options.follow) {
    await sleep(250);
    for (const name of files()) {
      const path = `${folder}/${name}`;
      const size = statSync(path).size;
      let offset = offsets.get(name) ?? 0;
      if (size < offset) offset = 0; // rotated (copy-truncate): start again from the top
      if (size === offset) continue;
      const text = readFrom(path, offset);
      offsets.set(name, size);
      for (const line of text.split('\n').filter((l) => l.length > 0))
        process.stdout.write(`${prefix(name)} ${line}\n`);
    }
  }
  return EXIT.ok;
}

function readFrom(path: string, offset: number): string {
  const size = statSync(path).size;
  if (size <= offset) return '';
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
}

function lastLines(text: string, count: number): string[] {
  const lines = text.split('\n').filter((line) => line.length > 0);
  return lines.slice(Math.max(0, lines.length - count));
}
