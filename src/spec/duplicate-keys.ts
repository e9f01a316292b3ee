/**
 * Repeated mapping keys, found in one pass with a set per mapping. The `yaml` package's own
 * check (its `uniqueKeys` option, a boolean or a comparison function) compares each key with
 * every earlier key of its mapping: quadratic, 20 s for an env map of 20,000 entries. This one
 * is linear and finds what that check finds, where it finds it: two scalar keys with the same
 * value (`===`: `1` and `"1"` differ, so does NaN from itself; a collection or alias key never
 * repeats), the error at the repeated key, in every mapping, flow and block, keys included.
 * Parse with `uniqueKeys: false` and add these to the document's errors.
 */
import { type Document, isScalar, visit } from 'yaml';

export const DUPLICATE_KEY_MESSAGE = 'Map keys must be unique';

/** The source offset of every key that repeats an earlier key of its mapping, in document order. */
export function duplicateKeyOffsets(doc: Document.Parsed): number[] {
  const offsets: number[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key) || Number.isNaN(key.value)) continue;
        if (seen.has(key.value)) offsets.push(key.range![0]);
        else seen.add(key.value);
      }
    },
  });
  return offsets.sort((a, b) => a - b);
}
