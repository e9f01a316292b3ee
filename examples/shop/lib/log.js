// @ts-check
// Plain-text, one-line-per-event logging in logfmt style (`level=info msg="listening" port=8000`), on
// stdout so that whatever runs the service (the local platform, Kubernetes) just collects it.

export const LOG_LEVELS = /** @type {const} */ (['debug', 'info', 'warn', 'error']);

/** @typedef {typeof LOG_LEVELS[number]} LogLevel */
/** @typedef {Record<string, string | number | boolean | null | undefined>} LogFields */
/** @typedef {(msg: string, fields?: LogFields) => void} LogFn */
/** @typedef {{ debug: LogFn, info: LogFn, warn: LogFn, error: LogFn, enabled: (level: LogLevel) => boolean }} Logger */

/**
 * Values are left bare when that is unambiguous and JSON-quoted otherwise, which keeps lines
 * both readable and machine-parseable.
 * @param {string | number | boolean | null} value
 */
function formatValue(value) {
  const text = String(value);
  return text !== '' && /^[^\s"=\\]+$/.test(text) ? text : JSON.stringify(text);
}

/**
 * @param {LogLevel} level
 * @param {string} msg
 * @param {LogFields} [fields]
 * @returns {string}
 */
export function formatLine(level, msg, fields = {}) {
  let line = `level=${level} msg=${JSON.stringify(msg)}`;
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) line += ` ${key}=${formatValue(value)}`;
  }
  return line;
}

/**
 * Writes go straight to the stream: on Linux, stdout writes to pipes and files are synchronous, so a
 * line logged just before process.exit() is not lost.
 * @param {LogLevel} level lines below this level are dropped
 * @param {NodeJS.WritableStream} [out]
 * @returns {Logger}
 */
export function createLogger(level, out = process.stdout) {
  const threshold = LOG_LEVELS.indexOf(level);
  /** @param {LogLevel} lineLevel */
  const enabled = (lineLevel) => LOG_LEVELS.indexOf(lineLevel) >= threshold;
  /** @param {LogLevel} lineLevel @returns {LogFn} */
  const at = (lineLevel) => (msg, fields) => {
    if (enabled(lineLevel)) out.write(`${formatLine(lineLevel, msg, fields)}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), enabled };
}
