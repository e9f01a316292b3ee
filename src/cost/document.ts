/**
 * Reading a user's data file (a price table, a usage file) against a zod schema: the parsed
 * value, or every problem placed at its file, line, column and field with a hint — the same
 * shape `gantry validate` prints. Pure: the caller reads the file and passes its text.
 * JSON is YAML 1.2, so one parser gives positions for both.
 */
import type { z } from 'zod';
import { issueToFindings } from '../spec/issues.ts';
import { formatPath, type Problem, sortProblems } from '../spec/problem.ts';
import { parseSource } from '../spec/source.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

export function parseDocument<S extends z.ZodType>(
  schema: S,
  text: string,
  file: string,
  what: string,
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
  const result = schema.safeParse(source.data);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.flatMap((issue) =>
    issueToFindings(schema, source.data, issue).map((finding): Problem => {
      const { position } = source.locate(finding.path);
      return {
        severity: 'error',
        file,
        line: position.line,
        column: position.column,
        path: formatPath(finding.path),
        message: finding.message,
        ...(finding.hint ? { hint: finding.hint } : {}),
      };
    }),
  );
  return { ok: false, problems: sortProblems(problems) };
}
