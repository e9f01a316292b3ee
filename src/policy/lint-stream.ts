/**
 * `gantry lint` over inputs of any size, document by document. Each document is read, checked by
 * the rules that look at one object, and dropped; what the cross-object rules need is kept as a
 * small view of each object (cross-object-view.ts). Once everything has been read, the
 * cross-object rules run over the views, and the few documents that hold their findings are read
 * again to place them at their fields. Memory grows with the number of objects (their views), not
 * with the size of the input. Pure: sources say how to read their text.
 */
import { crossObjectView } from './cross-object-view.ts';
import { checkObject, sortFindings, toFinding, violationsOf } from './engine.ts';
import { type LocatedObject, readDocuments } from './input.ts';
import type { Finding, Rule, RuleContext } from './rule.ts';

/** One input to lint: a file, stdin, a rendered spec, a Kustomize build. */
export interface Source {
  /** The name findings give. */
  file: string;
  /** Its text. Called again (once) when a cross-object finding is placed in it. */
  read(): string;
}

/** What was linted, without the objects themselves. */
export interface LintedObject {
  file: string;
  line: number;
  kind: string;
  name: string;
}

export interface StreamResult {
  findings: Finding[];
  files: string[];
  objects: LintedObject[];
}

const ALONE: RuleContext = { objects: [] };

/** Lints the sources as one set: cross-object rules see every object of every source. */
export function lintSources(sources: Iterable<Source>, rules: readonly Rule[]): StreamResult {
  const single = rules.filter((rule) => !rule.crossObject);
  const cross = rules.filter((rule) => rule.crossObject);
  const findings: Finding[] = [];
  const files: string[] = [];
  const objects: LintedObject[] = [];
  const views: View[] = [];
  const bySource = new Map<string, Source>();
  for (const source of sources) {
    files.push(source.file);
    bySource.set(source.file, source);
    for (const parsed of readDocuments(source.file, source.read())) {
      for (const finding of parsed.findings) findings.push(finding);
      for (const located of parsed.objects) {
        objects.push(linted(located));
        for (const finding of checkObject(located, single, ALONE)) findings.push(finding);
        if (cross.length > 0) views.push(viewOf(located));
      }
    }
  }
  for (const finding of crossObjectFindings(views, cross, bySource)) findings.push(finding);
  return { findings: sortFindings(findings), files, objects };
}

/**
 * The object's view. Its document's text is dropped when it is a slice of the file (read again
 * for a finding: `source.text` is then empty and `length` says how much to slice).
 */
function viewOf(located: LocatedObject): View {
  const object = crossObjectView(located.object);
  const { source } = located;
  if (source?.offset === undefined) return { ...located, object };
  return { ...located, object, source: { ...source, text: '' }, length: source.text.length };
}

interface View extends LocatedObject {
  length?: number;
}

function crossObjectFindings(
  views: readonly View[],
  rules: readonly Rule[],
  sources: ReadonlyMap<string, Source>,
): Finding[] {
  if (rules.length === 0) return [];
  const context: RuleContext = { objects: views };
  const found = views.flatMap((located) => {
    const violations = violationsOf(located, rules, context);
    return violations.length > 0 ? [{ located, violations }] : [];
  });
  // Read each file with findings again, one at a time, for the text of the documents that hold them.
  const byFile = new Map<string, typeof found>();
  for (const entry of found)
    byFile.set(entry.located.file, [...(byFile.get(entry.located.file) ?? []), entry]);
  const findings: Finding[] = [];
  for (const [file, entries] of byFile) {
    let fileText: string | undefined;
    for (const { located, violations } of entries) {
      let placed: LocatedObject = located;
      const { source, length } = located;
      if (source?.offset !== undefined && length !== undefined) {
        fileText ??= sources.get(file)?.read() ?? '';
        placed = {
          ...located,
          source: { ...source, text: fileText.slice(source.offset, source.offset + length) },
        };
      }
      for (const { rule, violation } of violations) findings.push(toFinding(placed, rule, violation));
    }
  }
  return findings;
}

/** What the reports need to know of a linted object (JUnit lists the clean ones too). */
export function linted(located: LocatedObject): LintedObject {
  const name = (located.object.metadata as { name?: unknown } | undefined)?.name;
  return {
    file: located.file,
    line: located.line,
    kind: located.object.kind,
    name: typeof name === 'string' ? name : '<unnamed>',
  };
}
