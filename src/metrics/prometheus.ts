/**
 * The Prometheus MetricSource: sends the analysis queries (promql.ts) to a server's
 * `/api/v1/query` with undici and turns the answers into VersionMetrics, keeping every query
 * and the number it returned as evidence, so the release events show why a version failed.
 */
import { fetch } from 'undici';
import type { VersionMetrics } from '../platform/platform.ts';
import { PromQLError, type QueryName, type QueryTemplates, readValue, renderQuery } from './promql.ts';
import type { MetricSource } from './source.ts';

/** A query that takes longer than this is a failed measurement, not a stuck release tick. */
const QUERY_TIMEOUT_MS = 5_000;

export interface PrometheusOptions {
  /** Base URL, e.g. http://127.0.0.1:9090 (a path prefix such as /prometheus is kept). */
  address: string;
  templates: QueryTemplates;
  /** Query p99 as well (only when a threshold needs it: one query fewer per measurement). */
  withP99: boolean;
}

export class PrometheusSource implements MetricSource {
  constructor(private readonly options: PrometheusOptions) {}

  async metrics(service: string, version: string, windowSeconds: number): Promise<VersionMetrics> {
    const names: QueryName[] = ['requests', 'successRate', 'latencyP95'];
    if (this.options.withP99) names.push('latencyP99');
    const queries = names.map((name) => ({
      name,
      query: renderQuery(this.options.templates[name], { service, version, windowSeconds }),
    }));
    const values = await Promise.all(queries.map(({ query }) => this.query(query)));
    const answers = queries.map((q, i) => ({ ...q, value: values[i]! }));
    const value = (name: QueryName) => answers.find((a) => a.name === name)?.value ?? null;
    const toMs = (seconds: number | null) => (seconds === null ? null : seconds * 1000);
    // increase() extrapolates to the window's edges, so the count is rarely whole.
    const requests = Math.round(value('requests') ?? 0);
    const successRate = value('successRate');
    return {
      windowSeconds,
      requests,
      errors: successRate === null ? 0 : Math.round(requests * (1 - successRate)),
      successRate,
      requestsPerSecond: requests / windowSeconds,
      latencyP50Ms: null,
      latencyP95Ms: toMs(value('latencyP95')),
      latencyP99Ms: toMs(value('latencyP99')),
      evidence: { source: `prometheus ${this.options.address}`, queries: answers },
    };
  }

  /** One instant query; the number, null for no data, or an error naming the server. */
  private async query(query: string): Promise<number | null> {
    const url = new URL('api/v1/query', this.options.address.replace(/\/*$/, '/'));
    url.searchParams.set('query', query);
    let response: Awaited<ReturnType<typeof fetch>>;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(
        `Prometheus at ${this.options.address} did not answer: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      );
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(
        `Prometheus at ${this.options.address} answered HTTP ${response.status} without JSON: ${text.slice(0, 120)}`,
      );
    }
    try {
      return readValue(body);
    } catch (error) {
      if (error instanceof PromQLError) throw new Error(`Prometheus rejected \`${query}\`: ${error.message}`);
      throw error;
    }
  }
}
