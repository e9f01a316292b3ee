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
    findings: findings.map((finding) => {
      const rule = byId.get(finding.rule);
      return { ...finding, ...(rule ? { category: rule.category, docs: rule.docs } : {}) };
    }),
  };
}

export function formatJson(report: JsonReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
