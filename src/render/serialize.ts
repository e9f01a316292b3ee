/**
 * Rendered objects → YAML, once, at the edge. Strings are quoted the YAML 1.1 way
 * (`"yes"`, `"on"`, `"1.0"`) because Kubernetes parses 1.1 booleans; repeated objects are
 * written out in full, never as anchors; long strings are not folded. No directives are written
 * (`directives: false` also spares `yaml` a walk over each document looking for tags to declare).
 */
import {
  type DocumentOptions,
  type ScalarTag,
  type SchemaOptions,
  stringify,
  type ToStringOptions,
} from 'yaml';
import { stringTag } from 'yaml/util';
import type { K8sObject } from './kubernetes/types.ts';

const OPTIONS = { version: '1.1', aliasDuplicateObjects: false, lineWidth: 0, directives: false } as const;

/** One YAML document (no header). */
export function toYaml(value: unknown): string {
  return yamlWriter()(value);
}

/** A multi-document stream, `---` between objects, in the order given. */
export function toYamlStream(objects: readonly K8sObject[]): string {
  return [...yamlStreamChunks(objects)].join('');
}

/**
 * toYamlStream, given out a piece at a time (documents of about CHUNK characters together), to
 * be written as it is made: a render of thousands of objects is never held as text all at once
 * (and the garbage collector does not copy it around while the rest is written).
 */
export function* yamlStreamChunks(objects: readonly K8sObject[]): Generator<string> {
  const write = yamlWriter();
  let chunk = '';
  for (const [i, object] of objects.entries()) {
    chunk += i === 0 ? write(object) : `---\n${write(object)}`;
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
const CHUNK = 64 * 1024;

/** toYaml for many documents: what it learnt writing one speeds up the next (optionsRemembering). */
export function yamlWriter(): (value: unknown) => string {
  const options = optionsRemembering();
  return (value) => stringify(value, options);
}

/**
 * OPTIONS, with `yaml`'s string tag remembering how it wrote each one-line string. A render
 * writes the same keys and values thousands of times (`name`, `app.kubernetes.io/part-of`, an
 * image), and choosing how to write a string (plain, or quoted because YAML 1.1 would read it
 * as a number, a boolean, a date…: a dozen regular expressions) is a third of stringify's time.
 * What the tag writes for a one-line string depends only on the string, whether it is a key and
 * its indentation: `lineWidth: 0` folds nothing, and the nodes made from plain data carry no
 * comment and no style of their own. Anything else goes to the tag as it is. One memory per
 * call, so a long-running process keeps nothing.
 */
function optionsRemembering(): DocumentOptions & SchemaOptions & ToStringOptions {
  const written = new Map<string, Map<string, string>>();
  const tag: ScalarTag = {
    ...stringTag,
    stringify(item, ctx, onComment, onChompKeep) {
      const { value } = item;
      if (typeof value !== 'string' || value.includes('\n') || ctx.inFlow || item.type || item.comment)
        return stringTag.stringify!(item, ctx, onComment, onChompKeep);
      const place = `${ctx.implicitKey ? 'key' : 'value'}${ctx.indent}`;
      let strings = written.get(place);
      if (!strings) {
        strings = new Map();
        written.set(place, strings);
      }
      let text = strings.get(value);
      if (text === undefined) {
        text = stringTag.stringify!(item, ctx, onComment, onChompKeep);
        strings.set(value, text);
      }
      return text;
    },
  };
  return { ...OPTIONS, customTags: (tags) => tags.map((t) => (t === stringTag ? tag : t)) };
}

/** `<kind-lowercase>-<name>.yaml`; a name used twice for one kind gets its namespace too. */
export function objectFileNames(objects: readonly K8sObject[]): string[] {
  const base = (o: K8sObject) => `${o.kind.toLowerCase()}-${o.metadata.name}`;
  const counts = new Map<string, number>();
  for (const object of objects) counts.set(base(object), (counts.get(base(object)) ?? 0) + 1);
  return objects.map((object) =>
    counts.get(base(object))! > 1 && object.metadata.namespace
      ? `${base(object)}-${object.metadata.namespace}.yaml`
      : `${base(object)}.yaml`,
  );
}

/** One file per object, `banner` (generated.ts) first: file name → text, in the objects' order. */
export function objectFiles(objects: readonly K8sObject[], banner: string): Map<string, string> {
  const names = objectFileNames(objects);
  const write = yamlWriter();
  return new Map(names.map((name, i) => [name, `${banner}${write(objects[i])}`]));
}
