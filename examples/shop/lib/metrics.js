// @ts-check
// Prometheus metrics: default process metrics plus RED-style HTTP metrics. Each service gets its own
// Registry (rather than prom-client's global one) so nothing leaks between services or tests.
// The status label is `code`, the name Prometheus' own client libraries use, which Gantry's
// standard PromQL (`code!~"5.."`) selects on.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

const HTTP_LABELS = ['route', 'method', 'code'];

/**
 * @typedef {object} Metrics
 * @property {Registry} registry
 * @property {(route: string, method: string, status: number, seconds: number) => void} observeRequest
 */

/** @returns {Metrics} */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests handled, by route template, method and status code.',
    labelNames: HTTP_LABELS,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency in seconds, by route template, method and status code.',
    labelNames: HTTP_LABELS,
    // Reaches 10s because /api/work may legitimately take up to 5s.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    observeRequest(route, method, status, seconds) {
      const labels = { route, method, code: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}
