/**
 * The Prometheus MetricSource over real HTTP, against a small server on 127.0.0.1 that answers
 * /api/v1/query as Prometheus does (canned values per query): what it sends, how answers become
 * VersionMetrics with their evidence, and the errors a person reads when the server misbehaves.
 * (test/system/prometheus.test.ts runs it against the real Prometheus.)
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { PrometheusSource } from '../../src/metrics/prometheus.ts';
import { LOAD_BALANCER_QUERIES } from '../../src/metrics/promql.ts';

/** What the server answers for a query: a sample value, or a whole body. */
let answer: (query: string) => string | object = () => 'NaN';
const seen: string[] = [];
let server: Server;
let base = '';

before(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    seen.push(url.pathname);
    if (url.pathname !== '/api/v1/query' && url.pathname !== '/prometheus/api/v1/query') {
      response.writeHead(404).end('404 page not found');
      return;
    }
    const result = answer(url.searchParams.get('query') ?? '');
    const body =
      typeof result === 'string'
        ? { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, result] }] } }
        : result;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const source = (address: string, withP99 = false) =>
  new PrometheusSource({ address, templates: LOAD_BALANCER_QUERIES, withP99 });

describe('PrometheusSource (HTTP, a server answering like Prometheus)', () => {
  it('turns the answers into VersionMetrics and keeps each query with its value', async () => {
    answer = (query) =>
      query.startsWith('sum(increase') ? '220.8625' : query.startsWith('sum(rate') ? '0.675' : '0.0083';
    const metrics = await source(base).metrics('api', 'v2', 3);
    assert.deepEqual(
      { ...metrics, evidence: undefined },
      {
        windowSeconds: 3,
        requests: 221,
        errors: 72,
        successRate: 0.675,
        requestsPerSecond: 221 / 3,
        latencyP50Ms: null,
        latencyP95Ms: 8.3,
        latencyP99Ms: null,
        evidence: undefined,
      },
    );
    assert.equal(metrics.evidence?.source, `prometheus ${base}`);
    assert.deepEqual(
      metrics.evidence?.queries.map((q) => [q.name, q.value]),
      [
        ['requests', 220.8625],
        ['successRate', 0.675],
        ['latencyP95', 0.0083],
      ],
    );
    assert.equal(
      metrics.evidence?.queries[0]?.query,
      'sum(increase(gantry_lb_requests_total{service="api",version="v2"}[3s]))',
    );
  });

  it('asks for p99 only when a threshold needs it', async () => {
    const metrics = await source(base, true).metrics('api', 'v2', 3);
    assert.deepEqual(
      metrics.evidence?.queries.map((q) => q.name),
      ['requests', 'successRate', 'latencyP95', 'latencyP99'],
    );
  });

  it('NaN and empty answers are no data (null), not zero', async () => {
    answer = (query) =>
      query.startsWith('sum(increase')
        ? '40'
        : query.startsWith('sum(rate')
          ? 'NaN'
          : { status: 'success', data: { resultType: 'vector', result: [] } };
    const metrics = await source(base).metrics('api', 'v2', 5);
    assert.equal(metrics.requests, 40);
    assert.equal(metrics.successRate, null);
    assert.equal(metrics.latencyP95Ms, null);
  });

  it('keeps a path prefix in the address (Prometheus behind /prometheus)', async () => {
    answer = () => '1';
    seen.length = 0;
    await source(`${base}/prometheus/`).metrics('api', 'v2', 5);
    assert.deepEqual([...new Set(seen)], ['/prometheus/api/v1/query']);
  });

  it('a rejected query names the query and Prometheus’ error', async () => {
    answer = () => ({ status: 'error', errorType: 'bad_data', error: 'parse error' });
    await assert.rejects(source(base).metrics('api', 'v2', 5), {
      message:
        'Prometheus rejected `sum(increase(gantry_lb_requests_total{service="api",version="v2"}[5s]))`: bad_data: parse error',
    });
  });

  it('an answer that is not JSON names the address and the status', async () => {
    await assert.rejects(source(`${base}/elsewhere/x`).metrics('api', 'v2', 5), {
      message: `Prometheus at ${base}/elsewhere/x answered HTTP 404 without JSON: 404 page not found`,
    });
  });

  it('nobody listening: the address and the reason', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(source(address).metrics('api', 'v2', 5), {
      message: `Prometheus at ${address} did not answer: ECONNREFUSED`,
    });
  });
});
