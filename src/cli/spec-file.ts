/**
 * Reading gantry.yaml from disk, with file errors a user can act on. Light on purpose (no spec
 * loader, no zod): every command's registration imports DEFAULT_SPEC from here.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
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
