/**
 * The corpus: realistic multi-object files as teams have them (the guestbook tutorial, a node
 * agent with host access, an RBAC quick start, CRDs and custom resources, a v1/List, manifests
 * written for Kubernetes 1.15), linted together in one run through the real CLI, with every
 * finding pinned. A change in any rule's judgement shows here as a diff to review.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CORPUS = 'test/fixtures/lint/corpus';

interface JsonFinding {
  file: string;
  line: number;
  kind: string;
  name: string;
  container?: string;
  rule: string;
  severity: string;
  message: string;
}

const EXPECTED: Record<string, string[]> = {
  'guestbook.yaml': [
    '3 Deployment/redis-leader default-service-account warning: no serviceAccountName (uses default)',
    '3 Deployment/redis-leader missing-recommended-label info: no label app.kubernetes.io/name (on the object and its pod template)',
    '3 Deployment/redis-leader service-account-token-mounted info: automountServiceAccountToken is not false',
    '3 Deployment/redis-leader single-replica warning: replicas: 1 and no HorizontalPodAutoscaler scales it',
    '3 Deployment/redis-leader [leader] capabilities-not-dropped warning: capabilities.drop does not include ALL',
    '3 Deployment/redis-leader [leader] image-pull-policy-not-always info: imagePullPolicy is not set (IfNotPresent for a pinned image)',
    '3 Deployment/redis-leader [leader] missing-liveness-probe warning: no livenessProbe',
    '3 Deployment/redis-leader [leader] missing-readiness-probe warning: no readinessProbe',
    '3 Deployment/redis-leader [leader] missing-resources warning: no memory limit',
    '3 Deployment/redis-leader [leader] no-seccomp-profile warning: no seccompProfile (pod or container)',
    '3 Deployment/redis-leader [leader] privilege-escalation-allowed warning: allowPrivilegeEscalation is not false',
    '3 Deployment/redis-leader [leader] read-only-root-filesystem warning: readOnlyRootFilesystem is not true',
    '3 Deployment/redis-leader [leader] runs-as-root warning: may run as root: runAsNonRoot is not true and no runAsUser is set',
    '32 Service/redis-leader missing-recommended-label info: no label app.kubernetes.io/name',
    '47 Deployment/redis-follower default-service-account warning: no serviceAccountName (uses default)',
    '47 Deployment/redis-follower missing-pdb warning: 2 replicas and no PodDisruptionBudget selects its pods (app=redis,role=follower)',
    '47 Deployment/redis-follower missing-recommended-label info: no label app.kubernetes.io/name (on the object and its pod template)',
    '47 Deployment/redis-follower no-anti-affinity warning: 2 replicas and no podAntiAffinity or topologySpreadConstraints',
    '47 Deployment/redis-follower service-account-token-mounted info: automountServiceAccountToken is not false',
    '47 Deployment/redis-follower [follower] capabilities-not-dropped warning: capabilities.drop does not include ALL',
    '47 Deployment/redis-follower [follower] image-pull-policy-not-always info: imagePullPolicy is not set (IfNotPresent for a pinned image)',
    '47 Deployment/redis-follower [follower] missing-liveness-probe warning: no livenessProbe',
    '47 Deployment/redis-follower [follower] missing-readiness-probe warning: no readinessProbe',
    '47 Deployment/redis-follower [follower] missing-resources warning: no memory limit',
    '47 Deployment/redis-follower [follower] no-seccomp-profile warning: no seccompProfile (pod or container)',
    '47 Deployment/redis-follower [follower] privilege-escalation-allowed warning: allowPrivilegeEscalation is not false',
    '47 Deployment/redis-follower [follower] read-only-root-filesystem warning: readOnlyRootFilesystem is not true',
    '47 Deployment/redis-follower [follower] runs-as-root warning: may run as root: runAsNonRoot is not true and no runAsUser is set',
    '73 Service/redis-follower dangling-service warning: selector app=redis,role=followers selects no pod template in the set',
    '73 Service/redis-follower missing-recommended-label info: no label app.kubernetes.io/name',
    '84 Deployment/frontend default-service-account warning: no serviceAccountName (uses default)',
    '84 Deployment/frontend missing-pdb warning: 3 replicas and no PodDisruptionBudget selects its pods (app=guestbook,tier=frontend)',
    '84 Deployment/frontend missing-recommended-label info: no label app.kubernetes.io/name (on the object and its pod template)',
    '84 Deployment/frontend no-anti-affinity warning: 3 replicas and no podAntiAffinity or topologySpreadConstraints',
    '84 Deployment/frontend service-account-token-mounted info: automountServiceAccountToken is not false',
    '84 Deployment/frontend [php-redis] capabilities-not-dropped warning: capabilities.drop does not include ALL',
    '84 Deployment/frontend [php-redis] image-tag-latest warning: image gcr.io/google_samples/gb-frontend:latest uses the :latest tag',
    '84 Deployment/frontend [php-redis] missing-resources warning: no memory limit',
    '84 Deployment/frontend [php-redis] no-seccomp-profile warning: no seccompProfile (pod or container)',
    '84 Deployment/frontend [php-redis] privilege-escalation-allowed warning: allowPrivilegeEscalation is not false',
    '84 Deployment/frontend [php-redis] probes-identical warning: readinessProbe is identical to livenessProbe (httpGet / port 80, every 10s, 3 failures)',
    '84 Deployment/frontend [php-redis] read-only-root-filesystem warning: readOnlyRootFilesystem is not true',
    '84 Deployment/frontend [php-redis] runs-as-root warning: may run as root: runAsNonRoot is not true and no runAsUser is set',
    '84 Deployment/frontend [php-redis] secret-in-env error: env REDIS_PASSWORD holds a literal value',
    '119 Service/frontend missing-recommended-label info: no label app.kubernetes.io/name',
    '119 Service/frontend service-exposed info: type LoadBalancer without a gantry.dev/exposed annotation saying why',
  ],
  'legacy.yaml': [
    '2 Ingress/shop dangling-ingress warning: backend Service shop is not in the set',
    '2 Ingress/shop deprecated-api-version error: extensions/v1beta1 Ingress was removed in Kubernetes 1.22; use networking.k8s.io/v1: fields changed, port it by hand',
    '2 Ingress/shop ingress-without-tls warning: no spec.tls: served over plain HTTP only',
    '2 Ingress/shop missing-recommended-label info: no label app.kubernetes.io/name',
    '16 CronJob/nightly-report cronjob-concurrency-allow info: concurrencyPolicy is not set (Allow): a slow run overlaps the next',
    '16 CronJob/nightly-report cronjob-missing-deadline warning: no startingDeadlineSeconds: after more than 100 missed schedules the CronJob never runs again',
    '16 CronJob/nightly-report default-service-account warning: no serviceAccountName (uses default)',
    '16 CronJob/nightly-report deprecated-api-version error: batch/v1beta1 CronJob was removed in Kubernetes 1.25; use batch/v1: only the apiVersion changes (gantry lint --fix can do it)',
    '16 CronJob/nightly-report missing-recommended-label info: no label app.kubernetes.io/name (on the object and its pod template)',
    '16 CronJob/nightly-report service-account-token-mounted info: automountServiceAccountToken is not false',
    '16 CronJob/nightly-report [report] capabilities-not-dropped warning: capabilities.drop does not include ALL',
    '16 CronJob/nightly-report [report] image-pull-policy-not-always info: imagePullPolicy is not set (IfNotPresent for a pinned image)',
    '16 CronJob/nightly-report [report] missing-resources warning: no cpu request, no memory request, no memory limit',
    '16 CronJob/nightly-report [report] no-seccomp-profile warning: no seccompProfile (pod or container)',
    '16 CronJob/nightly-report [report] privilege-escalation-allowed warning: allowPrivilegeEscalation is not false',
    '16 CronJob/nightly-report [report] read-only-root-filesystem warning: readOnlyRootFilesystem is not true',
    '16 CronJob/nightly-report [report] runs-as-root warning: may run as root: runAsNonRoot is not true and no runAsUser is set',
  ],
  'list.yaml': [
    '5 ConfigMap/app-settings default-namespace warning: metadata.namespace is default',
    '5 ConfigMap/app-settings missing-recommended-label info: no label app.kubernetes.io/name',
    '5 ConfigMap/app-settings secret-in-configmap error: data key DATABASE_PASSWORD holds a literal value',
    '13 Service/debug dangling-service warning: selector app=debug selects no pod template in the set',
    '13 Service/debug default-namespace warning: metadata.namespace is default',
    '13 Service/debug missing-recommended-label info: no label app.kubernetes.io/name',
    '13 Service/debug service-exposed info: type NodePort without a gantry.dev/exposed annotation saying why',
  ],
  'node-agent.yaml': [
    '2 DaemonSet/node-agent host-namespaces error: shares host namespaces: hostNetwork: true, hostPID: true',
    '2 DaemonSet/node-agent host-path-mount warning: volume docker mounts the container runtime socket /var/run/docker.sock from the host (root on the node)',
    '2 DaemonSet/node-agent host-path-mount warning: volume proc mounts hostPath /proc',
    '2 DaemonSet/node-agent service-account-token-mounted info: automountServiceAccountToken is not false',
    '2 DaemonSet/node-agent [agent] capabilities-not-dropped warning: capabilities.drop does not include ALL',
    '2 DaemonSet/node-agent [agent] dangerous-capabilities error: adds capabilities SYS_ADMIN, NET_ADMIN',
    '2 DaemonSet/node-agent [agent] host-port warning: hostPort 9100 is set',
    '2 DaemonSet/node-agent [agent] image-pull-policy-not-always info: imagePullPolicy is not set (IfNotPresent for a pinned image)',
    '2 DaemonSet/node-agent [agent] missing-readiness-probe warning: no readinessProbe',
    '2 DaemonSet/node-agent [agent] no-seccomp-profile warning: no seccompProfile (pod or container)',
    '2 DaemonSet/node-agent [agent] privilege-escalation-allowed warning: allowPrivilegeEscalation is not false',
    '2 DaemonSet/node-agent [agent] privileged-container error: runs privileged (securityContext.privileged: true)',
    '2 DaemonSet/node-agent [agent] probe-port-not-exposed error: livenessProbe httpGet port metrics is not a port name of this container (ports: 9100)',
    '2 DaemonSet/node-agent [agent] read-only-root-filesystem warning: readOnlyRootFilesystem is not true',
    '2 DaemonSet/node-agent [agent] runs-as-root warning: may run as root: runAsNonRoot is not true and no runAsUser is set',
  ],
  'rbac.yaml': [
    '2 ServiceAccount/deployer missing-recommended-label info: no label app.kubernetes.io/name',
    '8 ClusterRole/deployer rbac-pods-exec warning: rules[0] grants * on * (covers pods/exec, pods/attach)',
    '8 ClusterRole/deployer rbac-secrets-access warning: rules[0] grants * on * (covers secrets)',
    '8 ClusterRole/deployer rbac-wildcard warning: rules[0] uses "*" in apiGroups, resources, verbs',
    '17 ClusterRoleBinding/deployer-admin cluster-admin-binding error: binds ClusterRole cluster-admin to ServiceAccount ci/deployer',
    '30 Role/debugger rbac-pods-exec warning: rules[0] grants get, create on pods/exec',
    '30 Role/debugger rbac-secrets-access warning: rules[1] grants get on secrets',
  ],
};

describe('gantry lint on the corpus', () => {
  const run = spawnSync(process.execPath, ['bin/gantry.js', 'lint', CORPUS, '--format', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const report = JSON.parse(run.stdout) as { summary: Record<string, number>; findings: JsonFinding[] };
  const actual: Record<string, string[]> = {};
  for (const f of report.findings) {
    const file = f.file.slice(CORPUS.length + 1);
    const container = f.container === undefined ? '' : ` [${f.container}]`;
    actual[file] = [
      ...(actual[file] ?? []),
      `${f.line} ${f.kind}/${f.name}${container} ${f.rule} ${f.severity}: ${f.message}`,
    ];
  }

  it('exits 1 (errors found) without writing to stderr', () => {
    assert.equal(run.status, 1);
    assert.equal(run.stderr, '');
  });

  for (const file of Object.keys(EXPECTED))
    it(`${file}: exactly the expected findings`, () => {
      assert.deepEqual(actual[file], EXPECTED[file]);
    });

  it('skips the CRD and the custom resource without a word', () => {
    assert.equal(actual['crds.yaml'], undefined);
  });

  it('counts every object (List items one by one) and file', () => {
    assert.deepEqual(report.summary, {
      objects: 18,
      files: 6,
      error: report.findings.filter((f) => f.severity === 'error').length,
      warning: report.findings.filter((f) => f.severity === 'warning').length,
      info: report.findings.filter((f) => f.severity === 'info').length,
    });
    assert.equal(report.findings.length, 92);
  });
});
