/**
 * YAML text → plain data, with a way back from a field path to its line and column.
 * YAML 1.2 (the `yaml` package): `on`/`yes` stay strings, duplicate keys are errors (found in
 * linear time by duplicate-keys.ts, not by the package's quadratic check).
 */
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  type YAMLMap,
} from 'yaml';
import { DUPLICATE_KEY_MESSAGE, duplicateKeyOffsets } from './duplicate-keys.ts';
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
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const errors = [
    ...doc.errors.map((error) => ({
      offset: error.pos[0],
      message: error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
    })),
    ...duplicateKeyOffsets(doc).map((offset) => ({ offset, message: DUPLICATE_KEY_MESSAGE })),
  ].sort((a, b) => a.offset - b.offset);
  const syntaxErrors = errors.map(({ offset, message }) => ({ ...position(offset), message }));

  let data: unknown = null;
  if (syntaxErrors.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // toJS throws for alias abuse ("billion laughs") and unresolved aliases: user input, not a bug.
      syntaxErrors.push({ line: 1, column: 1, message: (error as Error).message });
    }
  }

  // Each mapping's pairs by key, built when a path first goes through it: locating a problem
  // in a mapping of 20,000 entries must not scan it once per problem.
  const pairsByKey = new WeakMap<YAMLMap, Map<string, Pair>>();
  const pairOf = (map: YAMLMap, key: string): Pair | undefined => {
    let index = pairsByKey.get(map);
    if (!index) {
      index = new Map();
      for (const item of map.items)
        if (isPair(item) && isScalar(item.key) && !index.has(String(item.key.value)))
          index.set(String(item.key.value), item);
      pairsByKey.set(map, index);
    }
    return index.get(key);
  };

  function locate(path: readonly PathSegment[]) {
    let node: unknown = doc.contents;
    // A key's own position reads better than its value's: `autoscale:` rather than the first line under it.
    let at: Position =
      node && (node as Node).range ? position((node as Node).range![0]) : { line: 1, column: 1 };
    let depth = 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = pairOf(node, String(segment));
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
