/**
 * `gantry lint` reads manifests as the cluster will have them: YAML 1.1 booleans as kubectl reads
 * them, replicas from the HPA that owns them, requests defaulted from limits, pods an operator
 * makes from its custom resource; and another tool's ignore annotation silences only its own check.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gantrySync as gantry } from '../support/gantry.ts';

interface JsonFinding {
  rule: string;
  line: number;
  column: number;
  name: string;
  message: string;
}

describe('gantry lint reads what Kubernetes reads', () => {
  const run = gantry(['lint', 'test/fixtures/lint/reading/kubernetes-reads.yaml', '--format', 'json']);
  const findings = (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings;
  const of = (name: string, rule: string) =>
    findings
      .filter((f) => f.name === name && f.rule === rule)
      .map((f) => `${f.line}:${f.column} ${f.message}`);

  it('yes, on and no are booleans (as sigs.k8s.io/yaml reads them): a privileged pod on the host network', () => {
    assert.deepEqual(of('yaml11', 'host-namespaces'), [
      "13:7 hostNetwork: true shares the node's network with the pod",
      "14:7 hostPID: true shares the node's processes with the pod",
    ]);
    assert.deepEqual(of('yaml11', 'privileged-container'), [
      '19:13 runs privileged (securityContext.privileged: true)',
    ]);
    assert.deepEqual(
      of('yaml11', 'privilege-escalation-allowed'),
      [],
      'allowPrivilegeEscalation: no is false',
    );
  });

  it('an autoscaled Deployment is judged at its HPA minReplicas; limits stand in for requests; a *_SECRET_NAME names a Secret', () => {
    assert.deepEqual(of('scaled', 'full-outage-rollout'), []);
    assert.deepEqual(of('scaled', 'missing-resources'), []);
    assert.deepEqual(of('scaled', 'secret-in-env'), []);
    assert.deepEqual(of('scaled', 'missing-pdb'), [
      '33:17 an HPA keeps at least 3 replicas and no PodDisruptionBudget selects its pods (app=scaled)',
    ]);
  });

  it("other tools' annotations silence exactly the check they name", () => {
    // Polaris' hostNetworkSet exemption: hostPID is still reported.
    assert.deepEqual(of('exempt', 'host-namespaces'), [
      "70:7 hostPID: true shares the node's processes with the pod",
    ]);
    // Checkov's CKV_K8S_10 (CPU requests): the memory request and limit are still missing.
    assert.deepEqual(
      of('exempt', 'missing-resources').map((f) => f.replace(/^\S+ /, '')),
      ['no memory request', 'no memory limit'],
    );
    // kube-linter's docker-sock: the socket is accepted, a / mount is not.
    assert.deepEqual(of('exempt', 'host-path-mount'), ['78:23 volume root mounts hostPath /']);
  });

  it('a Service selecting the pods of a Prometheus custom resource is not dangling', () => {
    assert.deepEqual(of('prometheus-k8s', 'dangling-service'), []);
  });
});
