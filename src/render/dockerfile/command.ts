/**
 * A service's `run` command as an exec-form argv for CMD: the program is PID 1 and gets
 * SIGTERM itself (a shell in between would swallow it and the container would be killed at
 * the end of the grace period). Quotes are honoured as a POSIX shell reads them; a command
 * that needs a shell (pipes, `&&`, `$VAR`, redirections) runs under `sh -c "exec …"` instead.
 */

/** Characters that only mean something to a shell. */
const SHELL_SYNTAX = /[|&;<>$`(){}*?~]/;

export interface ExecForm {
  argv: string[];
  /** True when the command needed a shell (`sh -c`). */
  viaShell: boolean;
}

export function execForm(run: string): ExecForm {
  const words = splitWords(run);
  if (words === undefined || SHELL_SYNTAX.test(stripQuoted(run)))
    return { argv: ['/bin/sh', '-c', `exec ${run}`], viaShell: true };
  return { argv: words, viaShell: false };
}

/** The program a command starts (`node`, `npm`…), by the same rules. */
export function programOf(run: string): string | undefined {
  return splitWords(run)?.[0];
}

/** Splits on unquoted whitespace; '…' keeps everything, "…" honours \" and \\. undefined on an open quote. */
export function splitWords(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word = `${word ?? ''}${c}`;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\'))
        word = `${word ?? ''}${text[++i]}`;
      else word = `${word ?? ''}${c}`;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}

/** The text outside quotes, to look for shell syntax there only. */
function stripQuoted(text: string): string {
  return text.replace(/'[^']*'|"(?:\\.|[^"\\])*"/g, '');
}
