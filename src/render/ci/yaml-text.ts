/**
 * A pipeline object → YAML text with comments: the generated-file banner and the plan's notes
 * on top, and a note above the jobs it concerns. Serialised once with the `yaml` library (YAML 1.1
 * quoting, so `on` and `yes` stay strings for every parser), never concatenated by hand.
 */
import { Document, isMap, isScalar, visit } from 'yaml';

/** Comment lines to put above a key, by its path from the root (e.g. ['jobs', 'deploy-staging']). */
export interface KeyComment {
  path: readonly string[];
  lines: readonly string[];
}

export function pipelineYaml(
  banner: string,
  header: readonly string[],
  value: unknown,
  comments: readonly KeyComment[],
  /** A scalar value → a comment written after it on its line (`uses: a@sha # v1.2.3`). */
  valueComments: ReadonlyMap<string, string> = new Map(),
): string {
  const doc = new Document(value, { version: '1.1', aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_, node) {
      const comment = typeof node.value === 'string' ? valueComments.get(node.value) : undefined;
      if (comment) node.comment = ` ${comment}`;
    },
  });
  for (const comment of comments) {
    const parent = doc.getIn(comment.path.slice(0, -1), true);
    if (!isMap(parent)) continue;
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === comment.path.at(-1));
    if (pair && isScalar(pair.key))
      pair.key.commentBefore = comment.lines.map((line) => ` ${line}`).join('\n');
  }
  const top = header.map((line) => (line === '' ? '#\n' : `# ${line}\n`)).join('');
  return `${banner}${top}\n${doc.toString({ lineWidth: 0 })}`;
}
