// @ts-check
// Tiny development launcher: runs the api and the worker as child processes with prefixed output,
// until the real local platform exists. Ctrl-C (or SIGTERM) shuts both down gracefully; a second
// Ctrl-C kills them. If either service exits on its own, the other is stopped too and dev.js exits 1.
//
// API_PORT (default 8000) and WORKER_PORT (default 8001) move the services; every other variable
// (APP_VERSION, LOG_LEVEL, FAULT_*, ...) is passed through to both.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const apiPort = process.env.API_PORT || '8000';
const workerPort = process.env.WORKER_PORT || '8001';
const host = process.env.HOST || '127.0.0.1';

/** @param {string} line */
const say = (line) => process.stdout.write(`[dev]    ${line}\n`);

/**
 * @param {string} name
 * @param {string} script
 * @param {string} port
 */
function start(name, script, port) {
  const child = spawn(process.execPath, [join(here, script)], {
    env: { ...process.env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${name}]`.padEnd(8);
  // Line-by-line so output from the two services never interleaves mid-line.
  const forward = (
    /** @type {import('node:stream').Readable} */ from,
    /** @type {NodeJS.WriteStream} */ to,
  ) => createInterface({ input: from }).on('line', (line) => to.write(`${prefix} ${line}\n`));
  forward(child.stdout, process.stdout);
  forward(child.stderr, process.stderr);
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      say(`${name} exited with ${signal ?? `code ${code}`}`);
      resolve(code === 0);
    });
  });
  child.on('error', (error) => say(`${name} could not start: ${error.message}`));
  say(`started ${name} (pid ${child.pid}) on port ${port}`);
  return { name, child, exited };
}

const services = [start('api', 'api/server.js', apiPort), start('worker', 'worker/worker.js', workerPort)];
say(
  `api on http://${host}:${apiPort}/api/products, worker health on http://${host}:${workerPort}/health/ready`,
);

let stopping = false;

/** @param {NodeJS.Signals} signal */
function stopAll(signal) {
  for (const { child } of services) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    if (stopping) {
      say('second signal: killing services');
      stopAll('SIGKILL');
      return;
    }
    stopping = true;
    say(`${signal}: stopping services (again to force)`);
    stopAll('SIGTERM');
  });
}

// If one service dies by itself (crash, busy port), do not leave a half-running app behind.
for (const { name, exited } of services) {
  exited.then(() => {
    if (stopping) return;
    stopping = true;
    say(`${name} stopped unexpectedly; stopping the rest`);
    stopAll('SIGTERM');
  });
}

const results = await Promise.all(services.map((s) => s.exited));
process.exit(results.every(Boolean) && !services.some((s) => s.child.signalCode) ? 0 : 1);
