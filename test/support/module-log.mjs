// `node --import test/support/module-log.mjs …`: appends the URL of every module Node loads to
// the file GANTRY_MODULE_LOG names, to tell what a command loads (test/integration/cli-startup.test.ts).
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

// Imported on the main thread, it registers itself; Node then loads it again as the hooks.
if (isMainThread) register(import.meta.url);

/** @type {import('node:module').LoadHook} */
export async function load(url, context, next) {
  if (process.env.GANTRY_MODULE_LOG) appendFileSync(process.env.GANTRY_MODULE_LOG, `${url}\n`);
  return next(url, context);
}
