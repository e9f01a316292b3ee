import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LOAD_BALANCER_QUERIES,
  PromQLError,
  readValue,
  renderQuery,
  STANDARD_QUERIES,
  unknownPlaceholders,
} from './promql.ts';

const API_V2 = { service: 'api', version: 'v2', windowSeconds: 5 };

describe('default queries, filled in', () => {
  const rows: { name: string; template: string; query: string }[] = [
    {
      name: 'load balancer: success rate (code is the status class, 5.. matches 5xx)',
      template: LOAD_BALANCER_QUERIES.successRate,
      query:
        'sum(rate(gantry_lb_requests_total{service="api",version="v2",code!~"5.."}[5s])) / sum(rate(gantry_lb_requests_total{service="api",version="v2"}[5s]))',
    },
    {
      name: 'load balancer: p95',
      template: LOAD_BALANCER_QUERIES.latencyP95,
      query:
        'histogram_quantile(0.95, sum by (le) (rate(gantry_lb_request_duration_seconds_bucket{service="api",version="v2"}[5s])))',
    },
    {
      name: 'load balancer: p99',
      template: LOAD_BALANCER_QUERIES.latencyP99,
      query:
        'histogram_quantile(0.99, sum by (le) (rate(gantry_lb_request_duration_seconds_bucket{service="api",version="v2"}[5s])))',
    },
    {
      name: 'load balancer: requests in the window',
      template: LOAD_BALANCER_QUERIES.requests,
      query: 'sum(increase(gantry_lb_requests_total{service="api",version="v2"}[5s]))',
    },
    {
      name: 'standard names: success rate',
      template: STANDARD_QUERIES.successRate,
      query:
        'sum(rate(http_requests_total{service="api",version="v2",code!~"5.."}[5s])) / sum(rate(http_requests_total{service="api",version="v2"}[5s]))',
    },
    {
      name: 'standard names: p95',
      template: STANDARD_QUERIES.latencyP95,
      query:
        'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="api",version="v2"}[5s])))',
    },
  ];
  for (const row of rows) it(row.name, () => assert.equal(renderQuery(row.template, API_V2), row.query));
});

describe('renderQuery', () => {
  it('fills every occurrence, with or without spaces inside the braces', () => {
    assert.equal(
      renderQuery(
        'x{s="{{service}}",v="{{ version }}"}[{{window}}] / y{s="{{service}}"}[{{window}}]',
        API_V2,
      ),
      'x{s="api",v="v2"}[5s] / y{s="api"}[5s]',
    );
  });
  it('escapes quotes and backslashes in label values, so a version cannot break out of the string', () => {
    assert.equal(renderQuery('{v="{{version}}"}', { ...API_V2, version: 'a"b\\c' }), '{v="a\\"b\\\\c"}');
  });
  it('writes the window in whole seconds, at least 1s', () => {
    assert.equal(renderQuery('[{{window}}]', { ...API_V2, windowSeconds: 2.4 }), '[2s]');
    assert.equal(renderQuery('[{{window}}]', { ...API_V2, windowSeconds: 0.2 }), '[1s]');
  });
  it('leaves a `$&` in a value as it is (no replacement patterns)', () => {
    assert.equal(renderQuery('{{version}}', { ...API_V2, version: 'v$&1' }), 'v$&1');
  });
});

describe('unknownPlaceholders', () => {
  it('names the placeholders renderQuery would leave in', () => {
    assert.deepEqual(unknownPlaceholders('{{service}} {{servce}} {{ window }} {{ns}}'), ['servce', 'ns']);
  });
  it('finds none in the defaults', () => {
    for (const template of [...Object.values(LOAD_BALANCER_QUERIES), ...Object.values(STANDARD_QUERIES)])
      assert.deepEqual(unknownPlaceholders(template), []);
  });
});

const vector = (...values: string[]) => ({
  status: 'success',
  data: {
    resultType: 'vector',
    result: values.map((value) => ({ metric: {}, value: [1_700_000_000.1, value] })),
  },
});

describe('readValue: an /api/v1/query answer → one number or no data', () => {
  const rows: { name: string; body: unknown; value: number | null }[] = [
    { name: 'one sample', body: vector('0.6842105263157895'), value: 0.6842105263157895 },
    { name: 'an integer-valued sample', body: vector('38'), value: 38 },
    { name: 'empty vector (no series matched: no traffic yet) → no data', body: vector(), value: null },
    { name: 'NaN (0/0: the version took no requests) → no data', body: vector('NaN'), value: null },
    { name: '+Inf (a quantile in the open top bucket) → no data', body: vector('+Inf'), value: null },
    {
      name: 'a scalar result',
      body: { status: 'success', data: { resultType: 'scalar', result: [1_700_000_000, '0.5'] } },
      value: 0.5,
    },
  ];
  for (const row of rows) it(row.name, () => assert.equal(readValue(row.body), row.value));

  const errors: { name: string; body: unknown; message: string }[] = [
    {
      name: 'several series: the query does not aggregate',
      body: vector('1', '2'),
      message: 'the query returned 2 series, not one; aggregate it (e.g. sum(...) or sum by (le))',
    },
    {
      name: 'a bad query',
      body: { status: 'error', errorType: 'bad_data', error: 'parse error at char 5' },
      message: 'bad_data: parse error at char 5',
    },
    {
      name: 'a range (matrix) result',
      body: { status: 'success', data: { resultType: 'matrix', result: [] } },
      message: 'the query returned a matrix result, not one number',
    },
    { name: 'not a Prometheus answer', body: { hello: 1 }, message: 'not a Prometheus query answer' },
  ];
  for (const row of errors)
    it(`${row.name} → error`, () =>
      assert.throws(
        () => readValue(row.body),
        (error: unknown) => error instanceof PromQLError && error.message === row.message,
      ));
});
