// @ts-check
// The `worker` service: no user traffic, just a background job loop plus health and metrics.
// Run: `node examples/shop/worker/worker.js` (see README.md).
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter } from 'prom-client';
import { readInteger } from '../lib/env.js';
import { runService } from '../lib/service.js';

runService({
  name: 'worker',
  defaultPort: 8001,
  readConfig: (env) => ({
    intervalMs: readInteger(env, 'WORK_INTERVAL_MS', { min: 1, max: 3_600_000, fallback: 1000 }),
    jobMs: readInteger(env, 'JOB_DURATION_MS', { min: 0, max: 600_000, fallback: 100 }),
  }),
  setup({ config, log, metrics }, { intervalMs, jobMs }) {
    if (config.faults.errorRate > 0 || config.faults.latencyMs > 0) {
      log.warn('FAULT_ERROR_RATE and FAULT_LATENCY_MS apply to the api only; the worker ignores them');
    }
    const processed = new Counter({
      name: 'worker_jobs_processed_total',
      help: 'Simulated background jobs completed.',
      registers: [metrics.registry],
    });

    let stopping = false;
    /** Ends the pause between jobs early, so shutdown does not wait a whole interval. */
    const pause = new AbortController();
    /** @type {Promise<void>} */
    let loop = Promise.resolve();
    let jobNumber = 0;
    let completed = 0;

    async function runJobs() {
      while (!stopping) {
        jobNumber += 1;
        log.debug('job started', { job: jobNumber });
        // A real job would fetch, compute and store; sleeping stands in for that, and is never cut
        // short: shutdown waits for the current job to finish.
        await sleep(jobMs);
        processed.inc();
        completed += 1;
        log.debug('job processed', { job: jobNumber, ms: jobMs });
        await sleep(intervalMs, undefined, { signal: pause.signal }).catch(() => {});
      }
    }

    return {
      start() {
        log.info('job loop started', { interval_ms: intervalMs, job_ms: jobMs });
        loop = runJobs();
      },
      async stop() {
        stopping = true;
        pause.abort();
        await loop;
        log.info('job loop stopped', { jobs_processed: completed });
      },
    };
  },
});
