// @ts-check
// The configuration every shop service shares, read once from the environment at startup.

import { readChoice, readInteger, readString } from './env.js';
import { readFaults } from './faults.js';
import { LOG_LEVELS } from './log.js';

/**
 * @typedef {object} ServiceConfig
 * @property {number} port 0 picks a free port (the actual one is logged)
 * @property {string} host
 * @property {string} version
 * @property {import('./log.js').LogLevel} logLevel
 * @property {number} shutdownTimeoutMs after SIGTERM, exit 1 if draining takes longer than this
 * @property {import('./faults.js').Faults} faults
 */

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {number} defaultPort
 * @returns {ServiceConfig}
 * @throws {import('./env.js').ConfigError}
 */
export function readServiceConfig(env, defaultPort) {
  return {
    port: readInteger(env, 'PORT', { min: 0, max: 65535, fallback: defaultPort }),
    host: readString(env, 'HOST', '127.0.0.1'),
    version: readString(env, 'APP_VERSION', 'dev'),
    logLevel: readChoice(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    // Default 25s: just under Kubernetes' default 30s grace period, so we exit before SIGKILL.
    shutdownTimeoutMs: readInteger(env, 'SHUTDOWN_TIMEOUT_MS', { min: 1, max: 3_600_000, fallback: 25_000 }),
    faults: readFaults(env),
  };
}
