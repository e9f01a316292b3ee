/**
 * The supervisor's entry point (dist/supervisor-main.js, built by scripts/build.js), started by
 * `gantry up` in its own session:
 *   node dist/supervisor-main.js <the daemon's command line: bin/gantry.js daemon …>
 * Kept apart from the CLI so that the process that only waits on daemons loads almost nothing.
 */
import { Supervisor } from './supervisor.ts';

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} supervisor: ${line}\n`);
process.exitCode = await new Supervisor({ args: process.argv.slice(2), logFd: 1, log }).run();
