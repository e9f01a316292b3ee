/**
 * `gantry controller install`: what it prints is what `gantry lint` asks of any workload (nothing
 * found), reads back as the same objects in YAML and JSON, and its RBAC never names Secrets.
 * (The API server admitting it under Pod Security "restricted" is test/cluster/controller.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { gantrySync as gantry } from '../support/gantry.ts';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
}

describe('gantry controller install', () => {
  const work = mkdtempSync(join(tmpdir(), 'gantry-controller-install-'));
  after(() => rmSync(work, { recursive: true, force: true }));
  const INSTALL = [
    'controller',
    'install',
    '--watch-namespace',
    'shop',
    '--image',
    'ghcr.io/acme/gantry:1.0.0',
  ];
  const yaml = gantry(INSTALL);
  const objects = parseAllDocuments(yaml.stdout).map((d) => d.toJS() as Manifest);

  it('prints the namespace, ServiceAccount, RBAC, Deployment and PDB', () => {
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.deepEqual(
      objects.map((o) => o.kind).sort(),
      [
        'ClusterRole',
        'Deployment',
        'Namespace',
        'PodDisruptionBudget',
        'Role',
        'RoleBinding',
        'RoleBinding',
        'ServiceAccount',
      ].sort(),
    );
  });

  it('passes gantry lint with nothing found', () => {
    const file = join(work, 'controller.yaml');
    writeFileSync(file, yaml.stdout);
    const lint = gantry(['lint', file, '--format', 'json']);
    const report = JSON.parse(lint.stdout) as { findings: { rule: string; message: string }[] };
    assert.deepEqual(
      report.findings.map((f) => `${f.rule}: ${f.message}`),
      [],
    );
    assert.equal(lint.code, 0);
  });

  it('says the same in JSON', () => {
    const json = gantry([...INSTALL, '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { items?: Manifest[] } | Manifest[];
    assert.deepEqual(Array.isArray(parsed) ? parsed : parsed.items, objects);
  });

  it('grants nothing on Secrets, and nothing cluster-wide when it watches named namespaces (its ClusterRole is bound per namespace)', () => {
    const rules = objects.flatMap((o) => o.rules ?? []);
    assert.ok(rules.length > 0);
    for (const rule of rules) {
      assert.ok(!rule.resources.includes('secrets'), JSON.stringify(rule));
      assert.ok(!rule.resources.includes('*') && !rule.verbs.includes('*'), JSON.stringify(rule));
    }
    assert.ok(!objects.some((o) => o.kind === 'ClusterRoleBinding'));
  });
});
