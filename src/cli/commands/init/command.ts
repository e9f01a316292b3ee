/** `gantry init`: write a commented starter gantry.yaml (and its JSON Schema for the editor). */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { GantryCommand } from '../../command.ts';
import { CliError, EXIT } from '../../errors.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import { style } from '../../style.ts';

interface Options {
  file: string;
  name?: string;
  port: string;
  force?: boolean;
}

export const initCommand: GantryCommand = {
  register(program, run) {
    program
      .command('init')
      .description('write a commented starter gantry.yaml in this folder')
      .option('-f, --file <file>', 'where to write it', DEFAULT_SPEC)
      .option('--name <name>', 'the app name (default: package.json name or the folder name)')
      .option('--port <port>', 'the port your service listens on', '8080')
      .option('--force', 'overwrite an existing file')
      .action((options: Options) => run(() => init(options)));
  },
};

async function init(options: Options): Promise<number> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new CliError(`--port must be a whole number from 1 to 65535, got "${options.port}"`, EXIT.usage);
  if (existsSync(options.file) && !options.force)
    throw new CliError(
      `${options.file} already exists`,
      EXIT.failed,
      'pass --force to overwrite it, or -f to write elsewhere',
    );

  // yaml and zod, imported when the command runs (not for every gantry command's start-up).
  const { starterSpec, toDnsLabel } = await import('../../../spec/starter.ts');
  const { specJsonSchema } = await import('../../../spec/json-schema.ts');
  const folder = dirname(resolve(options.file));
  const pkg = readPackageJson(folder);
  const app = toDnsLabel(options.name ?? pkg?.name ?? basename(folder));
  const run = pkg?.scripts?.start ? 'npm start' : 'node server.js';
  const schemaFile = join(folder, 'gantry.schema.json');

  writeFileSync(options.file, starterSpec({ app, run, port }));
  writeFileSync(schemaFile, `${JSON.stringify(specJsonSchema(), null, 2)}\n`);
  process.stdout.write(
    [
      `${style.green('✓')} wrote ${options.file} for app ${style.bold(app)} (run: ${run}${pkg?.scripts?.start ? ', from package.json scripts.start' : ''})`,
      `  and ${join(dirname(options.file), 'gantry.schema.json')} for editor completion`,
      '',
      'next:',
      `  gantry validate -f ${options.file}`,
      `  gantry up -f ${options.file}`,
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}

function readPackageJson(folder: string): { name?: string; scripts?: Record<string, string> } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined; // no package.json, or not JSON: fall back to the folder name
  }
}
