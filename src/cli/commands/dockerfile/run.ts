import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { generateDockerfiles } from '../../../render/dockerfile/dockerfile.ts';
import { lintDockerfile } from '../../../render/dockerfile/lint-dockerfile.ts';
import { placeFindings } from '../../../spec/load.ts';
import { suggestion } from '../../../spec/suggest.ts';
import { CliError, EXIT } from '../../errors.ts';
import { type WrittenFile, writeFiles } from '../../generated-files.ts';
import { failWithProblems } from '../../report.ts';
import { specOf } from '../../spec.ts';
import { style } from '../../style.ts';

export interface Options {
  file: string;
  env?: string;
  output?: string;
  format: 'text' | 'json';
}

export function dockerfile(service: string | undefined, options: Options): number {
  const { model, text } = specOf(
    { file: options.file, target: 'cluster', env: options.env },
    'nothing written',
  );
  const names = Object.keys(model.services);
  if (service !== undefined && !names.includes(service))
    throw new CliError(
      `${options.file} has no service \`${service}\``,
      EXIT.usage,
      suggestion(service, names, 'services'),
    );

  const result = generateDockerfiles(model, {
    specName: basename(options.file),
    ...(service === undefined ? {} : { services: [service] }),
  });
  if (result.findings.length > 0)
    failWithProblems(
      placeFindings(text, model.file, model.environment, result.findings),
      text,
      options.file,
      'nothing written',
    );
  for (const note of result.notes) process.stderr.write(`${style.cyan('note', process.stderr)}: ${note}\n`);
  if (result.services.length === 0)
    throw new CliError(`${options.file}: no Node service to write a Dockerfile for`, EXIT.failed);
  // Our own rules hold for what we generate; a finding here is a bug in the generator.
  for (const { dockerfile: path } of result.services) {
    const findings = lintDockerfile(result.files.get(path)!);
    if (findings.length > 0)
      throw new Error(
        `generated ${path} breaks Dockerfile rule ${findings[0]!.rule}: ${findings[0]!.message}`,
      );
  }
  warnMissingLockFiles(options.file, result.services);

  if (options.output === undefined) {
    if (result.services.length > 1)
      throw new CliError(
        `${result.services.length} Dockerfiles (${result.services.map((s) => s.service).join(', ')}): pass -o DIR to write them, or name one service`,
        EXIT.usage,
        `gantry dockerfile -f ${options.file} -o ${dirname(options.file)}`,
      );
    const only = result.services[0]!;
    const text = result.files.get(only.dockerfile)!;
    if (options.format === 'json')
      process.stdout.write(
        `${JSON.stringify({ services: result.services, files: [{ path: only.dockerfile, content: text }] }, null, 2)}\n`,
      );
    else process.stdout.write(text);
    process.stderr.write(
      `${only.dockerfile} printed; write it and its .dockerignore with -o ${dirname(options.file)}\n`,
    );
    return EXIT.ok;
  }
  const written: WrittenFile[] = writeFiles(options.output, result.files);
  if (options.format === 'json')
    process.stdout.write(`${JSON.stringify({ services: result.services, files: written }, null, 2)}\n`);
  return EXIT.ok;
}

/** npm ci needs package-lock.json in the build context; say so now rather than at docker build. */
function warnMissingLockFiles(file: string, services: { context: string }[]): void {
  const specDir = dirname(file);
  for (const context of new Set(services.map((s) => s.context)))
    for (const needed of ['package.json', 'package-lock.json'])
      if (!existsSync(join(specDir, context, needed)))
        process.stderr.write(
          `${style.yellow('warning', process.stderr)}: ${join(specDir, context, needed)} not found: the Dockerfile's \`npm ci\` needs it (run npm install there)\n`,
        );
}
