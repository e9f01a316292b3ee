import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readIgnores, silences } from './ignore.ts';
import type { Rule } from './rule.ts';

const rule = (id: string, aliases: Rule['aliases']): Rule => ({
  id,
  severity: 'warning',
  category: 'security',
  title: id,
  why: 'why',
  fix: 'a: b',
  docs: 'https://kubernetes.io/docs/',
  aliases,
  check: () => [],
});

const RULES: readonly Rule[] = [
  rule('runs-as-root', {
    kubeScore: ['container-security-context-user-group-id'],
    kubeLinter: ['run-as-non-root'],
    polaris: ['runAsRootAllowed'],
    checkov: ['CKV_K8S_23'],
  }),
  rule('missing-liveness-probe', { kubeScore: ['pod-probes'], polaris: ['livenessProbeMissing'] }),
  rule('missing-readiness-probe', { kubeScore: ['pod-probes'], checkov: ['CKV_K8S_9'] }),
];

const annotated = (annotations: Record<string, unknown>) => ({
  kind: 'Deployment',
  metadata: { annotations },
});
/** Our ids named, and the rules whose own aliases the annotations name. */
const ignoredRules = (object: unknown, rules: readonly Rule[]) => {
  const ignores = readIgnores(object);
  if (!ignores) return new Set<string>();
  return new Set([...ignores.rules, ...rules.filter((r) => silences(ignores, r, {})).map((r) => r.id)]);
};
const ignored = (annotations: Record<string, unknown>) =>
  [...ignoredRules(annotated(annotations), RULES)].sort();

describe('ignoredRules', () => {
  it('gantry.dev/ignore: ids, reasons and junk', () => {
    assert.deepEqual(ignored({ 'gantry.dev/ignore': 'a-b,c  (legacy), ,d' }), ['a-b', 'c', 'd']);
    assert.deepEqual(ignored({ 'gantry.dev/ignore': 3 }), []);
    assert.deepEqual([...ignoredRules({ metadata: 'x' }, RULES)], []);
    assert.deepEqual([...ignoredRules(null, RULES)], []);
  });

  it('kube-score/ignore maps each check to every rule aliased to it', () => {
    assert.deepEqual(
      ignored({ 'kube-score/ignore': 'pod-probes, container-security-context-user-group-id' }),
      ['missing-liveness-probe', 'missing-readiness-probe', 'runs-as-root'],
    );
    assert.deepEqual(ignored({ 'kube-score/ignore': 'no-such-check' }), []);
    const all = ['missing-liveness-probe', 'missing-readiness-probe', 'runs-as-root'];
    assert.deepEqual(ignored({ 'kube-score/ignore': 'pod-probes, *' }), all);
    assert.deepEqual(ignored({ 'kube-score/skip': 'true' }), all);
    assert.deepEqual(ignored({ 'kube-score/skip': 'false' }), []);
  });

  it('ignore-check.kube-linter.io/<check>', () => {
    assert.deepEqual(ignored({ 'ignore-check.kube-linter.io/run-as-non-root': 'legacy image' }), [
      'runs-as-root',
    ]);
    assert.deepEqual(ignored({ 'ignore-check.kube-linter.io/latest-tag': '' }), []);
    assert.equal(ignored({ 'kube-linter.io/ignore-all': '' }).length, 3);
  });

  it('polaris.fairwinds.com/<check>-exempt and the whole-object exempt, only when "true"', () => {
    assert.deepEqual(ignored({ 'polaris.fairwinds.com/runAsRootAllowed-exempt': 'true' }), ['runs-as-root']);
    assert.deepEqual(ignored({ 'polaris.fairwinds.com/runAsRootAllowed-exempt': 'false' }), []);
    assert.deepEqual(ignored({ 'polaris.fairwinds.com/exempt': 'true' }), [
      'missing-liveness-probe',
      'missing-readiness-probe',
      'runs-as-root',
    ]);
  });

  it('checkov.io/skipN: CKV_K8S_n=reason', () => {
    assert.deepEqual(
      ignored({ 'checkov.io/skip1': 'CKV_K8S_23=runs as root on purpose', 'checkov.io/skip2': 'CKV_K8S_9' }),
      ['missing-readiness-probe', 'runs-as-root'],
    );
    assert.deepEqual(ignored({ 'checkov.io/skip': ' CKV_K8S_23 = reason with = sign' }), ['runs-as-root']);
    assert.deepEqual(ignored({ 'bridgecrew.io/skip3': 'CKV_K8S_9' }), ['missing-readiness-probe']);
    assert.deepEqual(ignored({ 'checkov.io/skip1': 'nonsense' }), []);
  });

  it('reads ours and kube-score’s on the pod template of workloads and CronJobs, not the others’', () => {
    const deployment = {
      kind: 'Deployment',
      spec: { template: { metadata: { annotations: { 'gantry.dev/ignore': 'runs-as-root' } } } },
    };
    const cronJob = {
      kind: 'CronJob',
      spec: {
        jobTemplate: {
          spec: { template: { metadata: { annotations: { 'kube-score/ignore': 'pod-probes' } } } },
        },
      },
    };
    assert.deepEqual([...ignoredRules(deployment, RULES)], ['runs-as-root']);
    assert.deepEqual([...ignoredRules(cronJob, RULES)].sort(), [
      'missing-liveness-probe',
      'missing-readiness-probe',
    ]);
    const polarisOnTemplate = {
      kind: 'Deployment',
      spec: { template: { metadata: { annotations: { 'polaris.fairwinds.com/exempt': 'true' } } } },
    };
    assert.deepEqual([...ignoredRules(polarisOnTemplate, RULES)], []);
  });

  it('silences exactly the check another tool names: a finding narrower than its rule carries its own aliases', () => {
    const hostNamespaces = rule('host-namespaces', { polaris: ['hostNetworkSet', 'hostPIDSet'] });
    const hostPid = { aliases: { polaris: ['hostPIDSet'] } };
    const exempt = readIgnores(annotated({ 'polaris.fairwinds.com/hostNetworkSet-exempt': 'true' }))!;
    assert.equal(silences(exempt, hostNamespaces, hostPid), false);
    assert.equal(silences(exempt, hostNamespaces, { aliases: { polaris: ['hostNetworkSet'] } }), true);
    // A check that is not the rule's alias (only related to it) silences nothing.
    const drop = {
      ...rule('capabilities-not-dropped', { checkov: ['CKV_K8S_37'] }),
      related: { checkov: ['CKV_K8S_28'] },
    };
    assert.equal(silences(readIgnores(annotated({ 'checkov.io/skip1': 'CKV_K8S_28' }))!, drop, {}), false);
    assert.equal(silences(readIgnores(annotated({ 'checkov.io/skip1': 'CKV_K8S_37' }))!, drop, {}), true);
  });

  it('nothing to read is undefined (the engine skips the check)', () => {
    assert.equal(readIgnores({ kind: 'Pod', metadata: { annotations: { team: 'a' } } }), undefined);
  });
});
