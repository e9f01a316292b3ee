/**
 * Findings as SARIF 2.1.0, the format GitHub code scanning (and most code-review tools) read.
 * Checked by the SARIF authors' own validator (`sarif-multitool validate`, see
 * test/integration/lint-sarif.test.ts): no errors, no warnings.
 *
 * One run, without `artifacts` (the validator asks to drop an array that only repeats the
 * results' locations: SARIF2004); `tool.driver.rules` lists every rule (GitHub shows a rule's help even for alerts it
 * closed), plus `yaml-syntax` for files that do not parse. Each result points at the line and
 * column of the offending field (UTF-16 code units, `columnKind`), relative to `%SRCROOT%` (the repository root when the paths given to
 * `gantry lint` are relative to it, as in CI); absolute paths become `file://` URIs, and
 * `<stdin>` becomes the relative URI `%3Cstdin%3E` with no base: it names no file in the
 * repository, and decodes back to the name the text report prints.
 *
 * Pure: returns an object; `formatSarif` serialises it.
 */
import { createHash } from 'node:crypto';
import { SYNTAX_RULE } from './input.ts';
import { jsonPieces } from './report-json.ts';
import type { Finding, Rule, Severity } from './rule.ts';

export interface SarifScope {
  rules: readonly Rule[];
  /** Objects and files linted: recorded in the run's properties. */
  objects: number;
  files: number;
  /** Gantry's version (package.json), as `tool.driver.semanticVersion`. */
  toolVersion: string;
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://gantry.dev/';
export const SRCROOT = '%SRCROOT%';
/** The key of our own `partialFingerprints`: it changes only if the fingerprint's recipe does. */
export const FINGERPRINT = 'gantryFinding/v1';

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };
/** GitHub ranks security alerts by this (0–10: ≥7 high, ≥4 medium, else low). */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', info: '2.0' };

export type SarifLevel = 'error' | 'warning' | 'note';

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: [SarifRun];
}

export interface SarifRun {
  tool: { driver: SarifDriver };
  results: SarifResult[];
  columnKind: 'utf16CodeUnits';
  properties: { objects: number; files: number };
}

export interface SarifDriver {
  name: 'gantry';
  fullName: string;
  informationUri: string;
  semanticVersion: string;
  rules: SarifRule[];
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { category?: string; tags: string[]; 'security-severity'?: string };
}

export interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
  description?: { text: string };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: SarifArtifactLocation;
      region: { startLine: number; startColumn: number };
    };
    logicalLocations?: { name: string; fullyQualifiedName: string; kind: 'object' }[];
  }[];
  partialFingerprints: Record<string, string>;
}

export function toSarif(findings: readonly Finding[], scope: SarifScope): SarifLog {
  const descriptors = [...scope.rules.map(describeRule), describeSyntaxRule()];
  // A finding from a rule this run does not list (one a config turned off, say) still needs a descriptor.
  for (const finding of findings)
    if (!descriptors.some((d) => d.id === finding.rule)) descriptors.push(describeUnknownRule(finding));
  const ruleIndex = new Map(descriptors.map((d, i) => [d.id, i]));

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'gantry',
            fullName: 'gantry lint',
            informationUri: INFORMATION_URI,
            semanticVersion: scope.toolVersion,
            rules: descriptors,
          },
        },
        results: findings.map((finding) => ({
          ruleId: finding.rule,
          ruleIndex: ruleIndex.get(finding.rule)!,
          level: LEVEL[finding.severity],
          message: { text: resultMessage(finding) },
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifactLocation(finding.file),
                region: { startLine: Math.max(1, finding.line), startColumn: Math.max(1, finding.column) },
              },
              ...(finding.kind ? { logicalLocations: [logicalLocation(finding)] } : {}),
            },
          ],
          partialFingerprints: { [FINGERPRINT]: fingerprint(finding) },
        })),
        columnKind: 'utf16CodeUnits',
        properties: { objects: scope.objects, files: scope.files },
      },
    ],
  };
}

export function formatSarif(findings: readonly Finding[], scope: SarifScope): string {
  return `${JSON.stringify(toSarif(findings, scope), null, 2)}\n`;
}

/** `formatSarif`'s text in pieces, results a few at a time. */
export function formatSarifPieces(findings: readonly Finding[], scope: SarifScope): Iterable<string> {
  const log = toSarif(findings, scope);
  return jsonPieces(log, 'results', log.runs[0].results);
}

function describeRule(rule: Rule): SarifRule {
  const fix = ['```yaml', rule.fix, '```'].join('\n');
  const ignore = `Silence it for one object with the annotation \`gantry.dev/ignore: "${rule.id}"\`.`;
  const aliases = aliasText(rule);
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: sentence(rule.title) },
    fullDescription: { text: sentence(rule.why) },
    help: {
      text: [
        sentence(rule.why),
        `How to fix:\n${indent(rule.fix)}`,
        ignore,
        aliases,
        `Documentation: ${rule.docs}`,
      ]
        .filter(Boolean)
        .join('\n\n'),
      markdown: [
        sentence(rule.why),
        `**How to fix**\n\n${fix}`,
        ignore,
        aliases,
        `[Kubernetes documentation](${rule.docs})`,
      ]
        .filter(Boolean)
        .join('\n\n'),
    },
    helpUri: rule.docs,
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      category: rule.category,
      tags: ['kubernetes', rule.category],
      ...(rule.category === 'security' ? { 'security-severity': SECURITY_SEVERITY[rule.severity] } : {}),
    },
  };
}

const YAML_SPEC = 'https://yaml.org/spec/1.2.2/';

function describeSyntaxRule(): SarifRule {
  const why =
    'The file is not valid YAML, so the objects in the broken document were not linted; the other documents and files were.';
  return {
    id: SYNTAX_RULE,
    name: pascalCase(SYNTAX_RULE),
    shortDescription: { text: 'YAML syntax error.' },
    fullDescription: { text: why },
    help: {
      text: `${why}\n\nFix the syntax at the line given; \`kubectl apply\` would reject the file too.\n\nYAML 1.2: ${YAML_SPEC}`,
      markdown: `${why}\n\nFix the syntax at the line given; \`kubectl apply\` would reject the file too.\n\n[YAML 1.2 specification](${YAML_SPEC})`,
    },
    helpUri: YAML_SPEC,
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['kubernetes', 'yaml'] },
  };
}

function describeUnknownRule(finding: Finding): SarifRule {
  const text = `Reported by gantry lint rule ${finding.rule}.`;
  return {
    id: finding.rule,
    name: pascalCase(finding.rule),
    shortDescription: { text },
    fullDescription: { text },
    help: { text, markdown: text },
    helpUri: INFORMATION_URI,
    defaultConfiguration: { level: LEVEL[finding.severity] },
    properties: { tags: ['kubernetes'] },
  };
}

/** "Deployment/api (namespace shop), container web: no readinessProbe." */
export function resultMessage(finding: Finding): string {
  if (!finding.kind) return sentence(finding.message);
  const namespace = finding.namespace ? ` (namespace ${finding.namespace})` : '';
  const container = finding.container ? `, container ${finding.container}` : '';
  return sentence(`${finding.kind}/${finding.name}${namespace}${container}: ${finding.message}`);
}

const STDIN = '<stdin>';

/**
 * A relative path becomes a URI reference under `%SRCROOT%`, each segment percent-encoded
 * (spaces, `#`, `%`, and a `:` that would otherwise read as a scheme); `./` is dropped.
 */
export function artifactLocation(file: string): SarifArtifactLocation {
  if (file === STDIN) return { uri: encodeURIComponent(STDIN), description: { text: 'standard input' } };
  const encode = (path: string) => path.split('/').map(encodeURIComponent).join('/');
  if (file.startsWith('/')) return { uri: `file://${encode(file)}` };
  return { uri: encode(file.replace(/^(\.\/)+/, '')), uriBaseId: SRCROOT };
}

function logicalLocation(finding: Finding) {
  const object = [finding.namespace, finding.kind, finding.name].filter(Boolean).join('/');
  return finding.container
    ? {
        name: finding.container,
        fullyQualifiedName: `${object}/${finding.container}`,
        kind: 'object' as const,
      }
    : { name: finding.name ?? '', fullyQualifiedName: object, kind: 'object' as const };
}

/**
 * Stable across runs and line moves: the rule, file, object identity, container and message,
 * hashed. Two findings differ in at least one of these (the engine reports one per container,
 * and a rule's messages name what differs), so GitHub never merges two alerts into one.
 */
export function fingerprint(finding: Finding): string {
  const key = [
    finding.rule,
    finding.file,
    finding.kind,
    finding.namespace,
    finding.name,
    finding.container,
    finding.message,
  ];
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);
}

/** "runs-as-root" → "RunsAsRoot". */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

/** SARIF asks that messages be sentences: end them with a period. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

function aliasText(rule: Rule): string {
  const tools: [string, readonly string[] | undefined][] = [
    ['kube-score', rule.aliases.kubeScore],
    ['kube-linter', rule.aliases.kubeLinter],
    ['Polaris', rule.aliases.polaris],
    ['Checkov', rule.aliases.checkov],
  ];
  const named = tools
    .filter(([, ids]) => ids && ids.length > 0)
    .map(([tool, ids]) => `${tool} ${ids!.join(', ')}`);
  return named.length > 0 ? `The same check elsewhere: ${named.join('; ')}.` : '';
}
