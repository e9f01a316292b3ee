/**
 * What a YAML text may hold that js-yaml and the `yaml` package read differently, looked for in
 * the text before either reads it. js-yaml reads about ten times faster; where a text has none of
 * these, both give the same data (the readers' agreement tests and fuzz tests check it), so the
 * fast one may read it: `gantry lint` reads manifests so (policy/input.ts), the spec loader reads
 * gantry.yaml so (spec/source.ts). Whatever is found goes to `yaml`. A false alarm costs only time.
 */

/** None of what the two readers read differently: no anchor, alias, tag, merge key, empty or complex key. */
export function readAlike(text: string): boolean {
  return !hasNodeProperty(text) && !hasEmptyKey(text);
}

/**
 * What the fast reader may read differently, where a node may start (after a space, a flow
 * indicator or `:`): an `&anchor` or `!tag`, and a `<<` merge key anywhere. Aliases need not be
 * looked for: js-yaml refuses an alias without its anchor (the exact reader then reads the
 * document), and an anchor is looked for — so `schedule: "30 2 * * *"` stays on the fast path.
 * A false alarm costs only time.
 */
function hasNodeProperty(text: string): boolean {
  for (const property of ['&', '!'])
    for (let at = text.indexOf(property); at >= 0; at = text.indexOf(property, at + 1))
      if (at === 0 || NODE_START.test(text[at - 1]!)) return true;
  return text.includes('<<');
}
const NODE_START = /[\s[{,:]/;

/**
 * True when a line is an empty key (`: x`, `~: x`, `null: x`) or a complex key (`? x`) after its
 * indentation and `- `s: `^[ \t-]*(~|null|Null|NULL)?[ \t]*[?:](\s|$)`, multi-line, which the
 * fast reader reads differently. Looked for from the few places such a key can start (indexOf),
 * not line by line: skipping every line's indentation costs a fifth of the parse.
 */
function hasEmptyKey(text: string): boolean {
  for (const start of KEY_STARTS)
    for (let at = text.indexOf(start); at >= 0; at = text.indexOf(start, at + 1))
      if (opensLine(text, at) && isEmptyKey(text, at)) return true;
  return false;
}
/**
 * Where an empty or complex key can start. A colon is looked for alone: indexOf(' :') is slow,
 * since a space is everywhere, and most colons are ruled out by the character before them.
 */
const KEY_STARTS = ['?', '~', 'null', 'Null', 'NULL', ':'];

/** True when only spaces, tabs and dashes come before `at` on its line. */
function opensLine(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '-')) i--;
  return i < 0 || text[i] === '\n';
}

/** `(~|null|Null|NULL)?[ \t]*[?:](\s|$)` at `at`. */
function isEmptyKey(text: string, at: number): boolean {
  let i = at;
  const word = NULL_WORDS.find((spelling) => text.startsWith(spelling, i));
  if (word) i += word.length;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] !== '?' && text[i] !== ':') return false;
  return i + 1 >= text.length || WHITESPACE.test(text[i + 1]!);
}
const NULL_WORDS = ['~', 'null', 'Null', 'NULL'];
const WHITESPACE = /\s/;
