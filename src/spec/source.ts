/**
 * YAML text → plain data, with a way back from a field path to its line and column.
 * YAML 1.2 (the `yaml` package): `on`/`yes` stay strings, duplicate keys are errors (found in
 * linear time by duplicate-keys.ts, not by the package's quadratic check).
 *
 * Two readers, one meaning. Most specs are plain YAML: js-yaml reads those several times faster
 * than the `yaml` Document API (a 500-service spec: a fifth of `gantry render`'s time), with
 * every plain scalar resolved by the `yaml` package's own core-schema tags, so both give the same
 * data. Whatever js-yaml refuses, and whatever the two may read differently (read-alike.ts, and
 * below), is read by the Document API: exact positions and messages for every syntax error, and
 * the duplicate keys and tags it finds. The Document API also reads a plain spec when a problem
 * needs placing, once. source.test.ts and the loader fuzz test check that both agree.
 */
import { FAILSAFE_SCHEMA, load, Type } from 'js-yaml';
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  type ScalarTag,
  Schema,
  type YAMLMap,
} from 'yaml';
import { DUPLICATE_KEY_MESSAGE, duplicateKeyOffsets } from './duplicate-keys.ts';
import type { Finding, PathSegment } from './problem.ts';
import { readAlike } from './read-alike.ts';
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

/** `reader: 'exact'` reads with the Document API alone: the tests compare the two. */
export function parseSource(text: string, reader: 'fast' | 'exact' = 'fast'): Source {
  const data = reader === 'fast' ? readPlain(text) : undefined;
  if (data === undefined) return parseExact(text);
  let exact: Source | undefined;
  const locate = (path: readonly PathSegment[]) => {
    exact ??= parseExact(text);
    return exact.locate(path);
  };
  return { data: data.value, syntaxErrors: [], tagFindings: [], locate };
}

/** The fast reader: the data, or undefined when the text is not one both readers read alike. */
export function readPlain(text: string): { value: unknown } | undefined {
  if (!readAlike(text) || !fastReadable(text)) return undefined;
  try {
    return { value: load(text, { schema: CORE_JS_YAML_SCHEMA }) ?? null };
  } catch {
    return undefined;
  }
}

/**
 * What else the `yaml` package refuses and js-yaml accepts, or reads differently: a directive
 * (`%YAML 1.1` changes the schema), a line over 1,024 characters (an implicit key may be no
 * longer), a comment right after a quote, bracket or comma (`[1]#c`: it wants a space first),
 * and a flow collection over several lines (it wants the lines indented past the block the
 * collection is in; a collection as a key, `[a, b]: c`, is written differently) — looked for as
 * a line whose brackets do not balance, or a closing bracket followed by `:`. One pass, by
 * character code: this looks at every spec whole.
 */
function fastReadable(text: string): boolean {
  let depth = 0;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      if (depth !== 0 || i - lineStart > MAX_KEY) return false;
      lineStart = i + 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (text.charCodeAt(i + 1) === COLON) return false;
    } else if (c === HASH && i > 0 && BEFORE_COMMENT.has(text.charCodeAt(i - 1))) return false;
    else if (c === PERCENT && i === lineStart) return false;
  }
  return depth === 0 && text.length - lineStart <= MAX_KEY;
}
const code = (c: string) => c.charCodeAt(0);
const [NEWLINE, OPEN_BRACE, OPEN_BRACKET, CLOSE_BRACE, CLOSE_BRACKET, COLON, PERCENT, HASH] = [
  ...'\n{[}]:%#',
].map(code);
const BEFORE_COMMENT = new Set([...`}]"',`].map(code));
const MAX_KEY = 1024;

/**
 * For js-yaml: maps, lists and strings, and every plain scalar resolved by the first of the
 * `yaml` package's core-schema tags whose pattern it matches, as that package resolves it
 * (`0o17` is 15, `1_000` and `2024-01-02` stay strings). js-yaml asks twice per scalar (does
 * it resolve, then to what): the last answer is kept.
 */
const CORE_TAGS = new Schema({}).tags.filter(
  (tag): tag is ScalarTag & { test: RegExp } => tag.default === true && tag.test !== undefined,
);
let lastText: string | undefined;
let lastValue: unknown;
function resolveCore(text: string): unknown {
  if (text === lastText) return lastValue;
  const tag = CORE_TAGS.find((t) => t.test.test(text));
  const value = tag ? tag.resolve(text, () => {}, {}) : text;
  lastText = text;
  lastValue = isScalar(value) ? value.value : value;
  return lastValue;
}
const CORE_JS_YAML_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    new Type('tag:yaml.org,2002:core', {
      kind: 'scalar',
      resolve: (data: string | null) => typeof resolveCore(data ?? '') !== 'string',
      construct: (data: string | null) => resolveCore(data ?? ''),
    }),
  ],
});

/** The exact reader: the `yaml` Document API. */
function parseExact(text: string): Source {
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
