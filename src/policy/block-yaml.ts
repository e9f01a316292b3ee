/**
 * A reader for the YAML that manifests are made of — block mappings and sequences, one-line
 * plain and quoted scalars, literal and folded block scalars — line by line, about twice as fast
 * as js-yaml. It gives the value js-yaml gives with KUBE_JS_YAML_SCHEMA, or `undefined` when the
 * text holds anything else (a flow collection over several lines, a plain scalar continued on the
 * next line, anchors, tags, tabs, an error of any kind): then js-yaml or the exact reader reads it,
 * as before (input.ts). It never guesses: every rule here is js-yaml's own, and block-yaml.test.ts
 * compares the two on every fixture and on generated documents.
 */
import { load } from 'js-yaml';
import { readAlike } from '../spec/read-alike.ts';
import { KUBE_JS_YAML_SCHEMA, resolvePlain } from './kube-yaml.ts';

/** A document's value, or undefined when this reader leaves the text to js-yaml. */
export function readBlockYaml(text: string): unknown {
  // Tabs, CRLF line ends, a BOM and non-printable characters are rare in manifests and each has
  // rules of its own in js-yaml: looked for once in the whole text, which then goes to js-yaml.
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  if (MAYBE_NON_PRINTABLE.test(text) && NON_PRINTABLE.test(text)) return undefined;
  const reader = new BlockReader(text);
  try {
    reader.seek(0);
    if (reader.done) return null;
    if (reader.indent !== 0) return undefined;
    const value = reader.node(reader.start, -1);
    return reader.done ? value : undefined;
  } catch (error) {
    if (error === UNREAD) return undefined;
    throw error;
  }
}

/** js-yaml's: characters it refuses in a scalar (the C0 and C1 controls but tab and line breaks, lone surrogates). */
const NON_PRINTABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

/** The same characters, surrogates paired or not: a simpler pattern, faster to search a whole text with. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const MAYBE_NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Thrown where the text leaves what this reader reads; no stack is taken (a plain object). */
const UNREAD = { unread: true };
function unread(): never {
  throw UNREAD;
}

/** js-yaml nests 100 deep at most; deeper texts are its to refuse. */
const MAX_DEPTH = 90;

const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;

/**
 * Characters a plain scalar cannot start with (js-yaml's readPlainScalar): flow indicators,
 * comment, anchor, alias, tag, block scalar, quotes, directive and reserved ones.
 */
const NOT_PLAIN = new Uint8Array(128);
for (const c of ',[]{}#&*!|>\'"%@`') NOT_PLAIN[c.charCodeAt(0)] = 1;

enum Chomping {
  Clip = 0,
  Strip = 1,
  Keep = 2,
}

class BlockReader {
  readonly text: string;
  /** The current line: where it starts and ends (its `\n` or the text's end), its indentation. */
  start = 0;
  end = 0;
  indent = 0;
  /** No content line is left; `indent` is then −1, below every collection's. */
  done = false;
  depth = 0;

  constructor(text: string) {
    this.text = text;
  }

  /** Moves to the first line at or after `from` with content: not blank, not a comment. */
  seek(from: number): void {
    const text = this.text;
    let at = from;
    while (at < text.length) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      let i = at;
      while (text.charCodeAt(i) === SPACE) i++;
      if (i < end && text.charCodeAt(i) !== HASH) {
        this.start = at;
        this.end = end;
        this.indent = i - at;
        return;
      }
      at = end + 1;
    }
    this.start = this.end = text.length;
    this.indent = -1;
    this.done = true;
  }

  /** The node at `at` on the current line, in a collection indented `parent` (−1 at the top). */
  node(at: number, parent: number): unknown {
    if (this.isEntry(at)) return this.sequence(at);
    const colon = this.keyColon(at);
    if (colon >= 0) return this.mapping(at, colon);
    if (parent < 0) unread(); // a scalar alone in a document
    return this.inline(at, parent);
  }

  /** A `-` that opens a sequence entry: followed by a space or the line's end. */
  isEntry(at: number): boolean {
    return (
      this.text.charCodeAt(at) === DASH && (at + 1 === this.end || this.text.charCodeAt(at + 1) === SPACE)
    );
  }

  /** Where the `: ` (or final `:`) after a key starting at `at` is; −1 when the line holds no key there. */
  keyColon(at: number): number {
    const text = this.text;
    const first = text.charCodeAt(at);
    if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
      let after = this.quotedEnd(at);
      while (text.charCodeAt(after) === SPACE) after++;
      return text.charCodeAt(after) === COLON && this.separates(after + 1) ? after : -1;
    }
    if (!this.startsPlain(at)) return -1;
    const stop = this.plainStop(at);
    return text.charCodeAt(stop) === COLON ? stop : -1;
  }

  /** True when a plain scalar may start at `at` (js-yaml's readPlainScalar): not at an indicator. */
  startsPlain(at: number): boolean {
    const first = this.text.charCodeAt(at);
    if (first < 128 && NOT_PLAIN[first] === 1) return false;
    return !((first === DASH || first === COLON || first === 63) && this.separates(at + 1));
  }

  /** Where the plain scalar at `at` stops: at a `: ` (a key's end), a ` #` comment, or the line's end. */
  plainStop(at: number): number {
    const text = this.text;
    for (let i = at + 1; i < this.end; i++) {
      const c = text.charCodeAt(i);
      if ((c === COLON && this.separates(i + 1)) || (c === HASH && text.charCodeAt(i - 1) === SPACE))
        return i;
    }
    return this.end;
  }

  /** A space or the line's end at `at`: what must follow `:` and `-` to make them indicators. */
  separates(at: number): boolean {
    return at === this.end || this.text.charCodeAt(at) === SPACE;
  }

  mapping(at: number, firstColon: number): Record<string, unknown> {
    const text = this.text;
    const col = at - this.start;
    const map: Record<string, unknown> = {};
    if (++this.depth > MAX_DEPTH) unread();
    let keyAt = at;
    let colon = firstColon;
    for (;;) {
      const key = this.key(keyAt, colon);
      if (Object.hasOwn(map, key)) unread(); // js-yaml refuses duplicate keys
      let value = colon + 1;
      while (text.charCodeAt(value) === SPACE) value++;
      if (value === this.end || text.charCodeAt(value) === HASH) {
        this.seek(this.end + 1);
        map[key] =
          this.indent > col
            ? this.node(this.start + this.indent, col)
            : this.indent === col && this.isEntry(this.start + col)
              ? this.sequence(this.start + col) // a sequence may sit at its key's indentation
              : null;
      } else map[key] = this.inline(value, col);
      if (this.indent < col) break;
      if (this.indent > col) unread(); // a plain scalar continued, or bad indentation
      keyAt = this.start + col;
      colon = this.keyColon(keyAt);
      if (colon < 0) unread();
    }
    this.depth--;
    return map;
  }

  /** The key before `colon`: a plain one must resolve to a string and not be `<<` or `__proto__`. */
  key(at: number, colon: number): string {
    const text = this.text;
    const first = text.charCodeAt(at);
    if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) return this.quoted(at, this.quotedEnd(at));
    let end = colon;
    while (text.charCodeAt(end - 1) === SPACE) end--;
    const key = text.slice(at, end);
    if (key === '<<' || key === '__proto__' || typeof resolvePlain(key) !== 'string') unread();
    return key;
  }

  sequence(at: number): unknown[] {
    const text = this.text;
    const col = at - this.start;
    const list: unknown[] = [];
    if (++this.depth > MAX_DEPTH) unread();
    let entry = at;
    for (;;) {
      let value = entry + 1;
      while (text.charCodeAt(value) === SPACE) value++;
      if (value === this.end || text.charCodeAt(value) === HASH) {
        this.seek(this.end + 1);
        if (this.indent > col) list.push(this.node(this.start + this.indent, col));
        else {
          // After an empty entry js-yaml takes a `-` at any lesser indentation for this sequence's.
          if (this.indent < col && this.isEntry(this.start + this.indent)) unread();
          list.push(null);
        }
      } else list.push(this.node(value, col)); // compact: `- a: 1`, `- - a`, `- a`
      if (this.indent !== col) {
        if (this.indent > col) unread();
        break;
      }
      entry = this.start + col;
      if (!this.isEntry(entry)) break; // a key of the mapping this sequence is a value of
    }
    this.depth--;
    return list;
  }

  /** A scalar or flow collection starting at `at`, the rest of the line; then moves to the next content line. */
  inline(at: number, parent: number): unknown {
    const text = this.text;
    const first = text.charCodeAt(at);
    if (first === 124 || first === 62) return this.blockScalar(at, parent); // | >
    if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
      const end = this.quotedEnd(at);
      const value = this.quoted(at, end);
      this.lineRest(end);
      return value;
    }
    if (first === 91 || first === 123) return this.flow(at); // [ {
    if (!this.startsPlain(at)) unread();
    let end = this.plainStop(at);
    if (text.charCodeAt(end) === COLON) unread(); // `a: b: c`
    while (text.charCodeAt(end - 1) === SPACE) end--;
    const value = resolvePlain(text.slice(at, end));
    this.seek(this.end + 1);
    return value;
  }

  /** After a quoted scalar: nothing but spaces and a comment may follow on its line. */
  lineRest(after: number): void {
    let i = after;
    while (this.text.charCodeAt(i) === SPACE) i++;
    if (i < this.end && (i === after || this.text.charCodeAt(i) !== HASH)) unread();
    this.seek(this.end + 1);
  }

  /** Where the quoted scalar at `at` ends (after its closing quote), on its line, or unread. */
  quotedEnd(at: number): number {
    const text = this.text;
    const quote = text[at]!;
    let i = at + 1;
    for (;;) {
      const close = text.indexOf(quote, i);
      if (close < 0 || close >= this.end) unread(); // continued on the next line
      if (quote === "'") {
        if (text.charCodeAt(close + 1) !== SINGLE_QUOTE) return close + 1;
        i = close + 2; // '' is a quote
      } else {
        let backslashes = 0;
        while (text.charCodeAt(close - 1 - backslashes) === 92) backslashes++;
        if (backslashes % 2 === 0) return close + 1;
        i = close + 1;
      }
    }
  }

  /** The value of the quoted scalar from `at` to `end` (always a string). */
  quoted(at: number, end: number): string {
    const raw = this.text.slice(at + 1, end - 1);
    if (this.text.charCodeAt(at) === SINGLE_QUOTE)
      return raw.includes("''") ? raw.replaceAll("''", "'") : raw;
    if (!raw.includes('\\')) return raw;
    // JSON's escapes are YAML's with the same meaning; YAML's others (\x41, \e, \N…) are js-yaml's to read.
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return unread();
    }
  }

  /** A flow collection on one line, read by js-yaml itself; `[]` and `{}` directly. */
  flow(at: number): unknown {
    const text = this.text;
    const rest = text.slice(at, this.end);
    const opens = text.charCodeAt(at);
    let value: unknown;
    if (rest === '[]') value = [];
    else if (rest === '{}') value = {};
    else {
      // Only spaces and a comment may follow the collection: `{a: 1}: b` is a key, not a value.
      const close = Math.max(rest.lastIndexOf(']'), rest.lastIndexOf('}'));
      const after = rest.slice(close + 1);
      if (!(FLOW_TAIL.test(after) && readAlike(rest))) unread();
      try {
        value = load(rest, { schema: KUBE_JS_YAML_SCHEMA });
      } catch {
        unread();
      }
      const isList = Array.isArray(value);
      if (opens === 91 ? !isList : isList || typeof value !== 'object' || value === null) unread();
    }
    this.seek(this.end + 1);
    return value;
  }

  /**
   * A literal (`|`) or folded (`>`) block scalar whose header is at `at`, as js-yaml's
   * readBlockScalar reads it: its lines are those indented more than `parent`, the indentation
   * taken from the first that has content (or a longer blank line before it).
   */
  blockScalar(at: number, parent: number): string {
    const text = this.text;
    const folding = text.charCodeAt(at) === 62;
    let i = at + 1;
    let chomping = Chomping.Clip;
    const indicator = text.charCodeAt(i);
    if (indicator === 43 || indicator === DASH) {
      chomping = indicator === 43 ? Chomping.Keep : Chomping.Strip;
      i++;
    }
    if (i < this.end) {
      if (text.charCodeAt(i) !== SPACE) unread(); // an indentation indicator, or anything else
      while (text.charCodeAt(i) === SPACE) i++;
      if (i < this.end && text.charCodeAt(i) !== HASH) unread();
    }
    let textIndent = parent + 1;
    let detected = false;
    let emptyLines = 0;
    let didRead = false;
    let moreIndented = false;
    let result = '';
    let line = this.end + 1;
    for (; line < text.length; ) {
      let end = text.indexOf('\n', line);
      if (end < 0) end = text.length;
      let content = line;
      while ((!detected || content - line < textIndent) && text.charCodeAt(content) === SPACE) content++;
      const lineIndent = content - line;
      if (!detected && lineIndent > textIndent) textIndent = lineIndent;
      if (content === end) {
        emptyLines++;
        line = end + 1;
        continue;
      }
      if (lineIndent < textIndent) break;
      if (folding) {
        if (text.charCodeAt(content) === SPACE) {
          moreIndented = true;
          result += '\n'.repeat(didRead ? 1 + emptyLines : emptyLines);
        } else if (moreIndented) {
          moreIndented = false;
          result += '\n'.repeat(emptyLines + 1);
        } else if (emptyLines === 0) {
          if (didRead) result += ' ';
        } else result += '\n'.repeat(emptyLines);
      } else result += '\n'.repeat(didRead ? 1 + emptyLines : emptyLines);
      didRead = true;
      detected = true;
      emptyLines = 0;
      result += text.slice(content, end);
      line = end + 1;
    }
    if (chomping === Chomping.Keep) result += '\n'.repeat(didRead ? 1 + emptyLines : emptyLines);
    else if (chomping === Chomping.Clip && didRead) result += '\n';
    this.seek(line);
    return result;
  }
}

const FLOW_TAIL = /^(?: *| +#.*)$/;
