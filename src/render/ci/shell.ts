/** Shell words for the commands a pipeline runs (POSIX sh, as both GitHub and GitLab runners use). */

/** `word` as one shell word: bare when it is plainly safe, else single-quoted. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line from words; `$VAR` references pass through in double quotes so they expand. */
export function shellLine(words: readonly (string | { variable: string })[]): string {
  return words.map((w) => (typeof w === 'string' ? shellQuote(w) : `"$${w.variable}"`)).join(' ');
}
