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
  column: number;
  kind: string;
  name: string;
  container?: string;
  rule: string;
  severity: string;
  message: string;
}

const EXPECTED: Record<string, string[]> = {
  'guestbook.yaml': [
    '5:1 Deployment/redis-leader missing-namespace info: metadata.namespace is not set: it goes where kubectl points',
    '7:3 Deployment/redis-leader missing-recommended-label info: no label app.kubernetes.io/name (on the object and its pod template)',
    '11:3 Deployment/redis-leader single-replica warning: replicas: 1 and no HorizontalPodAutoscaler scales it',
    '21:5 Deployment/redis-leader default-service-account warning: no serviceAccountName (uses default)',
    '21:5 Deployment/redis-leader service-account-token-mounted info: automountServiceAccountToken is not false',
    '23:11 Deployment/redis-leader [leader] capabilities-not-dropped warning: capabilities.drop does not include ALL',
    '23:11 Deployment/redis-leader [leader] image-pull-policy-not-always info: imagePullPolicy is not set (IfNotPresent for a pinned image)',
    '23:11 Deployment/redis-leader [leader] missing-liveness-probe warning: no livenessProbe',
    '23:11 Deployment/redis-leader [leader] missing-readiness-probe warning: no readinessProbe',
    '23:11 Deployment/redis-leader [leader] no-seccomp-profile warning: no seccompProfile (pod or container)',
    '23:11 Deployment/redis-leader [leader] privilege-escalation-allowed warning: allowPrivilegeEscalation is not false',
    '23:11 Deployment/redis-leader [leader] read-only-root-filesystem warning: readOnlyRootFilesystem is not true',
    '23:11 Deployment/redis-leader [leader] runs-as-root warning: may run as root: runAsNonRoot is not true and no runAsUser is set',
    '25:11 Deployment/redis-leader [leader] missing-resources warning: no memory limit',
    '34:1 Service/redis-leader missing-namespace info: metadata.namespace is not set: it goes where kubectl points',
    '36:3 Service/redis-leader missing-recommended-label info: no label app.kubernetes.io/name',
    '49:1 Deployment/redis-follower missing-namespace info: metadata.namespace is not set: it goes where kubectl points',
    '49:1 Deployment/redis-follower missing-recommended-label info: no label app.kubernetes.io/name (on the object and its pod template)',
    '59:7 Deployment/redis-follower missing-pdb warning: 2 replicas and no PodDisruptionBudget selects its pods (app=redis,role=follower)',
    '62:5 Deployment/redis-follower default-service-account warning: no serviceAccountName (uses default)',
    '62:5 Deployment/redis-follower no-anti-affinity warning: 2 replicas and no podAntiAffinity or topologySpreadConstraints',
    '62:5 Deployment/redis-follower service-account-token-mounted info: automountServiceAccountToken is not false',
    '64:11 Deployment/redis-follower [follower] capabilities-not-dropped warning: capabilities.drop does not include ALL',
    '64:11 Deployment/redis-follower [follower] image-pull-policy-not-always info: imagePullPolicy is not set (IfNotPresent for a pinned image)',
    '64:11 Deployment/redis-follower [follower] missing-liveness-probe warning: no livenessProbe',
    '64:11 Deployment/redis-follower [follower] missing-readiness-probe warning: no readinessProbe',
    '64:11 Deployment/redis-follower [follower] no-seccomp-profile warning: no seccompProfile (pod or container)',
    '64:11 Deployment/redis-follower [follower] privilege-escalation-allowed warning: allowPrivilegeEscalation is not false',
    '64:11 Deployment/redis-follower [follower] read-only-root-filesystem warning: readOnlyRootFilesystem is not true',
    '64:11 Deployment/redis-follower [follower] runs-as-root warning: may run as root: runAsNonRoot is not true and no runAsUser is set',
    '66:11 Deployment/redis-follower [follower] missing-resources warning: no memory limit',
    '75:1 Service/redis-follower missing-namespace info: metadata.namespace is not set: it goes where kubectl points',
    '75:1 Service/redis-follower missing-recommended-label info: no label app.kubernetes.io/name',
    '80:3 Service/redis-follower dangling-service info: selector app=redis,role=followers selects no pod template in the set (the set has 1 custom resource here, whose operator may make such pods)',
    '86:1 Deployment/frontend missing-namespace info: metadata.namespace is not set: it goes where kubectl points',
    '86:1 Deployment/frontend missing-recommended-label info: no label app.kubernetes.io/name (on the object and its pod template)',
    '96:7 Deployment/frontend missing-pdb warning: 3 replicas and no PodDisruptionBudget selects its pods (app=guestbook,tier=frontend)',
    '99:5 Deployment/frontend default-service-account warning: no serviceAccountName (uses default)',
    '99:5 Deployment/frontend no-anti-affinity warning: 3 replicas and no podAntiAffinity or topologySpreadConstraints',
    '99:5 Deployment/frontend service-account-token-mounted info: automountServiceAccountToken is not false',
    '101:11 Deployment/frontend [php-redis] capabilities-not-dropped warning: capabilities.drop does not include ALL',
    '101:11 Deployment/frontend [php-redis] no-seccomp-profile warning: no seccompProfile (pod or container)',
    '101:11 Deployment/frontend [php-redis] privilege-escalation-allowed warning: allowPrivilegeEscalation is not false',
    '101:11 Deployment/frontend [php-redis] read-only-root-filesystem warning: readOnlyRootFilesystem is not true',
    '101:11 Deployment/frontend [php-redis] runs-as-root warning: may run as root: runAsNonRoot is not true and no runAsUser is set',
    '102:11 Deployment/frontend [php-redis] image-tag-latest warning: image gcr.io/google_samples/gb-frontend:latest uses the :latest tag',
    '107:15 Deployment/frontend [php-redis] secret-in-env error: env REDIS_PASSWORD holds a literal value',
    '108:11 Deployment/frontend [php-redis] missing-resources warning: no memory limit',
    '114:11 Deployment/frontend [php-redis] probes-identical warning: readinessProbe is identical to livenessProbe (httpGet / port 80, every 10s, 3 failures)',
    '121:1 Service/frontend missing-namespace info: metadata.namespace is not set: it goes where kubectl points',
    '121:1 Service/frontend missing-recommended-label info: no label app.kubernetes.io/name',
    '124:3 Service/frontend service-exposed info: type LoadBalancer without a gantry.dev/exposed annotation saying why',
  ],
  'legacy.yaml': [
    '2:1 Ingress/shop deprecated-api-version error: extensions/v1beta1 Ingress was removed in Kubernetes 1.22; use networking.k8s.io/v1: fields changed, port it by hand',
    '4:1 Ingress/shop missing-namespace info: metadata.namespace is not set: it goes where kubectl points',
    '4:1 Ingress/shop missing-recommended-label info: no label app.kubernetes.io/name',
    '6:1 Ingress/shop ingress-without-tls warning: no spec.tls: served over plain HTTP only',
    '12:13 Ingress/shop dangling-ingress warning: backend Service shop is not in the set',
    '16:1 CronJob/nightly-report deprecated-api-version error: batch/v1beta1 CronJob was removed in Kubernetes 1.25; use batch/v1: only the apiVersion changes (gantry lint --fix can do it)',
    '18:1 CronJob/nightly-report missing-namespace info: metadata.namespace is not set: it goes where kubectl points',
    '18:1 CronJob/nightly-report missing-recommended-label info: no label app.kubernetes.io/name (on the object and its pod template)',
    '20:1 CronJob/nightly-report cronjob-concurrency-allow info: concurrencyPolicy is not set (Allow): a slow run overlaps the next',
    '20:1 CronJob/nightly-report cronjob-missing-deadline warning: no startingDeadlineSeconds: after more than 100 missed schedules the CronJob never runs again',
    '25:9 CronJob/nightly-report default-service-account warning: no serviceAccountName (uses default)',
    '25:9 CronJob/nightly-report service-account-token-mounted info: automountServiceAccountToken is not false',
    '28:15 CronJob/nightly-report [report] capabilities-not-dropped warning: capabilities.drop does not include ALL',
    '28:15 CronJob/nightly-report [report] image-pull-policy-not-always info: imagePullPolicy is not set (IfNotPresent for a pinned image)',
    '28:15 CronJob/nightly-report [report] missing-resources warning: no cpu request',
    '28:15 CronJob/nightly-report [report] missing-resources warning: no memory request',
    '28:15 CronJob/nightly-report [report] missing-resources warning: no memory limit',
    '28:15 CronJob/nightly-report [report] no-seccomp-profile warning: no seccompProfile (pod or container)',
    '28:15 CronJob/nightly-report [report] privilege-escalation-allowed warning: allowPrivilegeEscalation is not false',
    '28:15 CronJob/nightly-report [report] read-only-root-filesystem warning: readOnlyRootFilesystem is not true',
    '28:15 CronJob/nightly-report [report] runs-as-root warning: may run as root: runAsNonRoot is not true and no runAsUser is set',
  ],
  'list.yaml': [
    '7:5 ConfigMap/app-settings missing-recommended-label info: no label app.kubernetes.io/name',
    '9:7 ConfigMap/app-settings default-namespace warning: metadata.namespace is default',
    '12:7 ConfigMap/app-settings secret-in-configmap error: data key DATABASE_PASSWORD holds a literal value',
    '15:5 Service/debug missing-recommended-label info: no label app.kubernetes.io/name',
    '17:7 Service/debug default-namespace warning: metadata.namespace is default',
    '19:7 Service/debug service-exposed info: type NodePort without a gantry.dev/exposed annotation saying why',
    '20:7 Service/debug dangling-service warning: selector app=debug selects no pod template in the set',
  ],
  'node-agent.yaml': [
    '17:5 DaemonSet/node-agent service-account-token-mounted info: automountServiceAccountToken is not false',
    "18:7 DaemonSet/node-agent host-namespaces error: hostNetwork: true shares the node's network with the pod",
    "19:7 DaemonSet/node-agent host-namespaces error: hostPID: true shares the node's processes with the pod",
    '22:11 DaemonSet/node-agent [agent] image-pull-policy-not-always info: imagePullPolicy is not set (IfNotPresent for a pinned image)',
    '22:11 DaemonSet/node-agent [agent] missing-readiness-probe warning: no readinessProbe',
    '24:11 DaemonSet/node-agent [agent] no-seccomp-profile warning: no seccompProfile (pod or container)',
    '24:11 DaemonSet/node-agent [agent] privilege-escalation-allowed warning: allowPrivilegeEscalation is not false',
    '24:11 DaemonSet/node-agent [agent] read-only-root-filesystem warning: readOnlyRootFilesystem is not true',
    '24:11 DaemonSet/node-agent [agent] runs-as-root warning: may run as root: runAsNonRoot is not true and no runAsUser is set',
    '25:13 DaemonSet/node-agent [agent] privileged-container error: runs privileged (securityContext.privileged: true)',
    '26:13 DaemonSet/node-agent [agent] capabilities-not-dropped warning: capabilities.drop does not include ALL',
    '27:21 DaemonSet/node-agent [agent] dangerous-capabilities error: adds capability SYS_ADMIN',
    '27:32 DaemonSet/node-agent [agent] dangerous-capabilities error: adds capability NET_ADMIN',
    '30:15 DaemonSet/node-agent [agent] host-port warning: hostPort 9100 is set',
    '35:40 DaemonSet/node-agent [agent] probe-port-not-exposed error: livenessProbe httpGet port metrics is not a port name of this container (ports: 9100)',
    '41:23 DaemonSet/node-agent host-path-mount warning: volume docker mounts the container runtime socket /var/run/docker.sock from the host (root on the node)',
    '43:23 DaemonSet/node-agent host-path-mount warning: volume proc mounts hostPath /proc',
  ],
  'rbac.yaml': [
    '4:1 ServiceAccount/deployer missing-recommended-label info: no label app.kubernetes.io/name',
    '13:5 ClusterRole/deployer rbac-pods-exec warning: rules[0] grants * on * (covers pods/exec, pods/attach)',
    '13:5 ClusterRole/deployer rbac-secrets-access warning: rules[0] grants * on * (covers secrets)',
    '13:5 ClusterRole/deployer rbac-wildcard warning: rules[0] uses "*" in apiGroups, resources, verbs',
    '28:3 ClusterRoleBinding/deployer-admin cluster-admin-binding error: binds ClusterRole cluster-admin to ServiceAccount ci/deployer',
    '36:5 Role/debugger rbac-pods-exec warning: rules[0] grants get, create on pods/exec',
    '39:5 Role/debugger rbac-secrets-access warning: rules[1] grants get on secrets',
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
      `${f.line}:${f.column} ${f.kind}/${f.name}${container} ${f.rule} ${f.severity}: ${f.message}`,
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
    assert.equal(report.findings.length, 104);
  });
});
