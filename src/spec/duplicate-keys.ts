/**
 * Repeated mapping keys, found in one pass with a set per mapping. The `yaml` package's own
 * check (its `uniqueKeys` option, a boolean or a comparison function) compares each key with
 * every earlier key of its mapping: quadratic, 20 s for an env map of 20,000 entries. This one
 * is linear and finds what that check finds, where it finds it: two scalar keys with the same
 * value (`===`: `1` and `"1"` differ, so does NaN from itself; a collection or alias key never
 * repeats), the error at the repeated key, in every mapping, flow and block, keys included.
 * Parse with `uniqueKeys: false` and add these to the document's errors.
 */
import { type Document, isMap, isPair, isScalar, isSeq } from 'yaml';

export const DUPLICATE_KEY_MESSAGE = 'Map keys must be unique';

/** The source offset of every key that repeats an earlier key of its mapping, in document order. */
export function duplicateKeyOffsets(doc: Document.Parsed): number[] {
  const offsets: number[] = [];
  // A plain walk: the package's visit() builds a frozen path array at every node.
  const walk = (node: unknown): void => {
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const { key } = pair;
        if (isScalar(key) && !Number.isNaN(key.value)) {
          if (seen.has(key.value)) offsets.push(key.range![0]);
          else seen.add(key.value);
        }
        walk(key);
        walk(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(isPair(item) ? item.value : item);
    }
  };
  walk(doc.contents);
  return offsets.sort((a, b) => a - b);
}
