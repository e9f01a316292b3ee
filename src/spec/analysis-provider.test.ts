/**
 * `release.analysis.provider` / `prometheus` in gantry.yaml: what is accepted, and the exact
 * problem (line, field, message, hint) for each mistake, since this text is what users read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSpec } from './load.ts';

/** A canary service whose release.analysis gets `analysis` lines (from line 10). */
const spec = (analysis: string) => `app: shop
services:
  api:
    run: node server.js
    port: 8000
    release:
      strategy: canary
      steps: [ {weight: 10}, {analysis: {}}, {weight: 100} ]
      analysis:
${analysis}`;

describe('release.analysis.provider', () => {
  it('is optional: a spec without it loads, and its services measure locally', () => {
    const result = loadSpec(spec('        successRate: 0.99\n'), { file: 'gantry.yaml' });
    assert.ok(result.ok, JSON.stringify(result.problems));
    assert.equal(result.model.services.api!.release.analysis?.provider, undefined);
  });

  it('prometheus with only the provider named: the default address', () => {
    const result = loadSpec(spec('        provider: prometheus\n        prometheus: {}\n'), {
      file: 'gantry.yaml',
    });
    assert.ok(result.ok, JSON.stringify(result.problems));
    assert.deepEqual(result.model.services.api!.release.analysis?.prometheus, {
      address: 'http://127.0.0.1:9090',
    });
  });

  it('prometheus with an address and query overrides', () => {
    const result = loadSpec(
      spec(
        '        provider: prometheus\n        prometheus:\n          address: https://prom.internal/prometheus\n          queries: { latencyP95: "histogram_quantile(0.95, sum by (le) (rate(h_bucket{app=\\"{{service}}\\"}[{{window}}])))" }\n',
      ),
      { file: 'gantry.yaml' },
    );
    assert.ok(result.ok, JSON.stringify(result.problems));
  });

  const cases: {
    name: string;
    analysis: string;
    line: number;
    path: string;
    message: string;
    hint?: string;
  }[] = [
    {
      name: 'an address without a scheme',
      analysis: '        provider: prometheus\n        prometheus: { address: "127.0.0.1:9090" }\n',
      line: 11,
      path: 'services.api.release.analysis.prometheus.address',
      message: 'not a URL: "127.0.0.1:9090"',
      hint: 'add the scheme: http://127.0.0.1:9090',
    },
    {
      name: 'a host:port address (URL reads the host as a scheme)',
      analysis: '        provider: prometheus\n        prometheus: { address: localhost:9090 }\n',
      line: 11,
      path: 'services.api.release.analysis.prometheus.address',
      message: 'must be an http:// or https:// URL, got "localhost:9090"',
      hint: 'add the scheme: http://localhost:9090',
    },
    {
      name: 'the query endpoint instead of the base URL',
      analysis:
        '        provider: prometheus\n        prometheus: { address: "http://127.0.0.1:9090/api/v1/query" }\n',
      line: 11,
      path: 'services.api.release.analysis.prometheus.address',
      message: 'must be the server\'s base URL; got the query endpoint "http://127.0.0.1:9090/api/v1/query"',
      hint: 'http://127.0.0.1:9090 (Gantry adds /api/v1/query)',
    },
    {
      name: 'a misspelt placeholder',
      analysis:
        '        provider: prometheus\n        prometheus:\n          queries: { requests: "sum(increase(x{version=\\"{{verison}}\\"}[{{window}}]))" }\n',
      line: 12,
      path: 'services.api.release.analysis.prometheus.queries.requests',
      message: 'unknown placeholder `{{verison}}`',
      hint: 'did you mean `version`?',
    },
    {
      name: 'an unknown provider',
      analysis: '        provider: datadog\n',
      line: 10,
      path: 'services.api.release.analysis.provider',
      message: 'must be one of local, prometheus; got "datadog"',
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const result = loadSpec(spec(c.analysis), { file: 'gantry.yaml' });
      assert.equal(result.ok, false);
      const problem = result.problems.find((p) => p.severity === 'error');
      assert.deepEqual(
        { line: problem?.line, path: problem?.path, message: problem?.message, hint: problem?.hint },
        { line: c.line, path: c.path, message: c.message, hint: c.hint },
      );
    });

  it('a prometheus block without the provider: a warning that it is not used', () => {
    const result = loadSpec(spec('        prometheus: { address: "http://127.0.0.1:9090" }\n'), {
      file: 'gantry.yaml',
    });
    assert.deepEqual(
      result.problems.map((p) => [p.severity, p.line, p.message, p.hint]),
      [
        [
          'warning',
          10,
          '`prometheus` is set but the provider is local (the default), so it is not used',
          'add `provider: prometheus` to measure with it, or remove `prometheus`',
        ],
      ],
    );
  });

  it('is set on the release only: a step naming a provider is told which fields it takes', () => {
    const text = spec('        provider: prometheus\n').replace(
      '{analysis: {}}',
      '{analysis: {provider: local}}',
    );
    const result = loadSpec(text, { file: 'gantry.yaml' });
    assert.equal(result.problems[0]?.path, 'services.api.release.steps[1].analysis.provider');
    assert.equal(result.problems[0]?.message, 'unknown field `provider`');
  });
});
