/**
 * `npm run bench`: every benchmark in one run, printing its figures.
 *   1. the load balancer against a direct replica and nginx (bench/lb.ts)
 *   2. `gantry up --detach` on the example, cold and warm (bench/up.ts)
 *   3. a bad canary's cost and a clean canary's wall time (bench/release.ts)
 *   4. render + validate 500 services against `kubectl kustomize` re-reading them (bench/render.ts)
 *   5. gantry lint over a generated corpus of 20,000 objects (bench/lint.ts)
 *   6. the built CLI end to end: start-up, validate, render, lint, a large spec (bench/cli.ts)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchCli, formatCliBench } from './cli.ts';
import { benchLint, formatLintBench } from './lint.ts';
import { benchBadCanary, benchCleanCanary } from './release.ts';
import { benchRender, formatRenderBench } from './render.ts';
import { benchUp } from './up.ts';

const lb = spawnSync(
  process.execPath,
  ['--import', 'tsx', fileURLToPath(new URL('./lb.ts', import.meta.url))],
  {
    stdio: 'inherit',
  },
);

console.log('');
const { coldMs, warmMs } = benchUp();
console.log(
  `gantry up --detach (examples/shop, every replica ready): cold ${(coldMs / 1000).toFixed(2)} s (new state dir, postgres initdb), warm ${(warmMs / 1000).toFixed(2)} s`,
);

const bad = await benchBadCanary();
console.log(
  `bad canary (30 % errors, default analysis): ${bad.seconds.toFixed(1)} s from the first failed request to 100 % stable (goal ≤ 10 s); ${bad.failed} of ${bad.total} requests failed = ${bad.failedPercent.toFixed(2)} % (goal ≤ 1 %)`,
);
console.log(
  `clean 3-replica canary, no pauses (10 → 50 → 100): ${(await benchCleanCanary()).toFixed(1)} s wall time`,
);
console.log('');
console.log(formatRenderBench(benchRender(500)));
console.log(formatLintBench(benchLint()));
console.log(formatCliBench(benchCli()));
process.exitCode = lb.status ?? 1;
