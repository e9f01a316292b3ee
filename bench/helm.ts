/**
 * The Helm chart at scale: the 500-service spec of bench/render.ts with one environment, as
 * `gantry render --format helm` makes it (load and render the base and the environment, plan the
 * chart: templates, values, schema, NOTES; in-process, best of 3 after a warm-up), and real
 * `helm template` of that chart with values-prod.yaml (best of 3). Both are printed as ratios to
 * the reference measured in the same run: plain `gantry render` of the same spec (load, render,
 * YAML stream; in-process, best of 3).
 * Run alone: `node --import tsx bench/helm.ts [SERVICES]`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFiles } from '../src/cli/generated-files.ts';
import { planHelmChart } from '../src/render/helm/chart.ts';
import { renderKubernetes } from '../src/render/kubernetes/index.ts';
import { toYamlStream } from '../src/render/serialize.ts';
import { loadSpec } from '../src/spec/load.ts';
import { validator } from '../test/support/validators.ts';
import { best, generatedSpec, SERVICES } from './render.ts';

export interface HelmBench {
  services: number;
  objects: number;
  /** The reference: load + render + YAML stream of the base spec. */
  plainMs: number;
  /** load + render of the base and prod, planHelmChart. */
  chartMs: number;
  /** `helm template big DIR -f values-prod.yaml`, a process run. */
  helmTemplateMs: number;
}

const ENVIRONMENT = `environments:
  prod:
    namespace: big-prod
    services:
      svc-000: { replicas: 4, autoscale: null }
      svc-001: { env: { LOG_LEVEL: warn } }
`;

export function benchHelm(services = SERVICES): HelmBench {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-helm-'));
  try {
    const text = `${generatedSpec(services)}${ENVIRONMENT}`;
    const file = join(dir, 'gantry.yaml');
    const load = (env?: string) => {
      const loaded = loadSpec(text, { file, target: 'cluster', ...(env ? { env } : {}) });
      if (!loaded.ok) throw new Error(`the generated spec is invalid: ${JSON.stringify(loaded.problems[0])}`);
      return loaded.model;
    };
    const plain = () => toYamlStream(renderKubernetes(load()).objects);
    const chart = () => {
      const base = load();
      const prod = load('prod');
      return planHelmChart({
        app: base.app,
        base: { namespace: base.namespace, objects: renderKubernetes(base).objects },
        environments: new Map([
          ['prod', { namespace: prod.namespace, objects: renderKubernetes(prod).objects }],
        ]),
        chartVersion: '0.1.0',
        regenerate: 'gantry render --format helm -o chart',
      });
    };
    plain(); // warm-up
    const plainMs = best(3, plain);
    const files = chart();
    const chartMs = best(3, chart);

    const out = join(dir, 'chart');
    writeFiles(out, files, { report: false });
    const helm = validator('helm');
    let objects = 0;
    const template = () => {
      const run = spawnSync(helm, ['template', 'big', out, '-f', join(out, 'values-prod.yaml')], {
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      });
      if (run.status !== 0) throw new Error(`helm template failed: ${run.stderr}`);
      objects = run.stdout.split(/^kind: /m).length - 1;
    };
    const helmTemplateMs = best(3, template);
    return { services, objects, plainMs, chartMs, helmTemplateMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatHelmBench(r: HelmBench): string {
  const ratio = (ms: number) => `${(ms / r.plainMs).toFixed(2)}×`;
  return (
    `gantry render --format helm (${r.services} services, base + 1 environment, ${r.objects} objects): ` +
    `chart ${r.chartMs.toFixed(0)} ms (${ratio(r.chartMs)} plain gantry render of the base, ${r.plainMs.toFixed(0)} ms, same run); ` +
    `helm template -f values-prod.yaml ${r.helmTemplateMs.toFixed(0)} ms (${ratio(r.helmTemplateMs)})`
  );
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(formatHelmBench(benchHelm(Number(process.argv[2] ?? SERVICES))));
