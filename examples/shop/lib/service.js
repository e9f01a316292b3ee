// @ts-check
// Everything the api and the worker have in common: configuration, logging, health probes, metrics,
// the version header, request logging, fault scheduling and graceful shutdown. A service only supplies
// its routes and, optionally, background work to start once up and to stop on shutdown.
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { readServiceConfig } from './config.js';
import { ConfigError } from './env.js';
import { activeFaults, scheduleCrash } from './faults.js';
import { Health } from './health.js';
import { sendJson } from './http.js';
import { createLogger, formatLine } from './log.js';
import { createMetrics } from './metrics.js';
import { Router } from './router.js';
import { enableGracefulShutdown } from './shutdown.js';

/**
 * @typedef {object} ServiceContext
 * @property {import('./config.js').ServiceConfig} config
 * @property {import('./log.js').Logger} log
 * @property {import('./metrics.js').Metrics} metrics
 * @property {Router} router add the service's routes here
 */

/**
 * @typedef {object} ServiceHooks
 * @property {() => void} [start] called once startup has finished
 * @property {() => Promise<void>} [stop] called on shutdown; resolve when background work is done
 */

/**
 * @template E
 * @param {object} definition
 * @param {string} definition.name
 * @param {number} definition.defaultPort
 * @param {(env: NodeJS.ProcessEnv) => E} definition.readConfig service-specific settings; may throw ConfigError
 * @param {(ctx: ServiceContext, extra: E) => ServiceHooks} definition.setup
 */
export function runService({ name, defaultPort, readConfig, setup }) {
  /** @type {import('./config.js').ServiceConfig} */
  let config;
  /** @type {E} */
  let extra;
  try {
    config = readServiceConfig(process.env, defaultPort);
    extra = readConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // One line, no stack trace: this is an operator mistake, not a bug.
    process.stderr.write(
      `${formatLine('error', `invalid configuration: ${error.message}`, { service: name })}\n`,
    );
    process.exit(2);
  }

  const log = createLogger(config.logLevel);
  const health = new Health({ version: config.version, neverReady: config.faults.neverReady });
  const metrics = createMetrics();
  const router = new Router();
  const hooks = setup({ config, log, metrics, router }, extra);

  for (const path of ['/health/live', '/health/ready', '/health/startup']) {
    router.add('GET', path, ({ res }) => {
      const probe = /** @type {import('./health.js').ProbeResult} */ (health.probe(path));
      sendJson(res, probe.status, probe.body);
    });
  }
  router.add('GET', '/metrics', async ({ res }) => {
    const text = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(text);
  });

  const server = createServer();
  enableGracefulShutdown({
    server,
    health,
    log,
    timeoutMs: config.shutdownTimeoutMs,
    stopWork: hooks.stop,
  });
  server.on('request', (req, res) => handle(req, res));

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handle(req, res) {
    const startedAt = process.hrtime.bigint();
    const method = req.method ?? 'GET';
    res.setHeader('x-app-version', config.version);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = router.match(method, url.pathname);
    // Unknown paths share one label value, again to keep metric cardinality bounded.
    const route = match?.route ?? 'unmatched';
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      // 499 (nginx's "client closed request") when the client went away before the response was sent.
      const status = res.writableFinished ? res.statusCode : 499;
      metrics.observeRequest(route, method, status, seconds);
      log.debug('request', { method, route, path: url.pathname, status, ms: Math.round(seconds * 1000) });
    });
    try {
      if (match === null) {
        sendJson(res, 404, { error: `no route for ${url.pathname}` });
      } else if (match.handler === null) {
        sendJson(res, 405, { error: `method ${method} not allowed` }, { allow: match.allowed.join(', ') });
      } else {
        await match.handler({ req, res, url, params: match.params });
      }
    } catch (error) {
      log.error('request failed', { method, route, error: String(error) });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    }
  }

  server.on('error', (error) => {
    const code = /** @type {NodeJS.ErrnoException} */ (error).code;
    const where = `${config.host}:${config.port}`;
    const msg = code === 'EADDRINUSE' ? `port already in use: ${where}` : `cannot listen on ${where}`;
    log.error(msg, { service: name, error: error.message });
    process.exit(1);
  });

  const faults = activeFaults(config.faults);
  if (Object.keys(faults).length > 0) log.warn('fault injection active', faults);
  scheduleCrash(config.faults, log);

  server.listen(config.port, config.host, async () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    log.info('listening', { port, version: config.version, host: config.host, service: name });
    if (config.faults.startupDelayMs > 0) await sleep(config.faults.startupDelayMs);
    if (health.phase === 'draining') return; // shut down while still starting: do not start work
    health.markStarted();
    hooks.start?.();
    log.info('started', { service: name, ready: !config.faults.neverReady });
  });
}
