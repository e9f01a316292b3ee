// @ts-check
// The process's health as the three probes see it. Kept separate from HTTP so the lifecycle
// (starting -> ready -> draining) reads in one place.

/** @typedef {'starting' | 'ready' | 'draining'} Phase */
/** @typedef {{ status: number, body: Record<string, unknown> }} ProbeResult */

export class Health {
  /** @type {Phase} */
  #phase = 'starting';
  #started = false;
  #version;
  #neverReady;

  /** @param {{ version: string, neverReady: boolean }} options */
  constructor({ version, neverReady }) {
    this.#version = version;
    this.#neverReady = neverReady;
  }

  /** Startup work is done: the startup probe passes and, unless draining, readiness too. */
  markStarted() {
    this.#started = true;
    if (this.#phase === 'starting') this.#phase = 'ready';
  }

  /** Shutdown began: readiness fails at once so load balancers stop sending new traffic. */
  startDraining() {
    this.#phase = 'draining';
  }

  get phase() {
    return this.#phase;
  }

  /**
   * @param {string} pathname
   * @returns {ProbeResult | null} null when the path is not a health endpoint
   */
  probe(pathname) {
    const version = this.#version;
    switch (pathname) {
      case '/health/live':
        // Liveness only says "this process can answer"; it must not fail while starting or
        // draining, or an orchestrator would kill a process that is merely busy being careful.
        return { status: 200, body: { status: 'alive', version } };
      case '/health/startup':
        return this.#started
          ? { status: 200, body: { status: 'started', version } }
          : { status: 503, body: { status: 'starting', version } };
      case '/health/ready': {
        const status = this.#neverReady && this.#phase === 'ready' ? 'never-ready' : this.#phase;
        return { status: status === 'ready' ? 200 : 503, body: { status, version } };
      }
      default:
        return null;
    }
  }
}
