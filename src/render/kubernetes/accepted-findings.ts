/**
 * Choices the renderer makes on purpose that `gantry lint` would otherwise report, written
 * into the object as the linter's own ignore annotation with the reason, so the manifest
 * says why (and `gantry lint --spec` stays quiet only where a person would agree).
 */
import { IGNORE_ANNOTATION } from '../../policy/ignore.ts';
import type { K8sObject } from './types.ts';

/** `{ rule: reason }` → the annotation, e.g. `gantry.dev/ignore: "single-replica (…)"`. */
export function acceptedFindings(reasons: Readonly<Record<string, string>>): Record<string, string> {
  // A comma would start a new entry in the annotation: reasons use semicolons.
  const entries = Object.entries(reasons).map(([rule, reason]) => `${rule} (${reason.replaceAll(',', ';')})`);
  return { [IGNORE_ANNOTATION]: entries.join(', ') };
}

/** The object with the annotation added to its metadata. */
export function withAcceptedFindings(
  object: K8sObject,
  reasons: Readonly<Record<string, string>>,
): K8sObject {
  const annotations = { ...object.metadata.annotations, ...acceptedFindings(reasons) };
  return { ...object, metadata: { ...object.metadata, annotations } };
}
