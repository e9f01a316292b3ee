/**
 * `gantry lint` at scale: a generated corpus of 20,000 objects (2,000 app bundles of ten
 * objects each — Deployment, Service, HPA, PDB, ConfigMap, ServiceAccount, Ingress,
 * NetworkPolicy, Role, RoleBinding — over 100 files and 200 namespaces, every third one with
 * tutorial flaws so rules fire), linted by the real CLI as one run (cross-object rules see all
 * 20,000). Prints objects/second end to end (process start included) and the peak RSS of that
 * process, plus the in-process core (parse + every rule) for comparison. The files are written
 * without YAML anchors, as kubectl and most tools write them (documents with anchors take the
 * exact reader, several times slower: see src/policy/input.ts).
 * Goal: ≥ 5,000 objects/s. Run alone: `node --import tsx bench/lint.ts [OBJECTS]`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { runRules } from '../src/policy/engine.ts';
import { readManifests } from '../src/policy/input-files.ts';
import { RULES } from '../src/policy/rules/index.ts';

export const OBJECTS = 20_000;
const PER_BUNDLE = 10;
const FILES = 100;
const GANTRY = fileURLToPath(new URL('../bin/gantry.js', import.meta.url));

/** One app's ten objects; every third app is written as tutorials write it. */
function bundle(i: number): object[] {
  const name = `app-${i}`;
  const namespace = `team-${i % 200}`;
  const labels = { 'app.kubernetes.io/name': name };
  const meta = { name, namespace, labels };
  const sloppy = i % 3 === 0;
  const container = sloppy
    ? { name, image: `nginx:latest`, env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }
    : {
        name,
        image: `ghcr.io/acme/${name}:1.0.${i}`,
        imagePullPolicy: 'Always',
        ports: [{ name: 'http', containerPort: 8080 }],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, failureThreshold: 6 },
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
      };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta,
      spec: {
        replicas: 3,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 10001,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: labels },
              },
            ],
            containers: [container],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta,
      spec: { selector: labels, ports: [{ port: 80, targetPort: 'http' }] },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: 3,
        maxReplicas: 10,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
          },
        ],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta,
      spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta,
      data: sloppy ? { API_TOKEN: 'abc123' } : { LOG_LEVEL: 'info' },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta, automountServiceAccountToken: false },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta,
      spec: {
        ...(sloppy ? {} : { tls: [{ hosts: [`${name}.example.com`], secretName: `${name}-tls` }] }),
        rules: [
          {
            host: `${name}.example.com`,
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } },
              ],
            },
          },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta,
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ['Ingress'],
        ingress: [{ ports: [{ port: 8080 }] }],
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta,
      rules: [
        { apiGroups: [''], resources: sloppy ? ['*'] : ['configmaps'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta,
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    },
  ];
}

/** Writes the generated corpus: `objects` objects in FILES multi-document files. */
export function writeCorpus(dir: string, objects: number): void {
  const bundles = Math.ceil(objects / PER_BUNDLE);
  const perFile = Math.ceil(bundles / FILES);
  for (let file = 0; file * perFile < bundles; file++) {
    const docs: string[] = [];
    for (let i = file * perFile; i < Math.min(bundles, (file + 1) * perFile); i++)
      for (const object of bundle(i)) docs.push(stringify(object, { aliasDuplicateObjects: false }));
    writeFileSync(join(dir, `manifests-${String(file).padStart(3, '0')}.yaml`), docs.join('---\n'));
  }
}

export interface LintBench {
  objects: number;
  findings: number;
  /** The real CLI, one process: start, read, lint, JSON report. */
  cliSeconds: number;
  peakRssMiB: number;
  /** In-process: read + parse + every rule, best of 3. */
  coreSeconds: number;
}

export function benchLint(objects = OBJECTS): LintBench {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-lint-'));
  try {
    writeCorpus(dir, objects);

    // GNU time reports the child's peak RSS (%M, KiB) and wall time (%e).
    const run = spawnSync(
      '/usr/bin/time',
      ['-f', 'TIME %e %M', process.execPath, GANTRY, 'lint', dir, '--format', 'json', '--fail-on', 'never'],
      { encoding: 'utf8', maxBuffer: 1 << 30 },
    );
    if (run.status !== 0) throw new Error(`gantry lint failed: ${run.stderr}`);
    const [, seconds, kib] = /TIME ([\d.]+) (\d+)/.exec(run.stderr) ?? [];
    const report = JSON.parse(run.stdout) as { summary: { objects: number }; findings: unknown[] };

    let coreSeconds = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      runRules(readManifests([dir]).objects, RULES);
      coreSeconds = Math.min(coreSeconds, (performance.now() - started) / 1000);
    }
    return {
      objects: report.summary.objects,
      findings: report.findings.length,
      cliSeconds: Number(seconds),
      peakRssMiB: Number(kib) / 1024,
      coreSeconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatLintBench(result: LintBench): string {
  const rate = result.objects / result.cliSeconds;
  return `gantry lint (${result.objects} objects in ${FILES} files, one run, ${result.findings} findings): ${Math.round(rate)} objects/s end to end (${result.cliSeconds.toFixed(2)} s, process start included; goal ≥ 5000: ${rate >= 5000 ? 'met' : 'NOT met'}), peak RSS ${result.peakRssMiB.toFixed(0)} MiB; in-process parse + rules ${Math.round(result.objects / result.coreSeconds)} objects/s`;
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(formatLintBench(benchLint(Number(process.argv[2] ?? OBJECTS))));
