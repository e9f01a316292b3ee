/**
 * Findings as JSON. The shape is stable (fields are only ever added; `version` changes if one
 * is removed or changes meaning):
 *
 * {
 *   "version": 1,
 *   "summary": { "objects": 4, "files": 2, "error": 1, "warning": 2, "info": 0 },
 *   "findings": [
 *     { "rule": "runs-as-root", "severity": "warning", "file": "deploy/api.yaml", "line": 14,
 *       "column": 11, "objectLine": 3,
 *       "field": "spec.template.spec.containers[0].securityContext.runAsNonRoot",
 *       "kind": "Deployment", "name": "api", "namespace": "shop", "container": "web",
 *       "message": "may run as root: …", "category": "security",
 *       "docs": "https://kubernetes.io/docs/…" }
 *   ]
 * }
 *
 * `line` and `column` are the offending field's (or, when the field is missing, its deepest
 * existing parent's); `objectLine` is where the object starts. `objectLine`, `field`, `kind`,
 * `name`, `namespace`, `container`, `category` and `docs` are absent when they do not apply (a
 * `yaml-syntax` finding is about the file, not an object).
 */
import type { Category, Finding, Rule } from './rule.ts';

export interface JsonFinding extends Finding {
  category?: Category;
  docs?: string;
}

export interface JsonReport {
  version: 1;
  summary: { objects: number; files: number; error: number; warning: number; info: number };
  findings: JsonFinding[];
}

export function toJsonReport(
  findings: readonly Finding[],
  options: { rules: readonly Rule[]; objects: number; files: number },
): JsonReport {
  const byId = new Map(options.rules.map((rule) => [rule.id, rule]));
  const count = (severity: Finding['severity']) => findings.filter((f) => f.severity === severity).length;
  return {
    version: 1,
    summary: {
      objects: options.objects,
      files: options.files,
      error: count('error'),
      warning: count('warning'),
      info: count('info'),
    },
    findings: findings.map((finding) => jsonFinding(finding, byId.get(finding.rule))),
  };
}

/**
 * A finding with its rule's category and docs, its keys in the documented order. Built key by key
 * rather than spread: a spread over findings of a dozen shapes is slow, and this is most of the
 * report's cost on a large input.
 */
function jsonFinding(finding: Finding, rule: Rule | undefined): JsonFinding {
  const { objectLine, field, kind, name, namespace, container } = finding;
  const json: JsonFinding = {
    rule: finding.rule,
    severity: finding.severity,
    file: finding.file,
    line: finding.line,
    column: finding.column,
  } as JsonFinding;
  if (objectLine !== undefined) json.objectLine = objectLine;
  if (field !== undefined) json.field = field;
  if (kind !== undefined) json.kind = kind;
  if (name !== undefined) json.name = name;
  if (namespace !== undefined) json.namespace = namespace;
  if (container !== undefined) json.container = container;
  json.message = finding.message;
  if (rule) {
    json.category = rule.category;
    json.docs = rule.docs;
  }
  return json;
}

export function formatJson(report: JsonReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** `formatJson`'s text in pieces, findings a few at a time: a big report is never one string. */
export function formatJsonPieces(report: JsonReport): Iterable<string> {
  return jsonPieces(report, 'findings', report.findings);
}

const PLACEHOLDER = '\u0000items\u0000';

/**
 * `JSON.stringify(value, null, 2)` plus a newline, in pieces: the array under `key` (found
 * anywhere in `value`, once) is written item by item. Byte for byte what the whole would be.
 */
export function* jsonPieces(value: unknown, key: string, items: readonly unknown[]): Generator<string> {
  const skeleton = JSON.stringify(value, (k, v) => (k === key && v === items ? PLACEHOLDER : v), 2);
  const at = skeleton.indexOf(`"${PLACEHOLDER}"`);
  if (at < 0 || items.length === 0) {
    yield `${JSON.stringify(value, null, 2)}\n`;
    return;
  }
  const indent = skeleton.slice(skeleton.lastIndexOf('\n', at) + 1).match(/^ */)![0];
  const inner = `${indent}  `;
  yield `${skeleton.slice(0, at)}[\n`;
  let batch = '';
  for (let i = 0; i < items.length; i++) {
    const comma = i < items.length - 1 ? ',' : '';
    batch += `${inner}${JSON.stringify(items[i], null, 2).replaceAll('\n', `\n${inner}`)}${comma}\n`;
    if (batch.length > 65536) {
      yield batch;
      batch = '';
    }
  }
  yield `${batch}${indent}]${skeleton.slice(at + PLACEHOLDER.length + 2)}\n`;
}
