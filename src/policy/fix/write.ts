/**
 * Turns the fixers' edits on a parsed document into text splices on the original source, so
 * nothing a fixer did not touch changes: comments, blank lines, quoting, indentation and flow
 * spacing stay byte for byte, in the edited documents too. New keys and list items are rendered
 * by the `yaml` library (no string-built YAML) in the document's own indentation and spliced in
 * after the line of their predecessor; a changed scalar keeps its quoting; an edited flow
 * collection (`{ a: 1 }`, `[NET_RAW]`) is re-rendered whole, on one line.
 */
import {
  Document,
  isCollection,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
  type ToStringOptions,
  YAMLMap,
  YAMLSeq,
} from 'yaml';
import type { Edits } from './tree.ts';

export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** The splices that write a document's edits; apply them with `applySplices`. */
export function documentSplices(
  text: string,
  lineCounter: LineCounter,
  doc: Document,
  edits: Edits,
): Splice[] {
  const splices: Splice[] = [];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const column = (offset: number) => lineCounter.linePos(offset).col - 1;
  const style = documentStyle(doc, column);
  /** The node as the library writes it, without its comments, anchor and tag: those lie outside its range and stay. */
  const render = (node: unknown, options: ToStringOptions = {}) => {
    const holder = new Document();
    holder.contents = node as Node;
    const { comment, commentBefore, anchor, tag } = node as Node;
    Object.assign(node as Node, { comment: null, commentBefore: null, anchor: undefined, tag: undefined });
    const out = holder.toString({ ...style, lineWidth: 0, ...options }).replace(/\n$/, '');
    Object.assign(node as Node, { comment, commentBefore, anchor, tag });
    return out;
  };
  const indented = (block: string, by: number) =>
    block
      .split('\n')
      .map((line) => (line === '' ? line : ' '.repeat(by) + line))
      .join(eol);
  /** Inserts whole lines after the line where `offset` is (past a trailing comment). */
  const insertAfterLine = (offset: number, lines: string) => {
    let at = offset;
    if (text[at - 1] !== '\n') {
      const newline = text.indexOf('\n', at);
      at = newline < 0 ? text.length : newline + 1;
    }
    const lead = at === text.length && !text.endsWith('\n') ? eol : '';
    splices.push({ start: at, end: at, text: `${lead}${lines}${eol}` });
  };

  const dirty = (node: unknown): boolean => {
    if (isPair(node)) return edits.replaced.has(node) || dirty(node.key) || dirty(node.value);
    if (!isNode(node)) return node !== null && node !== undefined;
    if (!node.range) return true;
    if (isScalar(node)) return edits.changed.has(node);
    return isCollection(node) && node.items.some(dirty);
  };

  const walk = (node: unknown): void => {
    if (!isNode(node) || !node.range) return;
    if (isScalar(node)) {
      if (!edits.changed.has(node)) return;
      const [start, end] = node.range;
      splices.push({ start, end, text: (start === end ? ' ' : '') + render(node) });
      return;
    }
    if (!isMap(node) && !isSeq(node)) return;
    if (node.flow) {
      if (!dirty(node)) return;
      const padded = node.items.length === 0 || text[node.range[0] + 1] === ' ';
      splices.push({
        start: node.range[0],
        end: node.range[1],
        text: render(node, { flowCollectionPadding: padded }),
      });
      return;
    }
    walkBlock(node);
  };

  const walkBlock = (node: YAMLMap | YAMLSeq): void => {
    const items = node.items as unknown[];
    const isNew = (item: unknown) =>
      isPair(item) ? !(isNode(item.key) && item.key.range) : !isNode(item) || !item.range;
    const first = items.find((item) => !isNew(item));
    if (first === undefined) return;
    const indent = column(isPair(first) ? (first.key as Node).range![0] : node.range![0]);
    let end = node.range![0];
    let pending: unknown[] = [];
    const flush = () => {
      if (pending.length === 0) return;
      const holder = isMap(node) ? new YAMLMap() : new YAMLSeq();
      holder.items = pending as never[];
      insertAfterLine(end, indented(render(holder), indent));
      pending = [];
    };
    for (const item of items) {
      if (isNew(item)) {
        pending.push(item);
        continue;
      }
      flush();
      if (isPair(item)) {
        end = pairEnd(item, edits);
        const old = edits.replaced.get(item);
        walk(item.key); // a renamed key (serviceAccount → serviceAccountName)
        if (old) replaceValue(item, old, indent);
        else walk(item.value);
      } else {
        end = (item as Node).range![1];
        walk(item);
      }
    }
    flush();
  };

  /** A null that became a collection: the collection goes on the lines below its key. */
  const replaceValue = (pair: Pair, [start, end]: readonly number[], keyIndent: number) => {
    let from = start!;
    while (text[from - 1] === ' ') from--;
    const value = pair.value;
    const by = isSeq(value) && !style.indentSeq ? keyIndent : keyIndent + style.indent;
    const body =
      isCollection(value) && !value.flow ? `${eol}${indented(render(value), by)}` : ` ${render(value)}`;
    splices.push({ start: from, end: end!, text: body });
  };

  walk(doc.contents);
  return splices;
}

function pairEnd(pair: Pair, edits: Edits): number {
  const replaced = edits.replaced.get(pair);
  if (replaced) return replaced[1];
  const value = isNode(pair.value) ? pair.value.range : undefined;
  return value ? value[1] : (pair.key as Node).range![1];
}

interface Style {
  indent: number;
  indentSeq: boolean;
}

/** The document's own indentation: the first nested map's step, and whether lists are indented under their key. */
function documentStyle(doc: Document, column: (offset: number) => number): Style {
  let indent: number | undefined;
  let indentSeq: boolean | undefined;
  const visit = (node: unknown): void => {
    if (indent !== undefined && indentSeq !== undefined) return;
    if (isSeq(node)) node.items.forEach(visit);
    if (!isMap(node) || node.flow) return;
    for (const pair of node.items) {
      const key = (pair.key as Node | undefined)?.range;
      const value = pair.value as Node | null;
      if (key && isMap(value) && !value.flow && value.items[0]) {
        const first = (value.items[0].key as Node | undefined)?.range;
        if (first && indent === undefined && column(first[0]) > column(key[0]))
          indent = column(first[0]) - column(key[0]);
      }
      if (key && isSeq(value) && !value.flow && value.range && indentSeq === undefined)
        indentSeq = column(value.range[0]) > column(key[0]);
      visit(value);
    }
  };
  visit(doc.contents);
  return { indent: indent ?? 2, indentSeq: indentSeq ?? true };
}

/** Applies splices made against `text`; at one offset, the one made first ends up first. */
export function applySplices(text: string, splices: readonly Splice[]): string {
  const ordered = splices.map((splice, order) => ({ ...splice, order }));
  ordered.sort((a, b) => b.start - a.start || b.order - a.order);
  let out = text;
  for (const { start, end, text: replacement } of ordered)
    out = out.slice(0, start) + replacement + out.slice(end);
  return out;
}
