/** A problem found in a spec: where it is (file, line, column, field path), what is wrong, how to fix it. */
export interface Problem {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  column: number;
  /** The field as written in the file, e.g. `services.api.autoscale.min` or `release.steps[2].weight`. */
  path: string;
  message: string;
  hint?: string;
  /** Set when the problem shows only with this environment's overlay applied. */
  environment?: string;
}

export type PathSegment = string | number;

/** A problem before it is placed in the file: its path is in the data the rule looked at. */
export interface Finding {
  severity?: 'error' | 'warning';
  path: PathSegment[];
  message: string;
  hint?: string;
}

export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text || '(root)';
}

/** File order, errors before warnings at the same place; the same problem seen twice is kept once. */
export function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = `${p.line}:${p.column}:${p.path}:${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort(
      (a, b) =>
        a.line - b.line ||
        a.column - b.column ||
        Number(a.severity === 'warning') - Number(b.severity === 'warning') ||
        a.message.localeCompare(b.message),
    );
}
