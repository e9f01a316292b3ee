/**
 * Findings as JUnit XML, the de-facto test-report schema that Jenkins, GitLab and GitHub test
 * reporters read:
 *
 *   <testsuites name="gantry lint" tests="3" failures="2" errors="0" skipped="0">
 *     <testsuite name="deploy/api.yaml" tests="3" failures="2" errors="0" skipped="0">
 *       <testcase classname="deploy/api.yaml" name="Deployment/api: runs-as-root" file="deploy/api.yaml" line="3">
 *         <failure type="runs-as-root" message="warning: container web: may run as root: …">…why, fix, docs…</failure>
 *       </testcase>
 *       <testcase classname="deploy/api.yaml" name="Service/api" file="deploy/api.yaml" line="40"/>
 *
 * One suite per file; in it, one test case per (object, rule that failed), each with exactly
 * one <failure>, and one passing test case per object without findings. Why not one test case
 * per object with a <failure> per finding: Jenkins' junit plugin reads only the first <failure>
 * of a test case and GitLab shows one failure per test case, so the other findings would vanish
 * from their UIs; a test case per rule also gives each failure its own row, history and name.
 * Findings of one rule on one object (two containers, two env vars) share that test case: its
 * failure lists each. A syntax error is the failure of the file-level test case `yaml-syntax`.
 * Every finding is a failure whatever its severity (the severity starts the message);
 * `--fail-on` decides the exit code, not this report. `classname` is the file, so GitLab
 * shows the path; Jenkins splits a classname at its last dot, showing `deploy/api` › `yaml`.
 *
 * Passing test cases need the objects themselves: pass `linted` (the parsed input). Without
 * it, the report has only the failures (the scope's counts cannot name the clean objects).
 *
 * Pure: returns a string.
 */
import { SYNTAX_RULE } from './input.ts';
import type { LintedObject } from './lint-stream.ts';
import type { Finding, Rule } from './rule.ts';

export interface JunitScope {
  rules: readonly Rule[];
  objects: number;
  files: number;
  /** The objects and files linted, so that clean ones show as passing test cases and suites. */
  linted?: { objects: readonly LintedObject[]; files: readonly string[] };
}

interface TestCase {
  name: string;
  file: string;
  line: number;
  failure?: { type: string; message: string; body: string };
}

export function formatJunit(findings: readonly Finding[], scope: JunitScope): string {
  const byId = new Map(scope.rules.map((rule) => [rule.id, rule]));
  const files = unique([...(scope.linted?.files ?? []), ...findings.map((f) => f.file)]);
  const suites = files.map((file) => ({ file, cases: testCases(file, findings, scope, byId) }));

  const count = (cases: readonly TestCase[]) => ({
    tests: cases.length,
    failures: cases.filter((c) => c.failure).length,
  });
  const all = count(suites.flatMap((s) => s.cases));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'gantry lint', ...totals(all) })}>`,
  ];
  for (const suite of suites) {
    lines.push(`  <testsuite${attributes({ name: suite.file, ...totals(count(suite.cases)) })}>`);
    for (const testCase of suite.cases) lines.push(...testCaseXml(testCase));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** The file's test cases, in line order: a syntax test case first, then each object's. */
function testCases(
  file: string,
  findings: readonly Finding[],
  scope: JunitScope,
  byId: ReadonlyMap<string, Rule>,
): TestCase[] {
  const inFile = findings.filter((f) => f.file === file);
  const cases: TestCase[] = [];

  const fileLevel = inFile.filter((f) => !f.kind);
  for (const rule of unique(fileLevel.map((f) => f.rule))) {
    const own = fileLevel.filter((f) => f.rule === rule);
    const lines = own.map((f) => `line ${f.line}: ${f.message}`);
    const help =
      rule === SYNTAX_RULE ? 'The documents after a syntax error were not linted.' : ruleHelp(byId.get(rule));
    cases.push({
      name: rule,
      file,
      line: own[0]!.line,
      failure: {
        type: rule,
        message: `${own[0]!.severity}: ${lines.join('; ')}`,
        body: [...lines, '', help].join('\n'),
      },
    });
  }

  const objects = new Map<string, { kind: string; name: string; line: number }>();
  for (const linted of scope.linted?.objects ?? []) {
    if (linted.file !== file) continue;
    const object = { kind: linted.kind, name: linted.name, line: linted.line };
    objects.set(objectKey(object), object);
  }
  const objectFindings = inFile.filter((f) => f.kind);
  for (const f of objectFindings) {
    const object = { kind: f.kind!, name: f.name ?? '<unnamed>', line: f.objectLine ?? f.line };
    if (!objects.has(objectKey(object))) objects.set(objectKey(object), object);
  }

  for (const object of [...objects.values()].sort((a, b) => a.line - b.line)) {
    const id = `${object.kind}/${object.name}`;
    const own = objectFindings.filter(
      (f) =>
        objectKey({ kind: f.kind!, name: f.name ?? '<unnamed>', line: f.objectLine ?? f.line }) ===
        objectKey(object),
    );
    if (own.length === 0) {
      cases.push({ name: id, file, line: object.line });
      continue;
    }
    for (const rule of unique(own.map((f) => f.rule)).sort()) {
      const ofRule = own.filter((f) => f.rule === rule);
      const lines = ofRule.map((f) => (f.container ? `container ${f.container}: ${f.message}` : f.message));
      cases.push({
        name: `${id}: ${rule}`,
        file,
        line: object.line,
        failure: {
          type: rule,
          message: `${ofRule[0]!.severity}: ${lines.join('; ')}`,
          body: [
            `${id}${ofRule[0]!.namespace ? ` (namespace ${ofRule[0]!.namespace})` : ''}`,
            ...lines,
            '',
            ruleHelp(byId.get(rule)),
          ].join('\n'),
        },
      });
    }
  }
  return cases;
}

function ruleHelp(rule: Rule | undefined): string {
  if (!rule) return '';
  return [`Why: ${rule.why}`, `Fix:\n${rule.fix}`, `Docs: ${rule.docs}`].join('\n\n');
}

function testCaseXml(testCase: TestCase): string[] {
  const open = `    <testcase${attributes({ classname: testCase.file, name: testCase.name, file: testCase.file, line: testCase.line })}`;
  if (!testCase.failure) return [`${open}/>`];
  const { type, message, body } = testCase.failure;
  return [
    `${open}>`,
    `      <failure${attributes({ type, message })}>${xmlText(body.trimEnd())}</failure>`,
    '    </testcase>',
  ];
}

function totals(count: { tests: number; failures: number }) {
  return { tests: count.tests, failures: count.failures, errors: 0, skipped: 0 };
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([key, value]) => ` ${key}="${xmlAttribute(String(value))}"`)
    .join('');
}

/**
 * Characters XML 1.0 cannot carry at all, not even as `&#n;`: C0 controls other than tab, LF
 * and CR, unpaired surrogates, U+FFFE and U+FFFF. They become visible `\uXXXX` text.
 */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes element text: `&`, `<`, `>` (so `]]>` cannot appear), CR (parsers would turn it into LF). */
export function xmlText(text: string): string {
  return text
    .replace(NOT_XML, (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/** Escapes an attribute value (double-quoted): also quotes, and tab/LF, which parsers would turn into spaces. */
export function xmlAttribute(text: string): string {
  return xmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

function objectKey(object: { kind: string; name: string; line: number }): string {
  return `${object.line}\0${object.kind}\0${object.name}`;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
