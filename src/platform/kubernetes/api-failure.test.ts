import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainFailure, kindNotInstalled, plural } from './api-failure.ts';
import { pruneCandidates } from './prune.ts';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop' },
};

describe('explainFailure', () => {
  it('quota exceeded on a 403 is about the quota, not RBAC', () => {
    const error = explainFailure({
      verb: 'apply',
      object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shop' } },
      status: 403,
      reason: 'Forbidden',
      message:
        'services "api" is forbidden: exceeded quota: objects, requested: services=1, used: services=5, limited: services=5',
    });
    assert.match(error.message, /^apply Service shop\/api: the namespace's ResourceQuota is exceeded: /);
    assert.equal(
      error.hint,
      'lower requests/replicas in the spec or raise the quota (kubectl describe resourcequota -n shop)',
    );
  });
  it('a ValidatingAdmissionPolicy denial (422 Invalid, as kube-apiserver answers it) names the policy', () => {
    const error = explainFailure({
      verb: 'apply',
      object: deployment,
      status: 422,
      reason: 'Invalid',
      message:
        "deployments.apps \"api\" is forbidden: ValidatingAdmissionPolicy 'require-team' with binding 'require-team-prod' denied request: every Deployment needs a team label",
    });
    assert.equal(
      error.message,
      "apply Deployment shop/api: denied by an admission policy: deployments.apps \"api\" is forbidden: ValidatingAdmissionPolicy 'require-team' with binding 'require-team-prod' denied request: every Deployment needs a team label",
    );
    assert.equal(
      error.hint,
      'change the spec to satisfy the cluster policy (kubectl get validatingadmissionpolicy require-team -o yaml shows its rules), or ask the cluster admins',
    );
  });
  it('an unreachable server says so', () => {
    const error = explainFailure({
      verb: 'apply',
      object: deployment,
      status: 0,
      message: 'connect ECONNREFUSED 127.0.0.1:6443',
    });
    assert.equal(
      error.message,
      'apply Deployment shop/api: cannot reach the Kubernetes API: connect ECONNREFUSED 127.0.0.1:6443',
    );
  });
  it('a CRD Gantry does not know still gets a hint', () => {
    const error = kindNotInstalled({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    assert.equal(error.message, 'Widget w: the cluster does not serve Widget (example.com/v1)');
  });
  it('plural resource names as RBAC spells them', () => {
    assert.deepEqual(['NetworkPolicy', 'Ingress', 'Deployment', 'HTTPRoute'].map(plural), [
      'networkpolicies',
      'ingresses',
      'deployments',
      'httproutes',
    ]);
  });
});

describe('pruneCandidates', () => {
  const listed = (name: string, labels: Record<string, string>, apiVersion = 'apps/v1') => ({
    apiVersion,
    kind: 'Deployment',
    metadata: { name, namespace: 'shop', labels },
  });
  const ours = { 'app.kubernetes.io/managed-by': 'gantry', 'app.kubernetes.io/part-of': 'shop' };
  it('only objects with both labels for this app that are not rendered now', () => {
    const doomed = pruneCandidates(
      'shop',
      [
        listed('api', ours),
        listed('old', ours),
        listed('other-app', { ...ours, 'app.kubernetes.io/part-of': 'blog' }),
        listed('helm', { ...ours, 'app.kubernetes.io/managed-by': 'Helm' }),
        listed('bare', {}),
      ],
      [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' } }],
    );
    assert.deepEqual(
      doomed.map((o) => o.metadata.name),
      ['old'],
    );
  });
});
