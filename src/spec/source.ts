/**
 * YAML text → plain data, with a way back from a field path to its line and column.
 * YAML 1.2 (the `yaml` package): `on`/`yes` stay strings, duplicate keys are errors.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { Finding, PathSegment } from './problem.ts';
import { tagFindings } from './tags.ts';

export interface Position {
  line: number;
  column: number;
}

export interface SyntaxProblem extends Position {
  message: string;
}

export interface Source {
  data: unknown;
  syntaxErrors: SyntaxProblem[];
  /** Explicit tags that change a value's type or have no JSON form (tags.ts); paths into `data`. */
  tagFindings: Finding[];
  /** The position of the deepest written node on `path`, and how much of the path was written. */
  locate(path: readonly PathSegment[]): { position: Position; depth: number };
}

export function parseSource(text: string): Source {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const syntaxErrors = doc.errors.map((error) => ({
    ...position(error.pos[0]),
    message: error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
  }));

  let data: unknown = null;
  if (syntaxErrors.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // toJS throws for alias abuse ("billion laughs") and unresolved aliases: user input, not a bug.
      syntaxErrors.push({ line: 1, column: 1, message: (error as Error).message });
    }
  }

  function locate(path: readonly PathSegment[]) {
    let node: unknown = doc.contents;
    // A key's own position reads better than its value's: `autoscale:` rather than the first line under it.
    let at: Position =
      node && (node as Node).range ? position((node as Node).range![0]) : { line: 1, column: 1 };
    let depth = 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (!pair) break;
        const keyRange = (pair.key as Node).range;
        if (keyRange) at = position(keyRange[0]);
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
        node = node.items[segment];
        const range = (node as Node | null)?.range;
        if (range) at = position(range[0]);
      } else {
        break;
      }
      depth++;
    }
    return { position: at, depth };
  }

  const tags = syntaxErrors.length === 0 ? tagFindings(doc.contents) : [];
  return { data, syntaxErrors, tagFindings: tags, locate };
}
