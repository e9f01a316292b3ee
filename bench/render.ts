/**
 * `gantry render` at scale: a generated spec with 500 services, loaded and rendered
 * in-process (renderKubernetes schema-validates every object), best of 3 after a warm-up;
 * and, as the yardstick, `kubectl kustomize` merely re-reading that output from disk.
 * Goal: Gantry's load + render + validate is faster than kustomize's re-read.
 * kustomize runs once: its time grows with the square of the objects (1.7 s for 100
 * services, 6 s for 200, about a minute for 500), so noise does not matter.
 * Run alone: `node --import tsx bench/render.ts [SERVICES]`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFiles } from '../src/cli/generated-files.ts';
import { generatedBanner } from '../src/render/generated.ts';
import { renderKubernetes } from '../src/render/kubernetes/index.ts';
import { objectFiles, toYaml } from '../src/render/serialize.ts';
import { loadSpec } from '../src/spec/load.ts';

export const SERVICES = 500;

/** A spec with `count` services, each with probes, resources, autoscaling, a route and a backing service. */
export function generatedSpec(count: number): string {
  const lines = [
    'app: big',
    'backing:',
    '  db: { kind: postgres, version: "16", storage: 20Gi }',
    '  cache: { kind: redis }',
    'services:',
  ];
  for (let i = 0; i < count; i++) {
    const name = `svc-${String(i).padStart(3, '0')}`;
    lines.push(
      `  ${name}:`,
      `    image: ghcr.io/acme/${name}:1.0.${i}`,
      '    port: 8080',
      `    env: { LOG_LEVEL: info, INDEX: "${i}" }`,
      '    secrets: [DATABASE_URL]',
      `    uses: [${i % 2 === 0 ? 'db' : 'cache'}]`,
      '    health:',
      '      liveness: { path: /health/live }',
      '      readiness: { path: /health/ready, periodSeconds: 5 }',
      '    resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { memory: 256Mi } }',
      '    autoscale: { min: 2, max: 6, cpu: 70 }',
      `    routes: [ { host: ${name}.example.com } ]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface RenderBench {
  services: number;
  objects: number;
  /** load + renderKubernetes (with schema validation), in-process, best of 3 after a warm-up. */
  gantryMs: number;
  /** `kubectl kustomize` on the written files, one run: it grows quadratically (~1 min at 500). */
  kustomizeMs: number;
}

/** The fastest of `runs` runs of `work`, in ms. */
export function best(runs: number, work: () => void): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

export function benchRender(services = SERVICES): RenderBench {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-render-'));
  try {
    const text = generatedSpec(services);
    const file = join(dir, 'gantry.yaml');
    writeFileSync(file, text);
    const render = () => {
      const loaded = loadSpec(text, { file, target: 'cluster' });
      if (!loaded.ok) throw new Error(`the generated spec is invalid: ${JSON.stringify(loaded.problems[0])}`);
      return renderKubernetes(loaded.model).objects;
    };
    const objects = render(); // warm-up
    const gantryMs = best(3, render);

    const out = join(dir, 'out');
    const banner = generatedBanner('#', 'gantry render -o out');
    const files = objectFiles(objects, banner);
    files.set(
      'kustomization.yaml',
      `${banner}${toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...files.keys()] })}`,
    );
    writeFiles(out, files, { report: false });
    const kustomize = () => {
      const run = spawnSync('kubectl', ['kustomize', out], { encoding: 'utf8', maxBuffer: 1 << 30 });
      if (run.error) throw new Error(`kubectl is needed for the yardstick: ${run.error.message}`);
      if (run.status !== 0) throw new Error(`kubectl kustomize failed: ${run.stderr}`);
    };
    const kustomizeMs = best(1, kustomize);
    return { services, objects: objects.length, gantryMs, kustomizeMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatRenderBench(result: RenderBench): string {
  const ratio = result.kustomizeMs / result.gantryMs;
  return `gantry render (${result.services} services, ${result.objects} objects, load + render + schema validation, in-process): ${result.gantryMs.toFixed(0)} ms; kubectl kustomize re-reading that output: ${result.kustomizeMs.toFixed(0)} ms; gantry is ${ratio.toFixed(2)}× ${ratio >= 1 ? 'faster' : 'slower (goal: faster)'}`;
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(formatRenderBench(benchRender(Number(process.argv[2] ?? SERVICES))));
