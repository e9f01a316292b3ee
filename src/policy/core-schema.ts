/**
 * The YAML 1.2 core schema for js-yaml, resolving plain scalars exactly as the `yaml` package
 * does (same patterns, same conversions), so the fast reader in input.ts reads the same values
 * as the exact one. js-yaml's own schemas keep YAML 1.1 habits (`0b101` a number, `-.5` a
 * string, `_` in numbers) that `yaml` and the 1.2 spec do not.
 */
import { FAILSAFE_SCHEMA, type Schema, Type } from 'js-yaml';

function implicit(tag: string, rules: readonly [RegExp, (text: string) => unknown][]): Type {
  const rule = (data: string | null) => rules.find(([pattern]) => pattern.test(data ?? ''));
  return new Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (data: string | null) => rule(data) !== undefined,
    construct: (data: string | null) => rule(data)![1](data ?? ''),
  });
}

const infinity = (text: string) =>
  text.endsWith('nan') || text.endsWith('NaN') || text.endsWith('NAN')
    ? Number.NaN
    : text.startsWith('-')
      ? Number.NEGATIVE_INFINITY
      : Number.POSITIVE_INFINITY;

export const YAML_CORE_SCHEMA: Schema = FAILSAFE_SCHEMA.extend({
  implicit: [
    implicit('null', [[/^(?:~|[Nn]ull|NULL)?$/, () => null]]),
    implicit('bool', [[/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (text) => text[0] === 't' || text[0] === 'T']]),
    implicit('int', [
      [/^0o[0-7]+$/, (text) => Number.parseInt(text.slice(2), 8)],
      [/^[-+]?[0-9]+$/, (text) => Number.parseInt(text, 10)],
      [/^0x[0-9a-fA-F]+$/, (text) => Number.parseInt(text.slice(2), 16)],
    ]),
    implicit('float', [
      [/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/, infinity],
      [/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, Number.parseFloat],
      [/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, Number.parseFloat],
    ]),
  ],
});
