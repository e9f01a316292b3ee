/**
 * Reading a user's data file (a price table, a usage file, the lint config) against a zod schema: the parsed
 * value, or every problem placed at its file, line, column and field with a hint — the same
 * shape `gantry validate` prints. Pure: the caller reads the file and passes its text.
 * JSON is YAML 1.2, so one parser gives positions for both.
 */
import type { z } from 'zod';
import { issueToFindings } from './issues.ts';
import { formatPath, type PathSegment, type Problem, sortProblems } from './problem.ts';
import { parseSource } from './source.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** A problem the caller finds after the schema (a name that must exist, say), placed at its field. */
export type Place = (path: PathSegment[], message: string, hint?: string) => Problem;

export function parseDocument<S extends z.ZodType>(
  schema: S,
  text: string,
  file: string,
  what: string,
  /** Checks after the schema, with a way to place what they find. */
  check?: (value: z.output<S>, place: Place) => Problem[],
): Parsed<z.output<S>> {
  const source = parseSource(text);
  if (source.syntaxErrors.length > 0)
    return {
      ok: false,
      problems: source.syntaxErrors.map((error) => ({
        severity: 'error',
        file,
        line: error.line,
        column: error.column,
        path: '(syntax)',
        message: `${what} is not valid JSON or YAML: ${error.message}`,
        hint: 'check the brackets, commas and quotes around this place',
      })),
    };
  const place: Place = (path, message, hint) => {
    const { position } = source.locate(path);
    return {
      severity: 'error',
      file,
      line: position.line,
      column: position.column,
      path: formatPath(path),
      message,
      ...(hint ? { hint } : {}),
    };
  };
  const tagged = source.tagFindings.map((f) => place(f.path, f.message, f.hint));
  const result = schema.safeParse(source.data ?? {});
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) =>
      issueToFindings(schema, source.data, issue).map((f) => place(f.path, f.message, f.hint)),
    );
    return { ok: false, problems: sortProblems([...tagged, ...problems]) };
  }
  if (tagged.length > 0) return { ok: false, problems: sortProblems(tagged) };
  if (!check) return { ok: true, value: result.data };
  const problems = check(result.data, place);
  return problems.length > 0
    ? { ok: false, problems: sortProblems(problems) }
    : { ok: true, value: result.data };
}
