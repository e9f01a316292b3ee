/**
 * The CLI side of the delivery generators (`gantry dockerfile`, `gantry render --format
 * compose`): placing a generator's findings at their line in gantry.yaml, and writing the
 * generated files under -o DIR with one line per file on stderr.
 */

import { type GeneratedFiles, writeGeneratedTree } from '../render/generated.ts';
import type { AppModel } from '../spec/model.ts';
import { type Finding, formatPath, type Problem } from '../spec/problem.ts';
import { parseSource } from '../spec/source.ts';

/** Findings about the spec (paths into it) as problems at their file, line and column. */
export function placeFindings(findings: Finding[], text: string, model: AppModel): Problem[] {
  const source = parseSource(text);
  return findings.map((finding) => {
    const { position } = source.locate(finding.path);
    return {
      severity: finding.severity ?? 'error',
      file: model.file,
      line: position.line,
      column: position.column,
      path: formatPath(finding.path),
      message: finding.message,
      ...(finding.hint ? { hint: finding.hint } : {}),
      ...(model.environment ? { environment: model.environment.name } : {}),
    };
  });
}

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
