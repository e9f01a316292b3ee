/**
 * Each fixer on small manifests: the findings its rule reports, the exact text after the fix, and
 * the change and skip lines the CLI prints. One named row per case.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deprecatedApi } from '../deprecated-apis.ts';
import { runRules } from '../engine.ts';
import { parseManifests } from '../input.ts';
import type { Finding, Rule } from '../rule.ts';
import { capabilitiesNotDropped } from '../rules/capabilities-not-dropped.ts';
import { deprecatedApiVersion } from '../rules/deprecated-api-version.ts';
import { imagePullPolicyNotAlways } from '../rules/image-pull-policy-not-always.ts';
import { noSeccompProfile } from '../rules/no-seccomp-profile.ts';
import { privilegeEscalationAllowed } from '../rules/privilege-escalation-allowed.ts';
import { readOnlyRootFilesystem } from '../rules/read-only-root-filesystem.ts';
import { runsAsRoot } from '../rules/runs-as-root.ts';
import { serviceAccountTokenMounted } from '../rules/service-account-token-mounted.ts';
import { type FixResult, fixManifest } from './fix-manifest.ts';
import { notEditable } from './tree.ts';

const lint = (text: string, rules: readonly Rule[]): Finding[] =>
  runRules(parseManifests('m.yaml', text).objects, rules);
const fix = (text: string, rules: readonly Rule[]): FixResult =>
  fixManifest(text, lint(text, rules), { unsafe: true });
/** "container: what" per change and skip, `-` for the pod or the object. */
const lines = (result: FixResult) => [
  ...result.changes.map((c) => `${c.container ?? '-'}: ${c.description}`),
  ...result.skipped.map((s) => `${s.container ?? '-'}: left: ${s.reason}`),
];

/** A Deployment whose pod spec is `podSpec`, indented under `spec.template.spec`. */
const deployment = (podSpec: string) =>
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
${podSpec.replace(/^(?=.)/gm, '      ')}`;

/** The removed-API table's own advice, not pinned here: that wording belongs to the table. */
const PSP_ALTERNATIVE = deprecatedApi({
  apiVersion: 'policy/v1beta1',
  kind: 'PodSecurityPolicy',
})?.alternative;

interface Row {
  name: string;
  rule: Rule;
  input: string;
  output: string;
  lines: string[];
}

const rows: Row[] = [
  {
    name: 'allowPrivilegeEscalation: a new securityContext, init containers too',
    rule: privilegeEscalationAllowed,
    input: deployment(`initContainers:
- name: migrate
  image: app:1
containers:
- name: web
  image: app:1   # the app
`),
    output: deployment(`initContainers:
- name: migrate
  image: app:1
  securityContext:
    allowPrivilegeEscalation: false
containers:
- name: web
  image: app:1   # the app
  securityContext:
    allowPrivilegeEscalation: false
`),
    lines: [
      'migrate: set securityContext.allowPrivilegeEscalation: false',
      'web: set securityContext.allowPrivilegeEscalation: false',
    ],
  },
  {
    name: 'allowPrivilegeEscalation: explicit true and privileged are left',
    rule: privilegeEscalationAllowed,
    input: deployment(`containers:
- name: sudo
  securityContext: { allowPrivilegeEscalation: true }
- name: dind
  securityContext:
    privileged: true
`),
    output: deployment(`containers:
- name: sudo
  securityContext: { allowPrivilegeEscalation: true }
- name: dind
  securityContext:
    privileged: true
`),
    lines: [
      'sudo: left: allowPrivilegeEscalation: true is set explicitly; set it to false by hand if nothing needs setuid',
      'dind: left: the container is privileged, which needs allowPrivilegeEscalation; drop privileged first',
    ],
  },
  {
    name: 'runAsNonRoot: on the pod, before the containers',
    rule: runsAsRoot,
    input: deployment(`serviceAccountName: web
containers:
  - name: web
  - name: worker
`),
    output: deployment(`serviceAccountName: web
securityContext:
  runAsNonRoot: true
containers:
  - name: web
  - name: worker
`),
    lines: ['-: set pod securityContext.runAsNonRoot: true'],
  },
  {
    name: 'runAsNonRoot: runAsUser 0 is left, and keeps the pod setting off the pod',
    rule: runsAsRoot,
    input: deployment(`securityContext:
  fsGroup: 2000
containers:
  - name: web
  - name: root
    securityContext: {runAsUser: 0}
`),
    output: deployment(`securityContext:
  fsGroup: 2000
containers:
  - name: web
    securityContext:
      runAsNonRoot: true
  - name: root
    securityContext: {runAsUser: 0}
`),
    lines: [
      'web: set securityContext.runAsNonRoot: true (not on the pod: another container runs as UID 0)',
      'root: left: runAsUser: 0 is set explicitly (root on purpose); left as is',
    ],
  },
  {
    name: 'runAsNonRoot: an existing pod securityContext gains the key',
    rule: runsAsRoot,
    input: deployment(`securityContext:
  fsGroup: 2000   # volume group
containers:
  - name: web
`),
    output: deployment(`securityContext:
  fsGroup: 2000   # volume group
  runAsNonRoot: true
containers:
  - name: web
`),
    lines: ['-: set pod securityContext.runAsNonRoot: true'],
  },
  {
    name: 'readOnlyRootFilesystem: a flow securityContext is re-rendered in its own spacing',
    rule: readOnlyRootFilesystem,
    input: deployment(`containers:
  - name: web
    securityContext: {runAsUser: 10001}  # from the chart
`),
    output: deployment(`containers:
  - name: web
    securityContext: {runAsUser: 10001, readOnlyRootFilesystem: true}  # from the chart
`),
    lines: ['web: set securityContext.readOnlyRootFilesystem: true'],
  },
  {
    name: 'readOnlyRootFilesystem: explicit false is left',
    rule: readOnlyRootFilesystem,
    input: deployment(`containers:
  - name: web
    securityContext:
      readOnlyRootFilesystem: false
`),
    output: deployment(`containers:
  - name: web
    securityContext:
      readOnlyRootFilesystem: false
`),
    lines: [
      'web: left: readOnlyRootFilesystem: false is set explicitly; mount an emptyDir where it writes, then set it to true',
    ],
  },
  {
    name: 'capabilities: ALL joins a block drop list, add is kept',
    rule: capabilitiesNotDropped,
    input: deployment(`containers:
  - name: web
    securityContext:
      capabilities:
        add: [NET_BIND_SERVICE]
        drop:
          - NET_RAW
`),
    output: deployment(`containers:
  - name: web
    securityContext:
      capabilities:
        add: [NET_BIND_SERVICE]
        drop:
          - NET_RAW
          - ALL
`),
    lines: ['web: added ALL to securityContext.capabilities.drop'],
  },
  {
    name: 'capabilities: a drop that is not a list is left',
    rule: capabilitiesNotDropped,
    input: deployment(`containers:
  - name: web
    securityContext:
      capabilities: {drop: ALL}
`),
    output: deployment(`containers:
  - name: web
    securityContext:
      capabilities: {drop: ALL}
`),
    lines: [`web: left: ${notEditable('securityContext.capabilities.drop')}`],
  },
  {
    name: 'seccomp: once on the pod for every container; an empty securityContext is filled',
    rule: noSeccompProfile,
    input: deployment(`securityContext:
containers:
  - name: web
  - name: worker
`),
    output: deployment(`securityContext:
  seccompProfile:
    type: RuntimeDefault
containers:
  - name: web
  - name: worker
`),
    lines: ['-: set pod securityContext.seccompProfile.type: RuntimeDefault'],
  },
  {
    name: "seccomp: a container's own profile is respected",
    rule: noSeccompProfile,
    input: deployment(`containers:
  - name: web
  - name: strace
    securityContext:
      seccompProfile: {type: Unconfined}
`),
    output: deployment(`containers:
  - name: web
  - name: strace
    securityContext:
      seccompProfile: {type: Unconfined}
securityContext:
  seccompProfile:
    type: RuntimeDefault
`),
    lines: [
      '-: set pod securityContext.seccompProfile.type: RuntimeDefault',
      'strace: left: the container sets seccompProfile.type Unconfined itself; left as is',
    ],
  },
  {
    name: 'automountServiceAccountToken: false on the pod spec; explicit true elsewhere is left',
    rule: serviceAccountTokenMounted,
    input: `${deployment(`containers:
  - name: web
`)}---
apiVersion: v1
kind: Pod
metadata: {name: operator}
spec:
  automountServiceAccountToken: true
  containers: [{name: operator}]
`,
    output: `${deployment(`containers:
  - name: web
automountServiceAccountToken: false
`)}---
apiVersion: v1
kind: Pod
metadata: {name: operator}
spec:
  automountServiceAccountToken: true
  containers: [{name: operator}]
`,
    lines: [
      '-: set automountServiceAccountToken: false',
      '-: left: automountServiceAccountToken: true is set explicitly (the pod calls the API?); left as is',
    ],
  },
  {
    name: 'imagePullPolicy: a missing one goes after image; an explicit one and a digest are left',
    rule: imagePullPolicyNotAlways,
    input: deployment(`containers:
  - name: web
    imagePullPolicy: "IfNotPresent"
    image: app:1.2
  - name: worker
    image: app:1.2
    args: [work]
  - name: local
    image: app:dev
    imagePullPolicy: Never
  - name: pinned
    image: app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
`),
    output: deployment(`containers:
  - name: web
    imagePullPolicy: "IfNotPresent"
    image: app:1.2
  - name: worker
    image: app:1.2
    imagePullPolicy: Always
    args: [work]
  - name: local
    image: app:dev
    imagePullPolicy: Never
  - name: pinned
    image: app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
`),
    lines: [
      'worker: set imagePullPolicy: Always',
      'web: left: imagePullPolicy: IfNotPresent is set explicitly; left as is',
      'local: left: imagePullPolicy: Never is set explicitly; left as is',
      'pinned: left: the image is pinned by digest, so IfNotPresent runs exactly it; left as is',
    ],
  },
  {
    name: 'apiVersion: only moves that change nothing else',
    rule: deprecatedApiVersion,
    input: `apiVersion: extensions/v1beta1 # old
kind: Deployment
metadata: {name: with-selector}
spec: {selector: {matchLabels: {app: a}}}
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: no-selector}
---
apiVersion: "rbac.authorization.k8s.io/v1beta1"
kind: ClusterRole
metadata: {name: reader}
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: restricted}
`,
    output: `apiVersion: apps/v1 # old
kind: Deployment
metadata: {name: with-selector}
spec: {selector: {matchLabels: {app: a}}}
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: no-selector}
---
apiVersion: "rbac.authorization.k8s.io/v1"
kind: ClusterRole
metadata: {name: reader}
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: restricted}
`,
    lines: [
      '-: set apiVersion: apps/v1 (was extensions/v1beta1)',
      '-: set apiVersion: rbac.authorization.k8s.io/v1 (was rbac.authorization.k8s.io/v1beta1)',
      '-: left: moving to apps/v1 changes fields, not only apiVersion; port it by hand (https://kubernetes.io/docs/reference/using-api/deprecation-guide/)',
      `-: left: policy/v1beta1 PodSecurityPolicy was removed in 1.25 with no replacement; use ${PSP_ALTERNATIVE}`,
    ],
  },
];

describe('fixers', () => {
  for (const row of rows)
    it(row.name, () => {
      const result = fix(row.input, [row.rule]);
      assert.equal(result.text, row.output);
      assert.deepEqual(lines(result), row.lines);
      const again = fix(result.text, [row.rule]);
      assert.equal(again.text, result.text, 'a second run changes nothing');
    });
});
