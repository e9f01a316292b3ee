/**
 * The thin I/O edge of the input: paths (files, directories walked recursively for
 * `*.yaml|*.yml|*.json`), each file read whole or, when big, in pieces (lint-stream.ts reads them).
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

const MANIFEST = /\.(ya?ml|json)$/i;

/** A path the user named that cannot be read: a usage error, not a finding. */
export class InputError extends Error {}

/**
 * Every manifest file under the paths, in a stable order. A named file is read whatever its
 * extension and whatever `exclude` says (naming it is explicit); `exclude` drops files found
 * by walking a directory.
 */
export function manifestFiles(paths: readonly string[], exclude?: (file: string) => boolean): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch {
      throw new InputError(`${path}: no such file or directory`);
    }
    if (!stat.isDirectory()) {
      files.push(path);
      continue;
    }
    const found = readdirSync(path, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && MANIFEST.test(entry.name))
      .map((entry) => join(entry.parentPath, entry.name))
      .filter((file) => !exclude?.(file))
      .sort();
    files.push(...found);
  }
  return files;
}

export const STDIN = '<stdin>';

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`${path}: ${(error as NodeJS.ErrnoException).code ?? 'cannot be read'}`);
  }
}

/** Files at least this big are read in pieces (lint-stream.ts), so no copy of them is held whole. */
export const BIG_FILE_BYTES = 8 * 2 ** 20;

/** A file's text, a piece (256 KiB) at a time, decoded as UTF-8 across the pieces' edges. */
export function* readChunks(path: string, size = 2 ** 18): Generator<string> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new InputError(`${path}: ${(error as NodeJS.ErrnoException).code ?? 'cannot be read'}`);
  }
  const buffer = Buffer.alloc(size);
  const decoder = new StringDecoder('utf8');
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer))
      yield decoder.write(buffer.subarray(0, read));
    const rest = decoder.end();
    if (rest) yield rest;
  } finally {
    closeSync(fd);
  }
}

/** The size of a file in bytes, 0 when it cannot be read (reading it then says why). */
export function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
