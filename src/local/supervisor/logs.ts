/**
 * Size-based log rotation by copy-then-truncate: the replica's stdout and stderr are an O_APPEND
 * descriptor on `file`, which keeps working after the truncation (its next write lands at the new
 * end). Lines written between the copy and the truncation are lost, as with logrotate's copytruncate.
 */
import { copyFile, rename, stat, truncate } from 'node:fs/promises';

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
  for (let i = keep - 1; i >= 1; i--) {
    await rename(`${file}.${i}`, `${file}.${i + 1}`).catch(() => {});
  }
  await copyFile(file, `${file}.1`);
  await truncate(file, 0);
  return true;
}
