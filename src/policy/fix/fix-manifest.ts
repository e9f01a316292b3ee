/**
 * `gantry lint --fix` as a pure function: manifest text and the findings the engine reported for
 * it in → fixed text and what changed out. Fixes exactly the findings given (already filtered by
 * ignore annotations and configuration), for the rules in FIXER_RULES; other findings are left.
 * Only safe fixes unless `unsafe` (risks.ts): a finding whose fix may break its workload is listed
 * with why, and applied only under `--fix=unsafe`.
 *
 * YAML is edited in place (see write.ts): what no fix touched stays byte for byte, in every
 * document. JSON files are fixed too and re-emitted as JSON (JSON.stringify, the file's own
 * indentation, key order kept): a JSON file has no comments to lose, only its whitespace.
 */
import { type Document, isMap, isSeq, LineCounter, type Node, parseAllDocuments, type YAMLMap } from 'yaml';
import { KUBE_YAML_OPTIONS } from '../kube-yaml.ts';
import type { Finding } from '../rule.ts';
import { capabilitiesNotDroppedFixer } from './capabilities-not-dropped.ts';
import { deprecatedApiVersionFixer } from './deprecated-api-version.ts';
import { deprecatedServiceAccountFieldFixer } from './deprecated-service-account-field.ts';
import type { Fixer } from './fixer.ts';
import { imagePullPolicyFixer } from './image-pull-policy-not-always.ts';
import { noSeccompProfileFixer } from './no-seccomp-profile.ts';
import { privilegeEscalationFixer } from './privilege-escalation-allowed.ts';
import { readOnlyRootFilesystemFixer } from './read-only-root-filesystem.ts';
import { FIX_RISKS } from './risks.ts';
import { runsAsRootFixer } from './runs-as-root.ts';
import { serviceAccountTokenFixer } from './service-account-token-mounted.ts';
import { Edits, type Target } from './tree.ts';
import { applySplices, documentSplices } from './write.ts';

const FIXERS: ReadonlyMap<string, Fixer> = new Map(
  [
    privilegeEscalationFixer,
    runsAsRootFixer,
    readOnlyRootFilesystemFixer,
    capabilitiesNotDroppedFixer,
    noSeccompProfileFixer,
    serviceAccountTokenFixer,
    imagePullPolicyFixer,
    deprecatedApiVersionFixer,
    deprecatedServiceAccountFieldFixer,
  ].map((fixer) => [fixer.rule, fixer]),
);

/** The rules the fixers cover; risks.ts lists the same ids for callers that do not fix. */
export const FIXER_RULES: ReadonlySet<string> = new Set(FIXERS.keys());

/** Which object, as the findings name it: `line` is the object's line in the text given. */
interface Located {
  line: number;
  kind: string;
  name: string;
  container?: string;
  rule: string;
}

/** One edit: "set securityContext.allowPrivilegeEscalation: false". No `container` when it is pod-level. */
export interface FixChange extends Located {
  description: string;
}

/** A finding of a fixable rule that was left alone, and why (an explicit `runAsUser: 0`, say). */
export interface FixSkip extends Located {
  reason: string;
}

export interface FixResult {
  /** The fixed text; the very text given when nothing changed. */
  text: string;
  changes: FixChange[];
  skipped: FixSkip[];
  /** Findings whose fix may break the workload, not applied without `unsafe`: the reason is the risk. */
  unsafe: FixSkip[];
}

export interface FixOptions {
  /** Apply the fixes that may break a workload too (`--fix=unsafe`). */
  unsafe?: boolean;
  /** Why a finding's fix may break its workload (risks.ts fixRisk); the rule's risk when absent. */
  risk?: (finding: Finding) => string | undefined;
}

export function fixManifest(text: string, findings: readonly Finding[], options: FixOptions = {}): FixResult {
  const changes: FixChange[] = [];
  const skipped: FixSkip[] = [];
  const unsafe: FixSkip[] = [];
  const risk = options.risk ?? ((finding: Finding) => FIX_RISKS[finding.rule]);
  const fixable = findings.filter((f) => {
    if (!FIXERS.has(f.rule) || f.kind === undefined) return false;
    const why = options.unsafe ? undefined : risk(f);
    if (why === undefined) return true;
    const where = { line: f.objectLine ?? f.line, kind: f.kind, name: f.name ?? '<unnamed>', rule: f.rule };
    if (!unsafe.some((u) => u.line === where.line && u.rule === f.rule && u.container === f.container))
      unsafe.push({
        ...where,
        ...(f.container === undefined ? {} : { container: f.container }),
        reason: why,
      });
    return false;
  });
  if (fixable.length === 0) return { text, changes, skipped, unsafe };

  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { ...KUBE_YAML_OPTIONS, lineCounter, prettyErrors: false });
  if (!Array.isArray(documents)) return { text, changes, skipped, unsafe };
  const objects = locate(documents, lineCounter);
  const changed = new Set<Target>();

  for (const finding of fixable) {
    const line = finding.objectLine ?? finding.line;
    const where = {
      line,
      kind: finding.kind!,
      name: finding.name ?? '<unnamed>',
      rule: finding.rule,
    };
    const target = objects.get(line);
    if (!target || target.node.get('kind') !== finding.kind) {
      skipped.push({
        ...where,
        reason: `no ${finding.kind} starts at line ${line}; lint the file again`,
      });
      continue;
    }
    for (const outcome of FIXERS.get(finding.rule)!.fix(target, finding)) {
      const container = outcome.container === undefined ? {} : { container: outcome.container };
      if ('change' in outcome) {
        changes.push({ ...where, ...container, description: outcome.change });
        changed.add(target);
      } else if (
        // A pod-level reason comes once per container finding: say it once.
        !skipped.some(
          (s) =>
            s.line === where.line &&
            s.rule === where.rule &&
            s.container === outcome.container &&
            s.reason === outcome.skip,
        )
      ) {
        skipped.push({ ...where, ...container, reason: outcome.skip });
      }
    }
  }
  if (changed.size === 0) return { text, changes, skipped, unsafe };
  return { text: write(text, lineCounter, changed), changes, skipped, unsafe };
}

function write(text: string, lineCounter: LineCounter, changed: ReadonlySet<Target>): string {
  const [first] = changed;
  if (isJsonText(text) && first) {
    const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '';
    return JSON.stringify(first.doc.toJS(), null, indent) + (text.endsWith('\n') ? '\n' : '');
  }
  const documents = new Map<Document, Edits>([...changed].map((t) => [t.doc, t.edits]));
  const splices = [...documents].flatMap(([doc, edits]) => documentSplices(text, lineCounter, doc, edits));
  return applySplices(text, splices);
}

function isJsonText(text: string): boolean {
  if (!/^\s*[{[]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every object by the line `input.ts` gives it: a document's line is its first key's, a List
 * item's its own. Documents with syntax errors hold no objects (the linter reported them).
 */
function locate(documents: readonly Document.Parsed[], lineCounter: LineCounter): Map<number, Target> {
  const objects = new Map<number, Target>();
  const lineOf = (node: Node) => lineCounter.linePos(node.range![0]).line;
  for (const doc of documents) {
    const contents = doc.contents;
    if (doc.errors.length > 0 || !isMap(contents) || !contents.range) continue;
    const kind: unknown = contents.get('kind');
    if (typeof kind !== 'string') continue;
    const edits = new Edits();
    const add = (node: YAMLMap) => objects.set(lineOf(node), { doc, node, edits });
    const items = contents.get('items', true);
    if ((kind === 'List' || kind.endsWith('List')) && isSeq(items)) {
      for (const item of items.items)
        if (isMap(item) && item.range && typeof item.get('kind') === 'string') add(item);
      continue;
    }
    add(contents);
  }
  return objects;
}
