import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { parseManifests } from './input.ts';
import { linted as lintedObject } from './lint-stream.ts';
import { formatJunit, xmlAttribute, xmlText } from './report-junit.ts';
import type { Finding } from './rule.ts';
import { RULES } from './rules/index.ts';

/**
 * Parses XML with python3's expat, a conforming XML 1.0 parser (python3 is on every machine of
 * ours: node-gyp needs it). fast-xml-parser's validator, the usual JS choice, accepts control
 * characters, `<` in attributes and `&#1;`: exactly what these tests must catch.
 */
interface Element {
  tag: string;
  attrib: Record<string, string>;
  text: string;
  children: Element[];
}
const PARSE = `
import json, sys, xml.etree.ElementTree as ET
def walk(e): return {"tag": e.tag, "attrib": e.attrib, "text": e.text or "", "children": [walk(c) for c in e]}
def parse(text):
    try: return walk(ET.fromstring(text.encode("utf-8", "surrogatepass")))
    except ET.ParseError as error: return {"error": str(error)}
print(json.dumps([parse(text) for text in json.load(sys.stdin)]))
`;
/** One python3 process for every document (its start-up is the slow part). */
function parseXmlAll(documents: readonly string[]): (Element | { error: string })[] {
  const run = spawnSync('python3', ['-c', PARSE], {
    input: JSON.stringify(documents),
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

const wordpress = `apiVersion: apps/v1
kind: Deployment
metadata: { name: wordpress, namespace: blog }
spec:
  template:
    spec:
      containers:
        - name: wordpress
          image: wordpress:latest
        - name: sidecar
          image: busybox:latest
---
apiVersion: v1
kind: Service
metadata: { name: wordpress }
spec: { ports: [{ port: 80 }] }
`;

const located = parseManifests('deploy/app.yaml', wordpress).objects;
const findings: Finding[] = [
  {
    rule: 'yaml-syntax',
    severity: 'error',
    file: 'broken.yaml',
    line: 3,
    column: 1,
    message: 'Unexpected ]',
  },
  { rule: 'yaml-syntax', severity: 'error', file: 'broken.yaml', line: 9, column: 1, message: 'Missing ,' },
  ...['wordpress', 'sidecar'].map(
    (container): Finding => ({
      rule: 'image-tag-latest',
      severity: 'warning',
      file: 'deploy/app.yaml',
      line: 1,
      column: 1,
      kind: 'Deployment',
      name: 'wordpress',
      namespace: 'blog',
      container,
      message: `image ${container === 'sidecar' ? 'busybox' : 'wordpress'}:latest uses the :latest tag`,
    }),
  ),
  {
    rule: 'runs-as-root',
    severity: 'warning',
    file: 'deploy/app.yaml',
    line: 1,
    column: 1,
    kind: 'Deployment',
    name: 'wordpress',
    namespace: 'blog',
    container: 'wordpress',
    message: 'may run as root: runAsNonRoot is not true and no runAsUser is set',
  },
];
const scope = { rules: RULES, objects: 2, files: 3 };
const linted = {
  objects: located.map(lintedObject),
  files: ['broken.yaml', 'deploy/app.yaml', 'clean.yaml'],
};

const nasty = `<&"'> ]]> tab\there\r\nnul\u0000 bell\u0007 esc\u001b ok\u00e9 emoji😀 lone\ud800 bad\uffff`;
const nastyFinding: Finding = {
  rule: 'secret-in-env',
  severity: 'error',
  file: 'we<ird>&"file\'.yaml',
  line: 1,
  column: 1,
  kind: 'Pod',
  name: 'p&q',
  message: nasty,
};
const xml = formatJunit(findings, { ...scope, linted });
const DOCUMENTS = {
  full: xml,
  bare: formatJunit(findings, scope),
  clean: formatJunit([], scope),
  nasty: formatJunit([nastyFinding], scope),
  controlCharacter: '<a>\u0001</a>',
  lessThanInAttribute: '<a b="<"/>',
  controlReference: '<a>&#1;</a>',
};
const PARSED = Object.fromEntries(
  parseXmlAll(Object.values(DOCUMENTS)).map((result, i) => [Object.keys(DOCUMENTS)[i], result]),
);
function parsed(name: keyof typeof DOCUMENTS): Element {
  const result = PARSED[name]!;
  if ('error' in result) throw new Error(`not well-formed XML: ${result.error}`);
  return result;
}

describe('formatJunit', () => {
  const root = parsed('full');

  it('is well-formed XML ending with a newline, with totals over all suites', () => {
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites'));
    assert.ok(xml.endsWith('</testsuites>\n'));
    assert.equal(root.tag, 'testsuites');
    assert.deepEqual(root.attrib, {
      name: 'gantry lint',
      tests: '4',
      failures: '3',
      errors: '0',
      skipped: '0',
    });
  });

  it('has one suite per file, clean files included, with their own counts', () => {
    assert.deepEqual(
      root.children.map((suite) => [suite.tag, suite.attrib.name, suite.attrib.tests, suite.attrib.failures]),
      [
        ['testsuite', 'broken.yaml', '1', '1'],
        ['testsuite', 'deploy/app.yaml', '3', '2'],
        ['testsuite', 'clean.yaml', '0', '0'],
      ],
    );
  });

  it('one test case per object and failed rule; a clean object passes', () => {
    const cases = root.children[1]!.children;
    assert.deepEqual(
      cases.map((c) => [c.attrib.classname, c.attrib.name, c.attrib.line, c.children.map((f) => f.tag)]),
      [
        ['deploy/app.yaml', 'Deployment/wordpress: image-tag-latest', '1', ['failure']],
        ['deploy/app.yaml', 'Deployment/wordpress: runs-as-root', '1', ['failure']],
        ['deploy/app.yaml', 'Service/wordpress', '13', []],
      ],
    );
  });

  it('a failure: type is the rule, the message has severity and each container, the text why/fix/docs', () => {
    const failure = root.children[1]!.children[0]!.children[0]!;
    assert.equal(failure.attrib.type, 'image-tag-latest');
    assert.equal(
      failure.attrib.message,
      'warning: container wordpress: image wordpress:latest uses the :latest tag; container sidecar: image busybox:latest uses the :latest tag',
    );
    const rule = RULES.find((r) => r.id === 'image-tag-latest')!;
    assert.equal(
      failure.text,
      [
        'Deployment/wordpress (namespace blog)',
        'container wordpress: image wordpress:latest uses the :latest tag',
        'container sidecar: image busybox:latest uses the :latest tag',
        '',
        `Why: ${rule.why}`,
        '',
        `Fix:\n${rule.fix}`,
        '',
        `Docs: ${rule.docs}`,
      ].join('\n'),
    );
  });

  it('syntax errors fail the file-level yaml-syntax test case, every line listed', () => {
    const [testCase] = root.children[0]!.children;
    assert.equal(testCase!.attrib.name, 'yaml-syntax');
    assert.equal(testCase!.attrib.classname, 'broken.yaml');
    const failure = testCase!.children[0]!;
    assert.equal(failure.attrib.type, 'yaml-syntax');
    assert.equal(failure.attrib.message, 'error: line 3: Unexpected ]; line 9: Missing ,');
    assert.match(failure.text, /^line 3: Unexpected ]\nline 9: Missing ,\n\n/);
  });

  it('without the linted objects, lists only the failures', () => {
    const bare = parsed('bare');
    assert.deepEqual(bare.attrib, {
      name: 'gantry lint',
      tests: '3',
      failures: '3',
      errors: '0',
      skipped: '0',
    });
    assert.deepEqual(
      bare.children.map((s) => s.attrib.name),
      ['broken.yaml', 'deploy/app.yaml'],
    );
  });

  it('a clean run is an empty, valid report', () => {
    const clean = parsed('clean');
    assert.deepEqual(clean.attrib, {
      name: 'gantry lint',
      tests: '0',
      failures: '0',
      errors: '0',
      skipped: '0',
    });
  });
});

describe('XML escaping', () => {
  // What a conforming parser must give back: all of it, except what XML cannot carry.
  const expected = `<&"'> ]]> tab\there\r\nnul\\u0000 bell\\u0007 esc\\u001B ok\u00e9 emoji😀 lone\\uD800 bad\\uFFFF`;

  it('escapes markup in text and attributes; what XML cannot carry becomes visible \\uXXXX', () => {
    assert.equal(xmlText('a < b && c > d'), 'a &lt; b &amp;&amp; c &gt; d');
    assert.equal(xmlAttribute(`say "hi" & 'bye'`), 'say &quot;hi&quot; &amp; &apos;bye&apos;');
    assert.equal(xmlText('\u0001'), '\\u0001');
  });

  it('round-trips through a conforming parser, in a message attribute and in failure text', () => {
    const finding = nastyFinding;
    const root = parsed('nasty');
    const suite = root.children[0]!;
    assert.equal(suite.attrib.name, finding.file);
    const testCase = suite.children[0]!;
    assert.equal(testCase.attrib.name, 'Pod/p&q: secret-in-env');
    const failure = testCase.children[0]!;
    assert.equal(failure.attrib.message, `error: ${expected}`);
    assert.equal(failure.text.split('\n\n')[0], `Pod/p&q\n${expected}`);
  });

  it('the parser used here does reject what is not XML', () => {
    assert.throws(() => parsed('controlCharacter'), /not well-formed/);
    assert.throws(() => parsed('lessThanInAttribute'), /not well-formed/);
    assert.throws(() => parsed('controlReference'), /not well-formed/);
  });
});
