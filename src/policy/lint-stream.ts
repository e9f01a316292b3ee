/**
 * `gantry lint` over inputs of any size, document by document. Each document is read, checked by
 * the rules that look at one object, and dropped; what the cross-object rules need is kept as a
 * small view of each object (cross-object-view.ts). Once everything has been read, the
 * cross-object rules run over the views, and the documents that hold their findings are read again
 * to place them at their fields (from texts kept up to KEPT_TEXT, from the sources beyond). Memory
 * grows with the number of objects (their views), not with the size of the input. Pure: sources
 * say how to read their text.
 */
import { crossObjectView } from './cross-object-view.ts';
import { checkObject, ownString, sortFindings, toFinding, violationsOf } from './engine.ts';
import { isSplittable, type LocatedObject, type ParsedInput, readDocuments } from './input.ts';
import { forgetLocations } from './locate.ts';
import type { Finding, Rule, RuleContext } from './rule.ts';

/** One input to lint: a file, stdin, a rendered spec, a Kustomize build. */
export interface Source {
  /** The name findings give. */
  file: string;
  /**
   * Its text. Called again (once) when a cross-object finding is placed in it, unless its text
   * was small enough to keep.
   */
  read(): string;
  /**
   * Its text in pieces, for a file too big to hold twice over (the lint command's input-files.ts reads big files so):
   * then documents are read as the pieces come, and read again the same way.
   */
  chunks?(): Iterable<string>;
}

/** What was linted, without the objects themselves. */
export interface LintedObject {
  file: string;
  line: number;
  kind: string;
  name: string;
}

export interface StreamResult {
  findings: Finding[];
  files: string[];
  objects: LintedObject[];
}

const ALONE: RuleContext = { objects: [] };

/**
 * How much text (UTF-16 code units) of the sources read whole is kept, so that placing the
 * cross-object findings does not read those files again; beyond it, sources are read again.
 */
const KEPT_TEXT = 32 * 2 ** 20;

/** Lints the sources as one set: cross-object rules see every object of every source. */
export function lintSources(sources: Iterable<Source>, rules: readonly Rule[]): StreamResult {
  const single = rules.filter((rule) => !rule.crossObject);
  const cross = rules.filter((rule) => rule.crossObject);
  const findings: Finding[] = [];
  const files: string[] = [];
  const objects: LintedObject[] = [];
  const views: View[] = [];
  const bySource = new Map<string, Source>();
  let keptLength = 0;
  // A text kept stands in for its source when the cross-object findings are placed.
  const keep = (file: string, text: string) => {
    if (cross.length === 0 || keptLength + text.length > KEPT_TEXT) return;
    bySource.set(file, { file, read: () => text });
    keptLength += text.length;
  };
  for (const source of sources) {
    files.push(source.file);
    bySource.set(source.file, source);
    for (const parsed of documentsOf(source, keep)) {
      for (const finding of parsed.findings) findings.push(finding);
      for (const located of parsed.objects) {
        objects.push(linted(located));
        for (const finding of checkObject(located, single, ALONE)) findings.push(finding);
        if (cross.length > 0) views.push(viewOf(located));
      }
    }
    forgetLocations();
  }
  for (const finding of crossObjectFindings(views, cross, bySource)) findings.push(finding);
  return { findings: sortFindings(findings), files, objects };
}

/**
 * The source's documents: its text at once (handed to `keep`), or piece by piece cut at document
 * markers.
 */
function* documentsOf(source: Source, keep: (file: string, text: string) => void): Generator<ParsedInput> {
  if (!source.chunks || !splittable(source.chunks())) {
    const text = source.read();
    keep(source.file, text);
    yield* readDocuments(source.file, text);
    return;
  }
  let pending = '';
  const at = { line: 1, offset: 0 };
  const flush = function* (text: string): Generator<ParsedInput> {
    yield* readDocuments(source.file, text, 'fast', { ...at });
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) at.line++;
    at.offset += text.length;
  };
  for (const chunk of source.chunks()) {
    pending += chunk;
    const cut = lastMarker(pending);
    if (cut <= 0) continue;
    yield* flush(pending.slice(0, cut));
    pending = pending.slice(cut);
  }
  yield* flush(pending);
}

/** Where the last line that is a document marker starts (the cut keeps it with what follows), or -1. */
function lastMarker(text: string): number {
  for (let at = text.lastIndexOf('\n---'); at >= 0; at = text.lastIndexOf('\n---', at - 1)) {
    const next = text[at + 4];
    if (next === undefined) return -1; // the line may go on in the next piece
    if (next === '\n' || next === ' ' || next === '\t' || next === '\r') return at + 1;
  }
  return -1;
}

/** A stream the splitter may cut (no directive, nothing on a marker line), checked piece by piece. */
function splittable(chunks: Iterable<string>): boolean {
  let carry = '';
  for (const chunk of chunks) {
    const text = carry + chunk;
    const lastLine = text.lastIndexOf('\n');
    if (!isSplittable(text.slice(0, lastLine + 1))) return false;
    carry = text.slice(lastLine + 1);
  }
  return isSplittable(carry);
}

/**
 * The object's view. Its document's text is dropped when it is a slice of the file (read again
 * for a finding: `source.text` is then empty and `length` says how much to slice).
 */
function viewOf(located: LocatedObject): View {
  const object = crossObjectView(located.object);
  const { file, line, source } = located;
  // Literals of one shape, not spreads: every cross-object rule reads every view.
  if (source?.offset === undefined) return { object, file, line, source, length: undefined };
  const { offset, base } = source;
  return {
    object,
    file,
    line,
    source: { text: '', line: source.line, offset, base },
    length: source.text.length,
  };
}

interface View extends LocatedObject {
  length?: number;
}

function crossObjectFindings(
  views: readonly View[],
  rules: readonly Rule[],
  sources: ReadonlyMap<string, Source>,
): Finding[] {
  if (rules.length === 0) return [];
  const context: RuleContext = { objects: views };
  const found = views.flatMap((located) => {
    const violations = violationsOf(located, rules, context);
    return violations.length > 0 ? [{ located, violations }] : [];
  });
  // Read each file with findings again, one at a time, for the text of the documents that hold them.
  const byFile = new Map<string, typeof found>();
  for (const entry of found) {
    const entries = byFile.get(entry.located.file);
    if (entries) entries.push(entry);
    else byFile.set(entry.located.file, [entry]);
  }
  const findings: Finding[] = [];
  for (const [file, entries] of byFile) {
    const texts = documentTexts(
      sources.get(file),
      entries.map((entry) => entry.located),
    );
    for (const { located, violations } of entries) {
      const { source, length } = located;
      const placed: LocatedObject =
        source?.offset !== undefined && length !== undefined
          ? { ...located, source: { ...source, text: texts.get(source.offset) ?? '' } }
          : located;
      for (const { rule, violation } of violations) findings.push(toFinding(placed, rule, violation));
    }
    forgetLocations();
  }
  return findings;
}

/** The documents' texts again, by offset: from the whole text, or sliced as the pieces come. */
function documentTexts(source: Source | undefined, views: readonly View[]): Map<number, string> {
  const ranges = views
    .flatMap(({ source: at, length }) =>
      at?.offset !== undefined && length !== undefined ? [[at.offset, length]] : [],
    )
    .sort((a, b) => a[0]! - b[0]!);
  const texts = new Map<number, string>();
  if (!source || ranges.length === 0) return texts;
  if (!source.chunks) {
    const text = source.read();
    for (const [offset, length] of ranges) texts.set(offset!, text.slice(offset, offset! + length!));
    return texts;
  }
  let buffer = '';
  let bufferStart = 0;
  let next = 0;
  for (const chunk of source.chunks()) {
    buffer += chunk;
    while (next < ranges.length && ranges[next]![0]! + ranges[next]![1]! <= bufferStart + buffer.length) {
      const [offset, length] = ranges[next++]!;
      texts.set(offset!, ownString(buffer.slice(offset! - bufferStart, offset! - bufferStart + length!)));
    }
    // Keep only what a range still to come may need.
    const keepFrom =
      next < ranges.length
        ? Math.min(buffer.length, Math.max(0, ranges[next]![0]! - bufferStart))
        : buffer.length;
    buffer = buffer.slice(keepFrom);
    bufferStart += keepFrom;
  }
  return texts;
}

/** What the reports need to know of a linted object (JUnit lists the clean ones too). */
export function linted(located: LocatedObject): LintedObject {
  const name = (located.object.metadata as { name?: unknown } | undefined)?.name;
  return {
    file: located.file,
    line: located.line,
    kind: ownString(located.object.kind),
    name: typeof name === 'string' ? ownString(name) : '<unnamed>',
  };
}
