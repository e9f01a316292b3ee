/**
 * `npm run bench`: every benchmark in one run, printing its figures.
 *   1. the load balancer against a direct replica and nginx (bench/lb.ts)
 *   2. `gantry up --detach` on the example, cold and warm (bench/up.ts)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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
process.exitCode = lb.status ?? 1;
