// @ts-check
// Fault injection, configured by FAULT_* environment variables, so that one codebase can be deployed
// as a good release or a deliberately bad one (to exercise probes, canary analysis and rollbacks).
import { setTimeout as sleep } from 'node:timers/promises';
import { readFlag, readInteger, readNumber } from './env.js';
import { sendJson } from './http.js';

/** Node timers cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;
const TEN_MINUTES_MS = 600_000;

/**
 * @typedef {object} Faults
 * @property {number} errorRate fraction (0..1) of /api/* requests answered 500
 * @property {number} errorAfterMs the errors start this long after the process started (a late fault)
 * @property {number} latencyMs delay added to every /api/* request
 * @property {number} startupDelayMs how long after listening the startup probe and readiness stay 503
 * @property {boolean} neverReady readiness is 503 forever (liveness unaffected)
 * @property {number | null} crashAfterMs exit 1 this long after start; null for never
 */

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {Faults}
 * @throws {import('./env.js').ConfigError}
 */
export function readFaults(env) {
  return {
    errorRate: readNumber(env, 'FAULT_ERROR_RATE', { min: 0, max: 1, fallback: 0 }),
    errorAfterMs: readInteger(env, 'FAULT_ERROR_AFTER_MS', { min: 0, max: MAX_TIMER_MS, fallback: 0 }),
    latencyMs: readInteger(env, 'FAULT_LATENCY_MS', { min: 0, max: TEN_MINUTES_MS, fallback: 0 }),
    startupDelayMs: readInteger(env, 'FAULT_STARTUP_DELAY_MS', { min: 0, max: TEN_MINUTES_MS, fallback: 0 }),
    neverReady: readFlag(env, 'FAULT_NEVER_READY'),
    crashAfterMs: readInteger(env, 'FAULT_CRASH_AFTER_MS', { min: 0, max: MAX_TIMER_MS, fallback: null }),
  };
}

/**
 * The faults that are switched on, as log fields, so a bad release says so in its first lines.
 * @param {Faults} faults
 * @returns {import('./log.js').LogFields}
 */
export function activeFaults(faults) {
  /** @type {import('./log.js').LogFields} */
  const active = {};
  if (faults.errorRate > 0) active.FAULT_ERROR_RATE = faults.errorRate;
  if (faults.errorAfterMs > 0) active.FAULT_ERROR_AFTER_MS = faults.errorAfterMs;
  if (faults.latencyMs > 0) active.FAULT_LATENCY_MS = faults.latencyMs;
  if (faults.startupDelayMs > 0) active.FAULT_STARTUP_DELAY_MS = faults.startupDelayMs;
  if (faults.neverReady) active.FAULT_NEVER_READY = 1;
  if (faults.crashAfterMs !== null) active.FAULT_CRASH_AFTER_MS = faults.crashAfterMs;
  return active;
}

/**
 * Wraps a request handler with the request-level faults (latency, then maybe a 500). Only user
 * routes are wrapped: health and metrics must keep telling the truth about the process.
 * @template {{ res: import('node:http').ServerResponse }} C
 * @param {Faults} faults
 * @param {(ctx: C) => unknown} handler
 * @param {() => number} [random] injectable for deterministic unit tests
 * @param {() => number} [uptimeMs] ms since the process started (FAULT_ERROR_AFTER_MS); injectable too
 * @returns {(ctx: C) => Promise<void>}
 */
export function withFaults(faults, handler, random = Math.random, uptimeMs = () => performance.now()) {
  return async (ctx) => {
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (faults.errorRate > 0 && uptimeMs() >= faults.errorAfterMs && random() < faults.errorRate) {
      sendJson(ctx.res, 500, { error: 'injected fault (FAULT_ERROR_RATE)' });
      return;
    }
    await handler(ctx);
  };
}

/**
 * Arms FAULT_CRASH_AFTER_MS: an abrupt exit 1, as a real crash would be (no draining).
 * @param {Faults} faults
 * @param {import('./log.js').Logger} log
 */
export function scheduleCrash(faults, log) {
  const after = faults.crashAfterMs;
  if (after === null) return;
  setTimeout(() => {
    log.error('crashing on purpose', { reason: `FAULT_CRASH_AFTER_MS=${after} elapsed` });
    process.exit(1);
  }, after);
}
