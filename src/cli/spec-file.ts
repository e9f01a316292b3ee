/** Reading gantry.yaml from disk and loading it, with file errors a user can act on. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type LoadOptions, type LoadResult, loadSpec } from '../spec/load.ts';
import { CliError, EXIT } from './errors.ts';

export const DEFAULT_SPEC = 'gantry.yaml';

export function readSpecText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new CliError(
        `${file}: no such file (looked in ${resolve(file, '..')})`,
        EXIT.usage,
        'run `gantry init` to write one, or pass -f FILE',
      );
    if (code === 'EISDIR')
      throw new CliError(`${file} is a directory`, EXIT.usage, `pass the file: -f ${file}/gantry.yaml`);
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, EXIT.usage);
  }
}

export function loadSpecFile(file: string, options: Omit<LoadOptions, 'file'> = {}): LoadResult {
  return loadSpec(readSpecText(file), { ...options, file });
}
