/**
 * The proxy's entry point (dist/proxy-main.js, built by scripts/build.js), started by the daemon
 * (data-plane.ts), detached in its own session so it outlives the daemon:
 *   node dist/proxy-main.js --socket PATH [--replace PGID] [--workers N]
 * Prints `proxy ready` once its workers are up and its socket listens.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { ProxyPrimary } from './primary.ts';

const { values } = parseArgs({
  options: { socket: { type: 'string' }, replace: { type: 'string' }, workers: { type: 'string' } },
});
if (!values.socket) {
  process.stderr.write('usage: proxy-main.js --socket PATH [--replace PGID] [--workers N]\n');
  process.exit(2);
}
const log = (line: string) =>
  process.stdout.write(`${new Date().toISOString()} proxy ${process.pid}: ${line}\n`);
const workers = Number(values.workers ?? 0) || availableParallelism();
const primary = await ProxyPrimary.start({
  socketPath: values.socket,
  workers,
  ...(values.replace ? { replace: Number(values.replace) } : {}),
  log,
});
process.on('SIGTERM', () => void primary.yieldToSuccessor());
process.on('SIGINT', () => void primary.stop());
log(`proxy ready on ${values.socket} with ${workers} workers`);
