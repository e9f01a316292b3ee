/**
 * Manifest text → Kubernetes objects, each with the file and line it starts at. Pure: the file
 * walking lives in `input-files.ts`. Multi-document streams, JSON (a subset of YAML 1.2) and
 * `List` kinds (`v1/List`, `ConfigMapList`…) are unpacked into their items. A syntax error is a
 * `yaml-syntax` finding at its line; the other documents of the file are still read.
 */
import { isMap, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import type { Finding } from './rule.ts';

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
}

export interface ParsedInput {
  objects: LocatedObject[];
  findings: Finding[];
}

export const SYNTAX_RULE = 'yaml-syntax';

export function parseManifests(file: string, text: string): ParsedInput {
  const lineCounter = new LineCounter();
  const objects: LocatedObject[] = [];
  const findings: Finding[] = [];
  const lineOf = (node: unknown, fallback: number): number => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : fallback;
  };
  const syntax = (line: number, message: string) =>
    findings.push({ rule: SYNTAX_RULE, severity: 'error', file, line, message });

  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  // An empty stream is not an array of documents, and holds nothing to lint.
  if (!Array.isArray(documents)) return { objects, findings };

  for (const doc of documents) {
    const docLine = lineOf(doc.contents, lineCounter.linePos(doc.range[0]).line);
    if (doc.errors.length > 0) {
      // An error at the end of the text ("missing ]") reads better on the last line that has text.
      const lastText = Math.max(0, text.trimEnd().length - 1);
      for (const error of doc.errors)
        syntax(lineCounter.linePos(Math.min(error.pos[0], lastText)).line, firstLine(error.message));
      continue;
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // Alias abuse ("billion laughs") and unresolved aliases: the input's fault, not ours.
      syntax(docLine, firstLine((error as Error).message));
      continue;
    }
    if (!isObject(data)) continue;
    const items = data.items;
    if (isList(data) && Array.isArray(items)) {
      const itemsNode = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
      items.forEach((item, i) => {
        const node = isSeq(itemsNode) ? itemsNode.items[i] : undefined;
        if (isObject(item)) objects.push({ object: item, file, line: lineOf(node, docLine) });
      });
      continue;
    }
    objects.push({ object: data, file, line: docLine });
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
