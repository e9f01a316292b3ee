/**
 * Manifest text → Kubernetes objects, each with the file and line it starts at. Pure: reading
 * files is the lint command's (src/cli/commands/lint/input-files.ts). Multi-document streams,
 * JSON (a subset of YAML 1.2) and `List` kinds (`v1/List`, `ConfigMapList`…) are unpacked into their items. A syntax error is a
 * `yaml-syntax` finding at its line; the other documents of the file are still read.
 *
 * Three readers, one meaning: scalars as Kubernetes resolves them (kube-yaml.ts: `yes` is true,
 * `0x1F` is 31, as sigs.k8s.io/yaml reads them). Most manifests are plain block documents: the
 * block reader (block-yaml.ts) reads those about twice as fast as js-yaml, and reading is most of
 * lint's time on a big input. What it leaves, js-yaml reads, about ten times faster than `yaml`.
 * Whatever neither accepts, and whatever js-yaml cannot place (List items, anchors and aliases,
 * merge keys, tags, complex keys, directives), goes through the `yaml` Document API: exact
 * positions and messages for every syntax error. input.test.ts and the lint fuzz test check that
 * they agree; block-yaml.test.ts holds the block reader to js-yaml.
 */
import { load } from 'js-yaml';
import { isMap, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { readAlike } from '../spec/read-alike.ts';
import { readBlockYaml } from './block-yaml.ts';
import { KUBE_JS_YAML_SCHEMA, KUBE_YAML_OPTIONS } from './kube-yaml.ts';
import { listItemLines } from './locate.ts';
import type { FieldPath, Finding } from './rule.ts';

/** A parsed object with a string `kind`; everything else is whatever the YAML held. */
export interface KubeObject extends Record<string, unknown> {
  kind: string;
  apiVersion?: unknown;
  metadata?: unknown;
}

export interface LocatedObject {
  object: KubeObject;
  file: string;
  /** 1-based line of the object's first key. */
  line: number;
  /** The document the object came from, to place its findings at their fields (locate.ts). */
  source?: DocumentSource;
}

export interface DocumentSource {
  /** The document's text (not the whole file's). */
  text: string;
  /** 1-based line of the text's first line in the file. */
  line: number;
  /** Where the text starts in the file (UTF-16 code units) when it is a slice of it: to read it again. */
  offset?: number;
  /** Where the object is in the document: `[]`, or `['items', 3]` for a List's item. */
  base: FieldPath;
}

export interface ParsedInput {
  objects: LocatedObject[];
  findings: Finding[];
}

export const SYNTAX_RULE = 'yaml-syntax';

/**
 * The documents are split at their markers first and read one by one, so a broken document
 * (an unclosed quote, say) never swallows the ones after it. `reader: 'exact'` reads every
 * document with `yaml` alone: the tests compare the two.
 */
export function parseManifests(file: string, text: string, reader: 'fast' | 'exact' = 'fast'): ParsedInput {
  const objects: LocatedObject[] = [];
  const findings: Finding[] = [];
  for (const parsed of readDocuments(file, text, reader)) {
    for (const object of parsed.objects) objects.push(object);
    for (const finding of parsed.findings) findings.push(finding);
  }
  return { objects, findings };
}

/**
 * As `parseManifests`, one document at a time: a big stream is never held parsed all at once.
 * `at` places a piece of a file cut at a document marker (lint-stream.ts reads big files so): its
 * first line and offset in the file. A piece must be splittable (see `isSplittable`).
 */
export function* readDocuments(
  file: string,
  text: string,
  reader: 'fast' | 'exact' = 'fast',
  at: { line: number; offset: number } = { line: 1, offset: 0 },
): Generator<ParsedInput> {
  if (!isSplittable(text)) {
    yield parseDocuments(file, text);
    return;
  }
  for (const document of splitDocuments(text, at)) yield readDocument(file, document, reader);
}

/**
 * False for a stream with directives or content on a marker line (`%YAML 1.2`, `--- !tag`, `--- {a: 1}`)
 * at the start of any line: only the exact reader splits those. Found with indexOf, not a
 * multi-line regular expression: this looks at every file whole, before anything else.
 */
export function isSplittable(text: string): boolean {
  for (let at = text.indexOf('%'); at >= 0; at = text.indexOf('%', at + 1))
    if (atLineStart(text, at)) return false;
  for (const marker of ['---', '...'])
    for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) {
      if (!atLineStart(text, at)) continue;
      MARKER_CONTENT.lastIndex = at + 3;
      if (MARKER_CONTENT.test(text)) return false;
    }
  return true;
}

/** Where a line starts as a multi-line `^` sees it: after any line terminator. */
const atLineStart = (text: string, at: number): boolean => at === 0 || LINE_TERMINATORS.has(text[at - 1]!);
const LINE_TERMINATORS = new Set(['\n', '\r', '\u2028', '\u2029']);
const MARKER_CONTENT = /[ \t]+[^#\s]/y;

function readDocument(file: string, document: DocumentText, reader: 'fast' | 'exact'): ParsedInput {
  const data = reader === 'fast' ? readFast(document) : undefined;
  const list = data !== undefined && isObject(data) && isList(data);
  const items = list ? listItems(file, document, data) : undefined;
  if (data === undefined || (list && !items))
    return parseDocuments(file, document.text, { line: document.line - 1, offset: document.offset });
  if (items) return { objects: items, findings: [] };
  if (!isObject(data)) return { objects: [], findings: [] };
  const source = { text: document.text, line: document.line, offset: document.offset, base: [] };
  return { objects: [{ object: data, file, line: document.contentLine, source }], findings: [] };
}

/** A List read by js-yaml, its items placed in one pass; undefined when the scan cannot place them. */
function listItems(file: string, document: DocumentText, list: KubeObject): LocatedObject[] | undefined {
  if (!Array.isArray(list.items)) return undefined;
  const lines = listItemLines(document.text, list.items.length);
  if (!lines) return undefined;
  return list.items.flatMap((item, i) =>
    isObject(item)
      ? [
          {
            object: item,
            file,
            line: document.line + lines[i]! - 1,
            source: { text: document.text, line: document.line, offset: document.offset, base: ['items', i] },
          },
        ]
      : [],
  );
}

interface DocumentText {
  text: string;
  /**
   * The text and the line break after it, when it has one: what js-yaml reads (given a text
   * without one, it copies the whole text to add it).
   */
  withBreak: string;
  /** 1-based line of the document's first line in the file. */
  line: number;
  /** Where the text starts in the file. */
  offset: number;
  /** 1-based line of its first line that is not blank or a comment: where its content starts. */
  contentLine: number;
}

/** True for a line holding something besides blanks and a comment: `^[ \t]*[^\s#]`, multi-line. */
function isContentLine(text: string, at: number, end: number): boolean {
  let i = at;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (i < end && text[i] !== '#' && !WHITESPACE.test(text[i]!)) return true;
  // A lone \r, \u2028 or \u2029 starts a line for a multi-line `^` too: rare, so the regex decides.
  const line = text.slice(at, end);
  return OTHER_BREAK.test(line) && CONTENT.test(line);
}
const OTHER_BREAK = /[\r\u2028\u2029]/;
const WHITESPACE = /\s/;
const CONTENT = /^[ \t]*[^\s#]/m;

/**
 * The documents of a stream, split at `---` and `...` lines (at column 0 they always mark a
 * document, even inside a block scalar), as slices of the text, lazily. One pass over the lines
 * finds the markers and where each document's content starts.
 */
function* splitDocuments(text: string, base: { line: number; offset: number }): Generator<DocumentText> {
  let start = 0;
  let startLine = base.line;
  let contentLine: number | undefined;
  const document = (end: number): DocumentText | undefined => {
    if (contentLine === undefined) return undefined; // nothing but blanks and comments
    const body = text.slice(start, end);
    const withBreak = text[end] === '\n' ? text.slice(start, end + 1) : body;
    return { text: body, withBreak, line: startLine, offset: base.offset + start, contentLine };
  };
  let line = base.line;
  for (let at = 0; at <= text.length; line++) {
    const newline = text.indexOf('\n', at);
    const end = newline < 0 ? text.length : newline;
    const first = text[at];
    if ((first === '-' || first === '.') && isMarker(text, at)) {
      const found = document(Math.max(start, at - 1));
      if (found) yield found;
      start = end + 1;
      startLine = line + 1;
      contentLine = undefined;
    } else if (contentLine === undefined && isContentLine(text, at, end)) contentLine = line;
    if (newline < 0) break;
    at = newline + 1;
  }
  if (start <= text.length) {
    const found = document(text.length);
    if (found) yield found;
  }
}

/** `---` or `...` at `at`, then whitespace or the end: `^(---|\.\.\.)(\s|$)`. */
function isMarker(text: string, at: number): boolean {
  if (!text.startsWith('---', at) && !text.startsWith('...', at)) return false;
  return at + 3 >= text.length || WHITESPACE.test(text[at + 3]!);
}

/**
 * A document read by the block reader, else by js-yaml when it holds nothing the exact reader reads
 * differently (read-alike.ts); undefined when neither may read it.
 */
function readFast(document: DocumentText): unknown {
  return (
    readBlockYaml(document.text) ?? (readAlike(document.text) ? loadPlain(document.withBreak) : undefined)
  );
}

/** One plain document through js-yaml; undefined when it does not accept it. */
function loadPlain(text: string): unknown {
  try {
    return load(text, { schema: KUBE_JS_YAML_SCHEMA }) ?? null;
  } catch {
    return undefined;
  }
}

/**
 * The exact reader: the `yaml` Document API, lines shifted by `offset` for a document cut from a
 * file (then the text is that one document, and its source as the fast reader gives it).
 */
function parseDocuments(file: string, text: string, cutAt?: { line: number; offset: number }): ParsedInput {
  const cut = cutAt !== undefined;
  const offset = cutAt?.line ?? 0;
  const lineCounter = new LineCounter();
  const objects: LocatedObject[] = [];
  const findings: Finding[] = [];
  const lineOf = (node: unknown, fallback: number): number => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line + offset : fallback;
  };
  const syntax = (position: { line: number; col: number }, message: string) =>
    findings.push({
      rule: SYNTAX_RULE,
      severity: 'error',
      file,
      line: position.line + offset,
      column: position.col,
      message,
    });

  const documents = parseAllDocuments(text, { ...KUBE_YAML_OPTIONS, lineCounter, prettyErrors: false });
  // An empty stream is not an array of documents, and holds nothing to lint.
  if (!Array.isArray(documents)) return { objects, findings };

  for (const doc of documents) {
    const docLine = lineOf(doc.contents, lineCounter.linePos(doc.range[0]).line + offset);
    if (doc.errors.length > 0) {
      // An error at the end of a document ("missing ]") reads better on its last line that has text.
      const lastText = Math.max(0, text.slice(0, doc.range[2]).trimEnd().length - 1);
      for (const error of doc.errors)
        syntax(lineCounter.linePos(Math.min(error.pos[0], lastText)), firstLine(error.message));
      continue;
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // Alias abuse ("billion laughs") and unresolved aliases: the input's fault, not ours.
      syntax({ line: docLine - offset, col: 1 }, firstLine((error as Error).message));
      continue;
    }
    if (!isObject(data)) continue;
    // The document's own text, from the start of its first line, for locate.ts.
    const from = cut ? 0 : text.lastIndexOf('\n', doc.range[0] - 1) + 1;
    const documentText = cut ? text : text.slice(from, doc.range[2]);
    const startLine = lineCounter.linePos(from).line + offset;
    const where = cut ? { offset: cutAt.offset } : {};
    const source = (base: FieldPath) => ({ text: documentText, line: startLine, ...where, base });
    const items = data.items;
    if (isList(data) && Array.isArray(items)) {
      const itemsNode = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
      items.forEach((item, i) => {
        const node = isSeq(itemsNode) ? itemsNode.items[i] : undefined;
        if (isObject(item))
          objects.push({ object: item, file, line: lineOf(node, docLine), source: source(['items', i]) });
      });
      continue;
    }
    objects.push({ object: data, file, line: docLine, source: source([]) });
  }
  return { objects, findings };
}

function isObject(value: unknown): value is KubeObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { kind?: unknown }).kind === 'string'
  );
}

function isList(object: KubeObject): boolean {
  return object.kind === 'List' || object.kind.endsWith('List');
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
