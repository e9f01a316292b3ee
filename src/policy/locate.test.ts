import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseManifests } from './input.ts';
import { locate, locateExactly } from './locate.ts';
import type { FieldPath } from './rule.ts';

const doc = `# a comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web      # not indented under its key
        image: nginx
        securityContext:
          privileged: yes
      -
        name: second
        ports: [{ containerPort: 80 }]
        resources: { limits: { memory: 1Gi } }
`;
const object = parseManifests('d.yaml', doc).objects[0]!.object;
const at = (path: FieldPath) => {
  const { line, column } = locate(doc, [], path, object);
  return `${line}:${column}`;
};

describe('locate', () => {
  it('finds a field by its key, list items by their content', () => {
    assert.equal(at([]), '2:1');
    assert.equal(at(['metadata', 'name']), '5:3');
    assert.equal(at(['spec', 'template', 'spec', 'containers', 0]), '10:9');
    assert.equal(at(['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'privileged']), '13:11');
    assert.equal(at(['spec', 'template', 'spec', 'containers', 1, 'name']), '15:9');
  });

  it('a missing field is placed at the deepest part of its path the object has', () => {
    assert.equal(
      at(['spec', 'template', 'spec', 'containers', 1, 'securityContext', 'runAsNonRoot']),
      '15:9',
    );
    assert.equal(at(['spec', 'replicas']), '6:1');
  });

  it('finds fields inside flow collections written on one line', () => {
    assert.equal(at(['spec', 'template', 'spec', 'containers', 1, 'ports', 0, 'containerPort']), '16:19');
    assert.equal(at(['spec', 'template', 'spec', 'containers', 1, 'resources', 'limits', 'memory']), '17:32');
  });

  it('agrees with the exact reader on flow collections, those the line scan leaves to it included', () => {
    const flow = `kind: DaemonSet
spec:
  volumes:
    - { name: root, hostPath: { path: / } }
    - {name: "quoted", hostPath: {path: '/a, b'}}
    - { name: a, "hostPath": { path: /x } }   # a quoted key
    - [a, [b, c], { d: e }]
    - { name: long,
        hostPath: { path: /next/line } }
    - { name: c, hostPath: &anchor { path: /y } }
    - { a:b: c, hostPath: { path: /z } }
  ports: [{ name: metrics, containerPort: 9100, hostPort: 9100 }, {}, { name: x }]
  labels: {app.kubernetes.io/name: web,	tier: front}
`;
    const located = parseManifests('flow.yaml', flow).objects[0]!;
    for (const path of leafPaths(located.object))
      assert.deepEqual(
        locate(flow, [], path, located.object),
        locateExactly(flow, [], path, located.object),
        path.join('.'),
      );
  });

  it('agrees with the exact reader on every field of every fixture', () => {
    const root = fileURLToPath(new URL('../../test/fixtures/lint', import.meta.url));
    const files = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
      .map((e) => join(e.parentPath, e.name));
    let compared = 0;
    for (const file of files) {
      for (const located of parseManifests(file, readFileSync(file, 'utf8')).objects) {
        const source = located.source;
        if (!source) continue;
        for (const path of leafPaths(located.object)) {
          const fast = locate(source.text, source.base, path, located.object);
          const exact = locateExactly(source.text, source.base, path, located.object);
          assert.deepEqual(fast, exact, `${file}:${located.line} ${path.join('.')}`);
          compared++;
        }
      }
    }
    assert.ok(compared > 500, `${compared}`);
  });
});

/** Every path to a scalar, and a missing key under every map. */
function leafPaths(value: unknown, prefix: (string | number)[] = []): FieldPath[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leafPaths(v, [...prefix, i]));
  if (typeof value === 'object' && value !== null)
    return [
      [...prefix, 'no-such-key'],
      ...Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k])),
    ];
  return [prefix];
}
