/**
 * `npm run bench`: every benchmark in one run, printing its figures.
 *   1. the load balancer against a direct replica and nginx, several rounds (bench/lb.ts)
 *   2. `gantry up --detach` on the example, cold and warm (bench/up.ts), and what a daemon
 *      SIGKILLed under load costs (bench/daemon-kill.ts)
 *   3. a bad canary's cost and a good canary's wall time, default steps (bench/release.ts)
 *   4. render + validate 500 services against `kubectl kustomize` re-reading them (bench/render.ts);
 *      the Helm chart of those 500 services and `helm template` of it, against plain render (bench/helm.ts)
 *   5. gantry lint on a realistic corpus: against js-yaml, peak RSS, one small file (bench/lint.ts)
 *   6. gantry lint side by side with kube-score and Checkov, built/installed pinned (bench/lint-peers.ts)
 *   7. the built CLI end to end: start-up, validate, render, lint, a large spec (bench/cli.ts)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchCli, formatCliBench } from './cli.ts';
import { benchDaemonKill } from './daemon-kill.ts';
import { benchHelm, formatHelmBench } from './helm.ts';
import { benchLint, formatLintBench } from './lint.ts';
import { benchPeers, formatPeerBench } from './lint-peers.ts';
import { benchBadCanary, benchGoodCanary, formatBadCanary, formatGoodCanary } from './release.ts';
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

const kill = await benchDaemonKill();
console.log(
  `daemon SIGKILL under load (examples/shop, 8 connections): ${kill.failed} of ${kill.total} requests failed (goal 0); the API answered again after ${kill.backSeconds.toFixed(2)} s (goal <= 2 s)`,
);

console.log(formatBadCanary(await benchBadCanary()));
console.log(formatGoodCanary(await benchGoodCanary()));
console.log('');
console.log(formatRenderBench(benchRender(500)));
console.log(formatHelmBench(benchHelm(500)));
console.log(formatLintBench(benchLint()));
console.log('');
console.log(formatPeerBench(benchPeers()));
console.log('');
console.log(formatCliBench(benchCli()));
process.exitCode = lb.status ?? 1;
