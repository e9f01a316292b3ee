/**
 * Explicit YAML tags (`!!int "8000"`, `!!str 12`, `!!binary …`, `!custom`) in a spec: a tag
 * may only restate what the value already is. One that changes a value's type makes the file
 * mean one thing to Gantry and another to the next reader (a tag the `yaml` package cannot
 * apply, such as `!!int "abc"`, it silently ignores, while the API server's YAML reader
 * refuses the file), and one that yields a binary, a timestamp or a set has no JSON form.
 * So each is an error at its line, naming the field.
 */
import { isAlias, isMap, isScalar, isSeq, type Node, parse, type Scalar } from 'yaml';
import { describeValue } from './issues.ts';
import type { Finding, PathSegment } from './problem.ts';

const CORE = 'tag:yaml.org,2002:';
/** The JSON kinds a tag may restate, by tag. */
const RESTATING: Record<string, Kind> = {
  [`${CORE}str`]: 'a string',
  [`${CORE}int`]: 'a number',
  [`${CORE}float`]: 'a number',
  [`${CORE}bool`]: 'true or false',
  [`${CORE}null`]: 'null',
  [`${CORE}map`]: 'a mapping',
  [`${CORE}seq`]: 'a list',
};

type Kind = 'a string' | 'a number' | 'true or false' | 'null' | 'a mapping' | 'a list' | 'something else';

function kindOf(value: unknown): Kind {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'true or false';
  if (Array.isArray(value)) return 'a list';
  return 'something else';
}

/** `tag:yaml.org,2002:int` → `!!int`; a local tag stays as written. */
function shortTag(tag: string): string {
  return tag.startsWith(CORE) ? `!!${tag.slice(CORE.length)}` : tag;
}

/** What the scalar is without its tag: quoted text is a string; plain text is read by the core schema. */
function untaggedKind(node: Scalar): Kind {
  if (node.type !== 'PLAIN') return 'a string';
  try {
    return kindOf(parse(String(node.source ?? '')));
  } catch {
    return 'a string';
  }
}

/** The kind a tagged node has in the data, the kind it has without the tag, and how it is written. */
function kinds(node: Node): { tagged: Kind; untagged: Kind; written: string } | undefined {
  if (isScalar(node)) {
    const source = String(node.source ?? '');
    const written = node.type === 'PLAIN' ? source : describeValue(source);
    return { tagged: kindOf(node.value), untagged: untaggedKind(node), written };
  }
  if (isMap(node)) return { tagged: 'a mapping', untagged: 'a mapping', written: 'this mapping' };
  if (isSeq(node)) return { tagged: 'a list', untagged: 'a list', written: 'this list' };
  return undefined;
}

function check(node: Node, path: PathSegment[]): Finding[] {
  if (!node.tag) return [];
  const tag = shortTag(node.tag);
  const found = kinds(node);
  const restates = RESTATING[node.tag];
  if (!found || restates === undefined)
    return [
      {
        path,
        message: `the YAML tag \`${tag}\` is not allowed: a spec holds only strings, numbers, true/false, lists and mappings`,
        hint: 'remove the tag',
      },
    ];
  if (restates === found.tagged && found.tagged === found.untagged) return [];
  return [
    {
      path,
      message: `the YAML tag \`${tag}\` would make ${found.written} ${restates}, but it is written as ${found.untagged}`,
      hint:
        found.untagged === 'a string'
          ? 'remove the tag, and the quotes if the field expects a number or true/false'
          : 'remove the tag; quote the value if the field expects a string',
    },
  ];
}

/** Every explicit tag in the document that does more than restate its value's type. */
export function tagFindings(root: Node | null | undefined, path: PathSegment[] = []): Finding[] {
  if (!root || isAlias(root)) return [];
  const own = check(root, path);
  if (isMap(root))
    return [
      ...own,
      ...root.items.flatMap((pair) => {
        const key = pair.key as Node | null;
        const name: PathSegment = isScalar(key) ? String(key.value) : '?';
        return [
          ...(key && !isScalar(key) ? [] : tagFindings(key, [...path, name])),
          ...tagFindings(pair.value as Node | null, [...path, name]),
        ];
      }),
    ];
  if (isSeq(root))
    return [...own, ...root.items.flatMap((item, i) => tagFindings(item as Node, [...path, i]))];
  return own;
}
