/**
 * Kubernetes label selectors, as the API server and controllers evaluate them. Pure, and
 * defensive: selectors and labels come from arbitrary YAML, so any field may hold the wrong type.
 *
 * Two forms are accepted wherever a selector is taken:
 * - a LabelSelector (`{ matchLabels?, matchExpressions? }`: Deployment, StatefulSet, DaemonSet,
 *   ReplicaSet, Job, PodDisruptionBudget, NetworkPolicy…): every requirement must hold;
 * - a plain map (`{ app: web }`: Service, ReplicationController): every key must equal its value.
 * An object with a `matchLabels` or `matchExpressions` key is read as a LabelSelector.
 *
 * As in apimachinery: a missing selector (undefined / null) selects nothing; an empty one (`{}`)
 * selects everything — callers for which empty means "no selector" (a Service) check that first.
 * An invalid selector (unknown operator, `In` without values, wrong types) selects nothing; the
 * API server would refuse it, and `parseSelector` says why.
 *
 * Requirement semantics (k8s.io/apimachinery/pkg/labels):
 *   key=value            labels[key] === value
 *   In (v1, v2)          key present and labels[key] ∈ {v1, v2}
 *   NotIn (v1, v2)       key absent, or labels[key] ∉ {v1, v2}
 *   Exists               key present
 *   DoesNotExist         key absent
 * Example: `{ matchLabels: { app: web }, matchExpressions: [{ key: tier, operator: NotIn, values: [db] }] }`
 * matches `{ app: web }` and `{ app: web, tier: front }`, not `{ app: web, tier: db }` or `{ app: api }`.
 */
import { isJson } from './workload.ts';

export type Labels = Readonly<Record<string, string>>;

export type Operator = '=' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

/** One requirement of a selector; a matchLabels entry is `{ key, operator: '=', values: [value] }`. */
export interface Requirement {
  key: string;
  operator: Operator;
  values: readonly string[];
}

export type ParsedSelector =
  | { ok: true; requirements: readonly Requirement[] }
  | { ok: false; problems: readonly string[] };

const OPERATORS: readonly Operator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** True when `selector` (LabelSelector or plain map) selects an object with these labels. */
export function selectorMatches(selector: unknown, labels: unknown): boolean {
  if (selector === undefined || selector === null) return false;
  const parsed = parseSelector(selector);
  if (!parsed.ok) return false;
  const own = toLabels(labels);
  return parsed.requirements.every((requirement) => requirementMatches(requirement, own));
}

/**
 * The requirements of a valid selector that these labels fail, in selector order: empty when the
 * selector matches. For messages that say which part does not match. An invalid selector gives [].
 */
export function failingRequirements(selector: unknown, labels: unknown): Requirement[] {
  const parsed = parseSelector(selector);
  if (!parsed.ok) return [];
  const own = toLabels(labels);
  return parsed.requirements.filter((requirement) => !requirementMatches(requirement, own));
}

/** A selector's requirements, or what makes it invalid (field paths relative to the selector). */
export function parseSelector(selector: unknown): ParsedSelector {
  if (!isJson(selector)) return { ok: false, problems: ['is not a map'] };
  if (!('matchLabels' in selector) && !('matchExpressions' in selector)) {
    const { requirements, problems } = fromMap(selector, '');
    return problems.length > 0 ? { ok: false, problems } : { ok: true, requirements };
  }
  const problems: string[] = [];
  const requirements: Requirement[] = [];
  const { matchLabels, matchExpressions } = selector;
  if (isJson(matchLabels)) {
    const map = fromMap(matchLabels, 'matchLabels.');
    requirements.push(...map.requirements);
    problems.push(...map.problems);
  } else if (matchLabels !== undefined && matchLabels !== null) problems.push('matchLabels is not a map');
  if (Array.isArray(matchExpressions)) {
    matchExpressions.forEach((expression, i) => {
      const requirement = fromExpression(expression, `matchExpressions[${i}]`, problems);
      if (requirement) requirements.push(requirement);
    });
  } else if (matchExpressions !== undefined && matchExpressions !== null)
    problems.push('matchExpressions is not a list');
  return problems.length > 0 ? { ok: false, problems } : { ok: true, requirements };
}

/** kubectl's notation: `app=web,tier in (a,b),tier notin (db),canary,!debug`; an empty selector is `(everything)`. */
export function formatSelector(selector: unknown): string {
  if (selector === undefined || selector === null) return '(nothing)';
  const parsed = parseSelector(selector);
  if (!parsed.ok) return '(invalid)';
  if (parsed.requirements.length === 0) return '(everything)';
  return parsed.requirements.map(formatRequirement).join(',');
}

export function formatRequirement({ key, operator, values }: Requirement): string {
  switch (operator) {
    case '=':
      return `${key}=${values[0] ?? ''}`;
    case 'In':
      return `${key} in (${values.join(',')})`;
    case 'NotIn':
      return `${key} notin (${values.join(',')})`;
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
  }
}

/** A labels map as strings: YAML may give `version: 1` or `canary: true`; nested values are dropped. */
export function toLabels(value: unknown): Labels {
  if (!isJson(value)) return {};
  const labels: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value)) {
    const text = scalar(raw);
    if (text !== undefined) labels[key] = text;
  }
  return labels;
}

/** `{ a: b }` → `a=b`, for messages (`app=web,tier=front`; `(none)` when empty). */
export function formatLabels(value: unknown): string {
  const entries = Object.entries(toLabels(value));
  return entries.length === 0 ? '(none)' : entries.map(([k, v]) => `${k}=${v}`).join(',');
}

function requirementMatches({ key, operator, values }: Requirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, key);
  switch (operator) {
    case '=':
    case 'In':
      return has && values.includes(labels[key]!);
    case 'NotIn':
      return !has || !values.includes(labels[key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

function fromMap(map: Record<string, unknown>, prefix: string) {
  const requirements: Requirement[] = [];
  const problems: string[] = [];
  for (const [key, raw] of Object.entries(map)) {
    const value = scalar(raw);
    if (value === undefined) problems.push(`${prefix}${key} is not a string`);
    else requirements.push({ key, operator: '=', values: [value] });
  }
  return { requirements, problems };
}

function fromExpression(expression: unknown, path: string, problems: string[]): Requirement | undefined {
  if (!isJson(expression)) {
    problems.push(`${path} is not a map`);
    return undefined;
  }
  const { key, operator, values } = expression;
  if (typeof key !== 'string' || key === '') {
    problems.push(`${path}.key is missing`);
    return undefined;
  }
  if (!OPERATORS.includes(operator as Operator)) {
    problems.push(`${path}.operator ${String(operator)} is not In, NotIn, Exists or DoesNotExist`);
    return undefined;
  }
  const list = values === undefined || values === null ? [] : values;
  if (!Array.isArray(list)) {
    problems.push(`${path}.values is not a list`);
    return undefined;
  }
  const strings = list.map(scalar);
  if (strings.some((v) => v === undefined)) {
    problems.push(`${path}.values holds a value that is not a string`);
    return undefined;
  }
  const needsValues = operator === 'In' || operator === 'NotIn';
  if (needsValues && strings.length === 0) {
    problems.push(`${path}: ${operator} needs at least one value`);
    return undefined;
  }
  if (!needsValues && strings.length > 0) {
    problems.push(`${path}: ${operator} takes no values`);
    return undefined;
  }
  return { key, operator: operator as Operator, values: strings as string[] };
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return '';
  return undefined;
}
