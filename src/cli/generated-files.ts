/**
 * The one writer of generated files (render -o, kustomize, helm, dockerfile, compose, ci, infra):
 * a file whose text is already there is left alone; a file an earlier run generated and this one
 * no longer does — one the command would write (its `stale` pattern) and that carries Gantry's
 * banner — is removed, with the folders that leaves empty; nothing else is touched. One line per
 * file on stderr, unless the command sums it up itself.
 */
import { mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { type GeneratedFiles, isGenerated } from '../render/generated.ts';

export interface WrittenFile {
  path: string;
  status: 'written' | 'unchanged' | 'removed';
}

export interface WriteOptions {
  /** Paths (relative, with `/`) an earlier run of this command may have generated. */
  stale?: RegExp;
  /** false: no line per file (the command prints its own summary). */
  report?: boolean;
}

export function writeFiles(dir: string, files: GeneratedFiles, options: WriteOptions = {}): WrittenFile[] {
  const listing: WrittenFile[] = [];
  for (const [path, text] of files) {
    const target = join(dir, path);
    if (readIfExists(target) === text) {
      listing.push({ path, status: 'unchanged' });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    listing.push({ path, status: 'written' });
  }
  if (options.stale) listing.push(...removeStale(dir, files, options.stale));
  if (options.report !== false) {
    const shown = (path: string) => (dir === '.' ? path : `${dir.replace(/\/$/, '')}/${path}`);
    for (const file of listing) process.stderr.write(`${file.status.padEnd(9)} ${shown(file.path)}\n`);
  }
  return listing;
}

/** Generated files matching `stale` that `files` no longer has; then the folders left empty. */
function removeStale(dir: string, files: GeneratedFiles, stale: RegExp): WrittenFile[] {
  const removed: WrittenFile[] = [];
  const emptied = new Set<string>();
  for (const path of listFiles(dir)) {
    if (files.has(path) || !stale.test(path)) continue;
    if (!isGenerated(readIfExists(join(dir, path)) ?? '')) continue; // the user's own file
    rmSync(join(dir, path));
    removed.push({ path, status: 'removed' });
    for (let parent = dirname(path); parent !== '.'; parent = dirname(parent)) emptied.add(parent);
  }
  // Deepest first; a folder still holding anything (the user's files) stays.
  for (const folder of [...emptied].sort((a, b) => b.length - a.length))
    try {
      rmdirSync(join(dir, folder));
    } catch {
      // not empty
    }
  return removed;
}

/** Every file under `dir`, relative, with `/`; none when it does not exist. */
function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
      .sort();
  } catch {
    return [];
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
