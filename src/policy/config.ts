/**
 * `.gantry-lint.yaml`: per-rule severity or off, paths to leave out, the labels every object
 * must carry. Rule keys may be our ids or another tool's (`run-as-non-root`, `CKV_K8S_20`…),
 * so a team migrating can keep the names it knows. The file is read by config-file.ts; this module is what the linter needs without one.
 *
 *   rules:
 *     runs-as-root: error        # error | warning | info | off
 *     CKV_K8S_43: off            # another tool's id: every rule it maps to
 *   exclude: ["vendor/**", "**\/*.generated.yaml"]   # relative to the config file
 *   requiredLabels: [app.kubernetes.io/name, team]
 */
import type { Rule, Severity } from './rule.ts';
import { missingRecommendedLabel, requiredLabelsRule } from './rules/missing-recommended-label.ts';

export const CONFIG_FILE = '.gantry-lint.yaml';

export type Setting = Severity | 'off';

export interface LintConfig {
  /** Severity or off per canonical rule id. */
  rules: ReadonlyMap<string, Setting>;
  exclude: readonly string[];
  requiredLabels?: readonly string[];
}

export const EMPTY_CONFIG: LintConfig = { rules: new Map(), exclude: [] };

/**
 * The rules as configured: `off` ones left out, optional ones only when given a severity, others
 * at their configured severity, and the required-labels rule checking the configured labels
 * instead of the recommended one.
 */
export function configureRules(rules: readonly Rule[], config: LintConfig): Rule[] {
  const labels = config.requiredLabels;
  return rules.flatMap((given) => {
    const rule = labels && given.id === missingRecommendedLabel.id ? requiredLabelsRule(labels) : given;
    const setting = config.rules.get(rule.id);
    if (setting === 'off' || (setting === undefined && rule.optional)) return [];
    if (setting === undefined || setting === rule.severity) return [rule];
    return [{ ...rule, severity: setting satisfies Severity }];
  });
}
