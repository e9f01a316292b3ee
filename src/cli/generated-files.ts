/**
 * The CLI side of the delivery generators (dockerfile, compose, ci, infra): writing the generated
 * files under -o DIR with one line per file on stderr.
 */
import { type GeneratedFiles, writeGeneratedTree } from '../render/generated.ts';

export interface WrittenFile {
  path: string;
  status: 'written' | 'unchanged';
}

/** Writes the files under `dir`; one `written PATH` / `unchanged PATH` line each on stderr. */
export function writeFiles(dir: string, files: GeneratedFiles): WrittenFile[] {
  const result = writeGeneratedTree(dir, files);
  const written = new Set(result.written);
  const listing = [...files.keys()].map((path) => ({
    path,
    status: written.has(path) ? ('written' as const) : ('unchanged' as const),
  }));
  const shown = (path: string) => (dir === '.' ? path : `${dir.replace(/\/$/, '')}/${path}`);
  for (const file of listing) process.stderr.write(`${file.status.padEnd(9)} ${shown(file.path)}\n`);
  return listing;
}
