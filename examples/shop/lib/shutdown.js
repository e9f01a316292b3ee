// @ts-check
// Graceful shutdown on SIGTERM/SIGINT: stop taking work, let in-flight work finish, then exit 0.
//
// Sequence: readiness turns 503 at once; the listening socket closes (new connections are refused);
// idle keep-alive connections are closed; requests already in flight run to completion and their
// connections are closed right after the response (Node would otherwise keep them open for
// keepAliveTimeout, delaying exit by seconds); background work is stopped via `stopWork`. When all of
// that is done the process exits 0. If it takes longer than `timeoutMs`, it exits 1.

/**
 * Installs the signal handlers. Call this before adding the application's 'request' listener, so that
 * the connection header below is set before any handler writes its response.
 * @param {object} options
 * @param {import('node:http').Server} options.server
 * @param {import('./health.js').Health} options.health
 * @param {import('./log.js').Logger} options.log
 * @param {number} options.timeoutMs
 * @param {() => Promise<void>} [options.stopWork] resolves once background work has finished
 */
export function enableGracefulShutdown({ server, health, log, timeoutMs, stopWork = async () => {} }) {
  /** @type {Set<import('node:http').ServerResponse>} */
  const inFlight = new Set();
  let draining = false;

  server.on('request', (_req, res) => {
    // A request that arrives on an existing keep-alive connection during the drain is still served,
    // but its connection is closed afterwards.
    if (draining) res.setHeader('connection', 'close');
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      // Covers responses whose headers were already sent when draining began (so they could not
      // get `connection: close`): once finished, their connection is idle and can go.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });

  /** @param {NodeJS.Signals} signal */
  async function shutdown(signal) {
    if (draining) {
      // Ctrl-C can reach both a launcher and its children, which then also get SIGTERM from it.
      log.info('shutdown already in progress', { signal });
      return;
    }
    draining = true;
    health.startDraining();
    log.info('shutting down', { signal, in_flight: inFlight.size, timeout_ms: timeoutMs });

    const deadline = setTimeout(() => {
      log.error('shutdown timed out, exiting', { in_flight: inFlight.size, timeout_ms: timeoutMs });
      process.exit(1);
    }, timeoutMs);
    deadline.unref();

    for (const res of inFlight) {
      if (!res.headersSent) res.setHeader('connection', 'close');
    }
    // close() stops accepting; its callback runs once every connection is gone. An error only means
    // the server was not listening yet, which is fine: there is nothing to wait for.
    const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
    server.closeIdleConnections();
    try {
      await Promise.all([closed, stopWork()]);
    } catch (error) {
      log.error('shutdown failed', { error: String(error) });
      process.exit(1);
    }
    log.info('shutdown complete');
    process.exit(0);
  }

  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
