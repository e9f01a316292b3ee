/**
 * The controller's own endpoints, for the kubelet's probes and for Prometheus:
 *   /healthz  200 while its loop goes round (a stuck process is restarted);
 *   /readyz   200 while the API server answers it (a replica cut off from it is taken out);
 *   /metrics  whether it leads, the releases it drives, and the process's own (CPU, memory, event
 *             loop lag), in the Prometheus text format.
 */
import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ControllerHealth } from './controller.ts';

/** Rounds every 2 s: three missed in a row, or no answer from the API for 30 s, is unhealthy/unready. */
const STALE_ROUND_MS = 10_000;
const STALE_API_MS = 30_000;

export function controllerServer(health: () => ControllerHealth, now: () => number = Date.now): Server {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const leading = new Gauge({
    name: 'gantry_controller_leader',
    help: '1 while this replica holds the Lease and drives releases',
    registers: [registry],
  });
  const driving = new Gauge({
    name: 'gantry_controller_releases_driven',
    help: 'Releases this replica drives now',
    registers: [registry],
  });
  return createServer(async (req, res) => {
    const state = health();
    const answer = (ok: boolean, text: string) => {
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${text}\n`);
    };
    const path = new URL(req.url ?? '/', 'http://controller').pathname;
    if (req.method !== 'GET') return answer(false, 'GET only');
    if (path === '/healthz') return answer(now() - state.lastRoundAt < STALE_ROUND_MS, 'rounds');
    if (path === '/readyz') return answer(now() - state.lastApiAt < STALE_API_MS, 'API server');
    if (path === '/metrics') {
      leading.set(state.leading ? 1 : 0);
      driving.set(state.driving.length);
      res.writeHead(200, { 'content-type': registry.contentType });
      return res.end(await registry.metrics());
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found: /healthz, /readyz, /metrics\n');
  });
}
