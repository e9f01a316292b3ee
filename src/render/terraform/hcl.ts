/**
 * A small HCL writer: Terraform bodies as data, printed exactly as `terraform fmt` prints them,
 * so generated files pass `terraform fmt -check` without ever being run through it.
 *
 * The layout rules it follows are hclwrite's (the formatter inside `terraform fmt`):
 * - two spaces per nesting level; one level per line that opens brackets, however many it opens;
 * - the `=` of consecutive one-line attributes is aligned one space past the longest name.
 *   A line whose value opens a bracket it does not close (`tags = {`), a closing bracket, a
 *   blank line, a comment or a block header ends the run, so each run aligns on its own.
 */

/** A Terraform expression written as is: `var.region`, `aws_vpc.this.id`, `count.index`. */
export interface Expr {
  readonly kind: 'expr';
  readonly text: string;
}

/** A function call: `jsonencode({ ... })`, `merge(a, b)`. */
export interface Call {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Value[];
}

/** An object constructor whose keys are expressions or templates (`"${local.issuer}:sub" = …`). */
export interface ObjectValue {
  readonly kind: 'object';
  readonly entries: readonly (readonly [key: string, value: Value])[];
}

export type Value = string | number | boolean | null | Expr | Call | ObjectValue | readonly Value[];

export interface Attribute {
  readonly kind: 'attribute';
  readonly name: string;
  readonly value: Value;
}

export interface Block {
  readonly kind: 'block';
  readonly type: string;
  readonly labels: readonly string[];
  readonly body: Body;
}

export interface Comment {
  readonly kind: 'comment';
  readonly text: string;
}

export interface Blank {
  readonly kind: 'blank';
}

export type Item = Attribute | Block | Comment | Blank;
export type Body = readonly Item[];

export const expr = (text: string): Expr => ({ kind: 'expr', text });
export const call = (name: string, ...args: Value[]): Call => ({ kind: 'call', name, args });
export const attr = (name: string, value: Value): Attribute => ({ kind: 'attribute', name, value });
export const block = (type: string, labels: readonly string[], body: Body): Block => ({
  kind: 'block',
  type,
  labels,
  body,
});
export const comment = (text: string): Comment => ({ kind: 'comment', text });
export const blank: Blank = { kind: 'blank' };

/** An object value from a record (keys in insertion order); undefined entries are left out. */
export function object(record: Readonly<Record<string, Value | undefined>>): ObjectValue {
  return {
    kind: 'object',
    entries: Object.entries(record).filter((e): e is [string, Value] => e[1] !== undefined),
  };
}

/** Attributes from a record, in insertion order; undefined entries are left out. */
export function attrs(record: Readonly<Record<string, Value | undefined>>): Attribute[] {
  return Object.entries(record)
    .filter((e): e is [string, Value] => e[1] !== undefined)
    .map(([name, value]) => attr(name, value));
}

const INDENT = '  ';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A file: top-level items, blocks separated by a blank line, ending with one newline. */
export function printFile(body: Body): string {
  return `${printBody(body, 0).join('\n')}\n`;
}

function printBody(body: Body, depth: number): string[] {
  const pad = INDENT.repeat(depth);
  const lines: string[] = [];
  let run: { name: string; value: string }[] = [];
  const flush = () => {
    const width = Math.max(0, ...run.map((a) => a.name.length));
    for (const a of run) lines.push(`${pad}${a.name.padEnd(width)} = ${a.value}`);
    run = [];
  };
  body.forEach((item, index) => {
    const previous = body[index - 1];
    // A block is set apart by a blank line from what comes before it (unless it opens the body
    // or one is already there), and so is whatever follows a block.
    const afterBlock = previous?.kind === 'block' && item.kind !== 'blank';
    if ((item.kind === 'block' && previous !== undefined && previous.kind !== 'blank') || afterBlock) {
      flush();
      lines.push('');
    }
    if (item.kind === 'attribute') {
      const value = printValue(item.value, depth);
      if (value.includes('\n')) {
        flush();
        lines.push(`${pad}${item.name} = ${value}`);
      } else run.push({ name: item.name, value });
      return;
    }
    flush();
    if (item.kind === 'blank') lines.push('');
    else if (item.kind === 'comment')
      lines.push(...item.text.split('\n').map((line) => `${pad}# ${line}`.trimEnd()));
    else {
      const header = [item.type, ...item.labels.map(quote)].join(' ');
      if (item.body.length === 0) lines.push(`${pad}${header} {}`);
      else lines.push(`${pad}${header} {`, ...printBody(item.body, depth + 1), `${pad}}`);
    }
  });
  flush();
  return lines;
}

/** A value as it appears after `name = ` at `depth`; multi-line values indent their inner lines. */
export function printValue(value: Value, depth: number): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`HCL number must be finite, got ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (isList(value)) return printList(value, depth);
  if (value.kind === 'expr') return value.text;
  if (value.kind === 'call')
    return `${value.name}(${value.args.map((a) => printValue(a, depth)).join(', ')})`;
  return printObject(value, depth);
}

function printList(items: readonly Value[], depth: number): string {
  if (items.length === 0) return '[]';
  const inline = items.map((item) => printValue(item, depth + 1));
  const simple = items.every((item) => item === null || typeof item !== 'object' || isExpr(item));
  const oneLine = `[${inline.join(', ')}]`;
  if (simple && oneLine.length <= 100 && !oneLine.includes('\n')) return oneLine;
  const pad = INDENT.repeat(depth + 1);
  return `[\n${inline.map((item) => `${pad}${item},`).join('\n')}\n${INDENT.repeat(depth)}]`;
}

function printObject(value: ObjectValue, depth: number): string {
  if (value.entries.length === 0) return '{}';
  const body = value.entries.map(([key, v]) => attr(objectKey(key), v));
  return `{\n${printBody(body, depth + 1).join('\n')}\n${INDENT.repeat(depth)}}`;
}

/** Object keys: bare when they are identifiers, else quoted; keys holding `${…}` are templates (`"${x}:sub"`). */
function objectKey(key: string): string {
  if (IDENTIFIER.test(key)) return key;
  if (key.includes('${')) return `"${key}"`;
  return quote(key);
}

/** A quoted HCL string: escapes, and `${` / `%{` doubled so they are not templates. */
export function quote(text: string): string {
  const escaped = text
    .replaceAll('\\', '\\\\')
    .replaceAll('"', '\\"')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t')
    .replaceAll('${', () => '$${') // a function: in a replacement string `$$` means one `$`
    .replaceAll('%{', '%%{');
  return `"${escaped}"`;
}

/** A quoted template: the text is written as is, so `${...}` interpolates. */
export function template(text: string): Expr {
  return expr(`"${text}"`);
}

function isList(value: Value): value is readonly Value[] {
  return Array.isArray(value);
}

function isExpr(value: Value): boolean {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && (value as Expr).kind === 'expr'
  );
}
