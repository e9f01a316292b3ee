/**
 * Where a field is in a document's text: the line and column of a path like
 * `spec.template.spec.containers[0].securityContext.privileged`, or, when the field is missing,
 * of the deepest part of the path the document has (the container, say). Pure.
 *
 * Most manifests are block-style YAML, where a key's place follows from indentation alone, so a
 * line scan finds it without parsing the document again (the `yaml` library takes about ten
 * times as long as the js-yaml read the linter already did). The parsed object guides the scan:
 * a key the object has must be found, one it lacks is not looked for. Flow collections written on
 * one line (`hostPath: { path: / }`) are scanned too. Anything else the scan does not handle
 * (quotes or comments in a flow collection, a key it cannot find, JSON) goes to the `yaml`
 * Document API, which is exact. locate.test.ts checks that both give the same places.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { KUBE_YAML_OPTIONS } from './kube-yaml.ts';
import type { FieldPath } from './rule.ts';

export interface Position {
  /** 1-based, within the text given. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

/**
 * The position of `base` + `path` in `text`. `base` is known to exist (`['items', 3]` for a List
 * item); `value` is the object at `base`, whose fields say which steps of `path` exist.
 */
export function locate(text: string, base: FieldPath, path: FieldPath, value: unknown): Position {
  const existing = [...base, ...path.slice(0, existingDepth(value, path))];
  return scan(scanned(text), existing) ?? exact(text, existing);
}

/**
 * The 1-based line of each item of a List document's block `items`, in one pass (a List may hold
 * thousands); undefined when they are not plain block items, for the exact reader to place.
 */
export function listItemLines(text: string, count: number): number[] | undefined {
  const all = scanned(text).lines;
  const root = rootStart(all);
  const items = root && key(all, root, 'items')?.value;
  if (!items || !isDash(all[items.line]!, items.column)) return undefined;
  const found: number[] = [];
  for (let i = items.line; i < all.length && found.length < count; i++) {
    const line = all[i]!;
    if (!isContent(line)) continue;
    const indent = indentOf(line);
    if (indent < items.column || (indent === items.column && !isDash(line, indent))) break;
    if (indent > items.column) continue;
    const after = line.slice(indent + 1);
    if (isEmpty(after) || FLOW_OR_NODE_PROPERTY.test(after.trimStart())) return undefined;
    found.push(i + 1);
  }
  return found.length === count ? found : undefined;
}

/** As `locate`, with the `yaml` Document API only: what the tests hold the line scan to. */
export function locateExactly(text: string, base: FieldPath, path: FieldPath, value: unknown): Position {
  return exact(text, [...base, ...path.slice(0, existingDepth(value, path))]);
}

/** The number of leading steps of `path` that `value` has. */
function existingDepth(value: unknown, path: FieldPath): number {
  let node = value;
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!;
    if (
      typeof step === 'number'
        ? !Array.isArray(node) || step >= node.length
        : !isObject(node) || !(step in node)
    )
      return i;
    node = (node as Record<string | number, unknown>)[step];
  }
  return path.length;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// ---- the line scan -------------------------------------------------------------------------

/** A block node's start: where its first key (a map) or its first `-` (a list) is. */
interface Start {
  line: number;
  column: number;
}

/**
 * One document's lines, and where the scan found each path's steps so far: its findings share
 * most of their paths (`spec.template.spec.containers[0]…`), and a List's items their document.
 */
interface Scanned {
  text: string;
  lines: string[];
  /** The root block node, once looked for (null: the scan leaves the document to the exact reader). */
  root?: Step;
}

/** Where a path's steps so far were found (null: the scan cannot tell), and the steps found under it. */
interface Step {
  found: Found | null;
  next?: Map<string | number, Step>;
}

// One document's lines and parse, for its several findings. They hold slices of the file's text,
// so lint-stream.ts forgets them once a file is done (a slice keeps its whole parent alive).
let cached: Scanned | undefined;

export function forgetLocations(): void {
  cached = undefined;
  parsed = undefined;
}

function scanned(text: string): Scanned {
  if (cached?.text !== text) cached = { text, lines: lines(text) };
  return cached;
}

function lines(text: string): string[] {
  const split = text.split('\n');
  return text.includes('\r') ? split.map((l) => l.replace(/\r$/, '')) : split;
}

/** A line with more than whitespace and a comment: `!/^\s*(#|$)/`. */
const isContent = (line: string) => {
  const indent = indentOf(line);
  return indent < line.length && line.charCodeAt(indent) !== HASH;
};
const HASH = 35;
const SPACE = 32;

/** The number of leading whitespace characters (`\s`, as trimStart counts them); mostly spaces. */
function indentOf(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === SPACE) i++;
  const next = line.charCodeAt(i);
  // Tabs, \r and Unicode spaces are rare in indentation: trimStart knows them all.
  if (next === 9 || next === 11 || next === 12 || next === 13 || next > 127)
    return line.length - line.trimStart().length;
  return i;
}

const isDash = (line: string, column: number) =>
  line[column] === '-' && (line.length === column + 1 || line[column + 1] === ' ');

/** Where a step was found (0-based), and where its value starts: a block node, or a flow collection on one line. */
interface Found {
  at: Start;
  value?: Start;
  flow?: Start;
}

/** The position of every step of `path` (all of which exist), or undefined when the scan cannot tell. */
function scan(document: Scanned, path: FieldPath): Position | undefined {
  const { lines } = document;
  if (!document.root) {
    const root = rootStart(lines);
    document.root = { found: root ? { at: root, value: root } : null };
  }
  let node = document.root;
  for (const step of path) {
    if (!node.found) return undefined;
    let next = node.next?.get(step);
    if (!next) {
      const { value, flow } = node.found;
      const found = value
        ? typeof step === 'number'
          ? item(lines, value, step)
          : key(lines, value, step)
        : flow && flowEntry(lines[flow.line]!, flow, step);
      next = { found: found ?? null };
      node.next ??= new Map();
      node.next.set(step, next);
    }
    node = next;
  }
  return node.found ? { line: node.found.at.line + 1, column: node.found.at.column + 1 } : undefined;
}

/** The root block node: its first content line, unless that is flow, tagged, or a marker or directive the scan leaves to the exact reader. */
function rootStart(text: string[]): Start | undefined {
  const first = text.findIndex(isContent);
  if (first < 0) return undefined;
  const column = indentOf(text[first]!);
  return NOT_BLOCK.test(text[first]!.slice(column)) ? undefined : { line: first, column };
}

/** The key `name` of the block map whose first key is at `map`. */
function key(text: string[], map: Start, name: string): Found | undefined {
  for (let i = map.line; i < text.length; i++) {
    const line = text[i]!;
    if (i > map.line) {
      if (!isContent(line)) continue;
      const indent = indentOf(line);
      if (indent < map.column || (indent === map.column && isDash(line, indent))) return undefined;
      if (indent > map.column) continue;
    }
    const length = keyAt(line, map.column, name);
    if (length === undefined) continue;
    const at = { line: i, column: map.column };
    const rest = line.slice(map.column + length + 1);
    if (!isEmpty(rest)) return { at, flow: flowAt(line, map.column + length + 1, i) }; // a scalar, or a flow collection
    const value = blockBelow(text, i, map.column, true);
    return value ? { at, value } : { at };
  }
  return undefined;
}

/** The `index`th item of the block list whose first `-` is at `list`. */
function item(text: string[], list: Start, index: number): Found | undefined {
  let seen = -1;
  for (let i = list.line; i < text.length; i++) {
    const line = text[i]!;
    if (!isContent(line)) continue;
    const indent = indentOf(line);
    if (indent < list.column || (indent === list.column && !isDash(line, indent))) return undefined;
    if (indent > list.column || ++seen < index) continue;
    const after = line.slice(indent + 1);
    if (isEmpty(after)) {
      const value = blockBelow(text, i, indent, false);
      return value ? { at: value, value } : undefined;
    }
    const at = { line: i, column: indent + 1 + (after.length - after.trimStart().length) };
    if (NODE_PROPERTY.test(after.trimStart())) return { at };
    return line[at.column] === '{' || line[at.column] === '[' ? { at, flow: at } : { at, value: at };
  }
  return undefined;
}

/** The block node on the lines below `line`: deeper than `column`, or a `-` list at it after a key. */
function blockBelow(text: string[], line: number, column: number, afterKey: boolean): Start | undefined {
  for (let i = line + 1; i < text.length; i++) {
    const next = text[i]!;
    if (!isContent(next)) continue;
    const indent = indentOf(next);
    const deeper = indent > column || (afterKey && indent === column && isDash(next, indent));
    return deeper ? { line: i, column: indent } : undefined;
  }
  return undefined;
}

/** The flow collection starting at `column` of `line`, or at the first character after spaces there. */
function flowAt(line: string, column: number, lineIndex: number): Start | undefined {
  let at = column;
  while (line[at] === ' ') at++;
  return line[at] === '{' || line[at] === '[' ? { line: lineIndex, column: at } : undefined;
}

/**
 * The key `step` of the flow map (or the `step`th item of the flow list) that starts at `start`,
 * found on that line alone. Undefined when it is not there or the scan cannot tell: quotes,
 * comments, anchors, tags, explicit keys, a `:` inside a key, an entry on the next line.
 */
function flowEntry(line: string, start: Start, step: string | number): Found | undefined {
  if ((line[start.column] === '{') !== (typeof step === 'string')) return undefined;
  let entry = start.column + 1;
  let index = 0;
  for (let i = entry, depth = 0; i < line.length; i++) {
    const c = line[i]!;
    if (FLOW_UNSURE.includes(c)) return undefined;
    if (c === '{' || c === '[') depth++;
    else if (depth > 0 && (c === '}' || c === ']')) depth--;
    else if (depth === 0 && (c === ',' || c === '}' || c === ']')) {
      let from = entry;
      while (line[from] === ' ') from++;
      const at = { line: start.line, column: from };
      if (typeof step === 'number') {
        if (index === step && from < i) return { at, flow: flowAt(line, from, start.line) };
      } else {
        const colon = line.indexOf(':', from);
        if (colon < 0 || colon >= i || line[colon + 1] !== ' ') return undefined;
        if (line.slice(from, colon).trimEnd() === step)
          return { at, flow: flowAt(line, colon + 1, start.line) };
      }
      if (c !== ',') return undefined;
      index++;
      entry = i + 1;
    }
  }
  return undefined;
}
const FLOW_UNSURE = `'"#&*!?|>%@\t`;

/** Nothing but spaces and a comment: the value, if any, is on the lines below. */
const isEmpty = (rest: string) => EMPTY.test(rest);

// Constants, not literals in the functions: a literal makes a new RegExp each time it is evaluated.
const EMPTY = /^\s*(#.*)?$/;
/** An anchor, tag or alias. */
const NODE_PROPERTY = /^[&!*]/;
const FLOW_OR_NODE_PROPERTY = /^[[{&!*]/;
/** A root node the scan leaves to the exact reader: flow, tagged or anchored, a marker or directive. */
const NOT_BLOCK = /^([[{&!%]|---|\.\.\.)/;

/** The length of `name:` written at `column` (plain, "double" or 'single' quoted), or undefined. */
function keyAt(line: string, column: number, name: string): number | undefined {
  if (line.startsWith(name, column) && isColon(line, column + name.length)) return name.length;
  const quote = line[column];
  const quoted =
    (quote === '"' || quote === "'") &&
    line.startsWith(name, column + 1) &&
    line[column + 1 + name.length] === quote &&
    isColon(line, column + 2 + name.length);
  return quoted ? name.length + 2 : undefined;
}

/** A key's `:` at `at`: followed by a space or the end of the line. */
const isColon = (line: string, at: number) =>
  line[at] === ':' && (at + 1 === line.length || line[at + 1] === ' ');

// ---- the exact reader ------------------------------------------------------------------------

let parsed: { text: string; root: Node | null; counter: LineCounter } | undefined;

/** The `yaml` Document's answer: the deepest node of `path` it has (a map entry is placed at its key). */
function exact(text: string, path: FieldPath): Position {
  if (parsed?.text !== text) {
    const counter = new LineCounter();
    const doc = parseDocument(text, { ...KUBE_YAML_OPTIONS, lineCounter: counter, uniqueKeys: false });
    parsed = { text, root: doc.contents as Node | null, counter };
  }
  let node: unknown = parsed.root;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === step);
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof step === 'number' && node.items[step]) {
      node = node.items[step];
      offset = (node as Node).range?.[0] ?? offset;
    } else break;
  }
  const { line, col } = parsed.counter.linePos(offset);
  return { line, column: col };
}
