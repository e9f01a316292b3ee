/**
 * Size-based log rotation by copy-then-truncate: the replica's stdout and stderr are an O_APPEND
 * descriptor on `file`, which keeps working after the truncation (its next write lands at the new
 * end). The copy goes to a temporary file; what the replica wrote meanwhile is appended to it just
 * before the truncation, so only lines written in that last instant can be lost (logrotate's
 * copytruncate loses everything written during the copy). `file.1` appears only once `file` has
 * been truncated.
 */
import { closeSync, openSync, readSync, truncateSync, writeSync } from 'node:fs';
import { copyFile, rename, stat } from 'node:fs/promises';

export const DEFAULT_MAX_LOG_BYTES = 10 * 1024 * 1024;
export const ROTATED_LOGS = 3;

/** Rotates `file` to file.1 (file.1 to file.2, ...; keeping `keep`) when it has reached maxBytes. */
export async function rotateIfNeeded(file: string, maxBytes: number, keep = ROTATED_LOGS): Promise<boolean> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return false;
  }
  if (size < maxBytes) return false;
  const copy = `${file}.1.tmp`;
  await copyFile(file, copy);
  const copied = (await stat(copy)).size;
  // Synchronous from here to the truncation: nothing of ours runs in between.
  appendSince(file, copy, copied);
  truncateSync(file, 0);
  for (let i = keep - 1; i >= 1; i--) await rename(`${file}.${i}`, `${file}.${i + 1}`).catch(() => {});
  await rename(copy, `${file}.1`);
  return true;
}

/** Appends to `target` the bytes of `source` from `offset` to its end. */
function appendSince(source: string, target: string, offset: number): void {
  const from = openSync(source, 'r');
  const to = openSync(target, 'a');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    for (let at = offset; ; ) {
      const read = readSync(from, buffer, 0, buffer.length, at);
      if (read === 0) break;
      writeSync(to, buffer, 0, read);
      at += read;
    }
  } finally {
    closeSync(from);
    closeSync(to);
  }
}
