/**
 * YAML read as Kubernetes reads it. kubectl and the API server turn YAML into JSON with
 * sigs.k8s.io/yaml, which decodes with its fork of go-yaml v2 (`goyaml.v2/resolve.go`) — YAML
 * 1.1 habits included — so `privileged: yes`, `hostPID: on` and `allowPrivilegeEscalation: n`
 * are booleans to the cluster, `runAsUser: 00` is 0 and `replicas: 0x3` is 3. Both our readers
 * (js-yaml for speed, `yaml` for exact positions and errors) resolve plain scalars through
 * `resolvePlain`, so they read the same values as the cluster; quoted scalars stay strings.
 *
 * go-yaml v2's rules, in order (a plain scalar only; anything else is a string):
 *   - only a first character among `+ - 0-9 . y Y n N t T f F o O ~` (or the empty scalar) is tried;
 *   - a fixed table: y Y yes Yes YES true True TRUE on On ON → true; n N no No NO false False FALSE
 *     off Off OFF → false; "" ~ null Null NULL → null; .nan .inf +.inf -.inf (three casings);
 *   - a first character `.`: Go's ParseFloat (`.5`, `.5e3`);
 *   - a first digit or sign: with every `_` removed, Go's ParseInt with base 0 (`0x1F`, `0o17`,
 *     `017` octal, `0b101`, `+3`), else ParseUint, else the float pattern
 *     `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (so `08` is 8 and `1e3` is 1000); else
 *     a string. (go-yaml first tries timestamps, `2024-01-02`, but keeps them as strings when
 *     decoding into interface{}, and nothing shaped so parses as a number: no step needed here.)
 * Map keys that resolve to a non-string become the string JSON gives them (`yes:` → "true").
 */
import { FAILSAFE_SCHEMA, type Schema, Type } from 'js-yaml';
import type { ScalarTag, SchemaOptions } from 'yaml';

const TABLE: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s) => [s, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map(
    (s) => [s, false] as const,
  ),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, null] as const),
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, Number.NaN] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Number.POSITIVE_INFINITY] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, Number.NEGATIVE_INFINITY] as const),
]);

/** First characters go-yaml v2 tries to resolve at all (`[-+0-9.yYnNtTfFoO~]`), by character code. */
const HINT = new Uint8Array(128);
for (const hint of '-+0123456789.yYnNtTfFoO~') HINT[hint.charCodeAt(0)] = 1;
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Go's ParseFloat for a leading `.` (no hex, no underscores). */
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
const GO_INT = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
// Constants, not literals in the functions: a literal makes a new RegExp each time it is evaluated,
// and these run on every plain scalar.
const SIGN_OR_DIGIT = /[-+0-9]/;

/** A plain scalar's value as Kubernetes reads it. */
export function resolvePlain(text: string): unknown {
  if (text !== '' && HINT[text.charCodeAt(0)] !== 1) return text;
  const fixed = TABLE.get(text);
  if (fixed !== undefined || TABLE.has(text)) return fixed;
  const first = text[0];
  if (first === '.') return DOT_FLOAT.test(text) ? Number.parseFloat(text) : text;
  if (!SIGN_OR_DIGIT.test(first!)) return text;
  if (isDecimal(text)) return Number.parseInt(text, 10); // ports, replicas, 0: the usual numbers
  const plain = text.replaceAll('_', '');
  const int = parseGoInt(plain);
  if (int !== undefined) return int;
  return GO_FLOAT.test(plain) ? Number.parseFloat(plain) : text;
}

/** `0` or `[1-9][0-9]*`, short enough to be exact: what ParseInt reads as the same decimal number. */
function isDecimal(text: string): boolean {
  if (text === '0') return true;
  if (text.length > 15 || text.charCodeAt(0) < 49 || text.charCodeAt(0) > 57) return false;
  for (let i = 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/**
 * Go's strconv.ParseInt(s, 0, 64), falling back to ParseUint: an optional sign, then `0x`, `0o`,
 * `0b` or a leading `0` (octal) prefix, or decimal. Undefined when Go would fail (`018`).
 */
function parseGoInt(text: string): number | undefined {
  const match = GO_INT.exec(text);
  if (!match) return undefined;
  const [, sign, digits] = match as unknown as [string, string, string];
  const prefix = digits.slice(0, 2).toLowerCase();
  const value =
    prefix === '0x'
      ? Number.parseInt(digits.slice(2), 16)
      : prefix === '0o'
        ? Number.parseInt(digits.slice(2), 8)
        : prefix === '0b'
          ? Number.parseInt(digits.slice(2), 2)
          : digits.length > 1 && digits[0] === '0'
            ? Number.parseInt(digits.slice(1), 8)
            : Number.parseInt(digits, 10);
  // Past int64/uint64 Go falls back to a float: the same (rounded) number in JavaScript.
  return sign === '-' ? 0 - value : value;
}

/**
 * For js-yaml: the failsafe schema (maps, lists, strings) plus plain scalars resolved as above.
 * js-yaml asks twice per scalar (does it resolve, then to what): the last answer is kept.
 */
let lastText = '';
let lastValue: unknown = null;
const resolveCached = (text: string): unknown => {
  if (lastText !== text) {
    lastValue = resolvePlain(text);
    lastText = text;
  }
  return lastValue;
};

export const KUBE_JS_YAML_SCHEMA: Schema = FAILSAFE_SCHEMA.extend({
  implicit: [
    new Type('tag:yaml.org,2002:kube', {
      kind: 'scalar',
      resolve: (data: string | null) => typeof resolveCached(data ?? '') !== 'string',
      construct: (data: string | null) => resolveCached(data ?? ''),
    }),
  ],
});

/** For `yaml`: the same resolution as a custom scalar tag over the failsafe schema, `<<` merges on. */
const kubeScalar: ScalarTag = {
  tag: 'tag:yaml.org,2002:kube',
  default: true,
  identify: () => false,
  test: /^(?:[-+0-9.yYnNtTfFoO~].*)?$/s,
  resolve: (text: string) => resolvePlain(text) as never,
};

/** Options for `parseAllDocuments` / `parseDocument`: scalars, merge keys and unique keys as Kubernetes has them. */
export const KUBE_YAML_OPTIONS: SchemaOptions = {
  schema: 'failsafe',
  customTags: [kubeScalar],
  merge: true,
};
