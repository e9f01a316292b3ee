// @ts-check
// Typed readers for environment variables. Every failure is a ConfigError whose message names the
// variable and the bad value, so the process can exit with one clear line instead of a stack trace.

/** A bad environment variable. The message is meant to be shown to the operator as is. */
export class ConfigError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @returns {string | undefined} the trimmed value, or undefined when unset or blank
 */
function raw(env, name) {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A whole number within [min, max]; `fallback` when unset.
 * @template {number | null} F
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @param {{ min: number, max: number, fallback: F }} range
 * @returns {number | F}
 */
export function readInteger(env, name, { min, max, fallback }) {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  // The regexp rejects forms Number() would accept but nobody means: '1e3', '0x10', ' 5 ', '1.0'.
  if (!/^-?\d+$/.test(value) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

/**
 * A decimal number within [min, max]; `fallback` when unset.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @param {{ min: number, max: number, fallback: number }} range
 * @returns {number}
 */
export function readNumber(env, name, { min, max, fallback }) {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(value) || n < min || n > max) {
    throw new ConfigError(`${name} must be a number from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

/**
 * A boolean flag: 1/true/yes or 0/false/no; false when unset.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @returns {boolean}
 */
export function readFlag(env, name) {
  const value = raw(env, name)?.toLowerCase();
  if (value === undefined || ['0', 'false', 'no'].includes(value)) return false;
  if (['1', 'true', 'yes'].includes(value)) return true;
  throw new ConfigError(`${name} must be 1 or 0 (or true/false), got '${env[name]}'`);
}

/**
 * One of a fixed set of words; `fallback` when unset.
 * @template {string} T
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @param {readonly T[]} choices
 * @param {T} fallback
 * @returns {T}
 */
export function readChoice(env, name, choices, fallback) {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const found = choices.find((c) => c === value.toLowerCase());
  if (found === undefined)
    throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got '${value}'`);
  return found;
}

/**
 * Free text; `fallback` when unset.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @param {string} fallback
 * @returns {string}
 */
export function readString(env, name, fallback) {
  return raw(env, name) ?? fallback;
}
