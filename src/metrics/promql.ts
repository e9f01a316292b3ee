/**
 * PromQL for release analysis, pure: the query templates, filling them in for one version
 * and window, and reading Prometheus' answer as one number (or "no data"). The adapter
 * (prometheus.ts) sends the queries; nothing here touches the network.
 */

/** What analysis asks Prometheus; each template yields one number for one version. */
export interface QueryTemplates {
  /** Requests in the window, checked against minRequests. */
  requests: string;
  /** Fraction of requests answered without a 5xx, 0..1. */
  successRate: string;
  /** Latency quantiles, in seconds (Prometheus' unit). */
  latencyP95: string;
  latencyP99: string;
}

export type QueryName = keyof QueryTemplates;

export const PLACEHOLDERS = ['service', 'version', 'window'] as const;

/** The series one version's queries select: both label values are filled in by `renderQuery`. */
const VERSION = 'service="{{service}}",version="{{version}}"';

/** A request answered with a 5xx (or, at the load balancer, not answered): what success rates leave out. */
export const SERVER_ERROR = 'code=~"5.."';
export const NOT_SERVER_ERROR = 'code!~"5.."';

/** The four queries over a request counter (with a status-class label `code`) and a latency histogram. */
function templates(counter: string, histogram: string): QueryTemplates {
  const quantile = (q: number) =>
    `histogram_quantile(${q}, sum by (le) (rate(${histogram}_bucket{${VERSION}}[{{window}}])))`;
  return {
    requests: `sum(increase(${counter}{${VERSION}}[{{window}}]))`,
    successRate: `sum(rate(${counter}{${VERSION},${NOT_SERVER_ERROR}}[{{window}}])) / sum(rate(${counter}{${VERSION}}[{{window}}]))`,
    latencyP95: quantile(0.95),
    latencyP99: quantile(0.99),
  };
}

/**
 * The default on the local platform: the metrics the daemon's `/metrics` exports for every
 * service's load balancer, `gantry_lb_requests_total{service,version,code}` (code is the status
 * class, "2xx" … "5xx", which `5..` matches; proxy errors count as 5xx) and
 * `gantry_lb_request_duration_seconds_bucket{service,version,le}`. They see every request the
 * analysis is about, as the local provider does.
 */
export const LOAD_BALANCER_QUERIES: QueryTemplates = templates(
  'gantry_lb_requests_total',
  'gantry_lb_request_duration_seconds',
);

/**
 * The conventional names an app instruments itself with (`http_requests_total` with a `code`
 * label, `http_request_duration_seconds`), for a cluster whose scrape config puts `service` and
 * `version` labels on the pods' series.
 */
export const STANDARD_METRICS = {
  counter: 'http_requests_total',
  histogram: 'http_request_duration_seconds',
} as const;

export const STANDARD_QUERIES: QueryTemplates = templates(
  STANDARD_METRICS.counter,
  STANDARD_METRICS.histogram,
);

/** A label value inside PromQL double quotes: backslashes and quotes escaped, as in Go strings. */
function labelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `{{service}}`, `{{version}}` and `{{window}}` (whole seconds, e.g. `5s`) filled in. */
export function renderQuery(
  template: string,
  values: { service: string; version: string; windowSeconds: number },
): string {
  const window = `${Math.max(1, Math.round(values.windowSeconds))}s`;
  return template
    .replace(/\{\{\s*service\s*\}\}/g, () => labelValue(values.service))
    .replace(/\{\{\s*version\s*\}\}/g, () => labelValue(values.version))
    .replace(/\{\{\s*window\s*\}\}/g, () => window);
}

/** Placeholders a template names that `renderQuery` does not know (a typo leaves them in the query). */
export function unknownPlaceholders(template: string): string[] {
  const known: readonly string[] = PLACEHOLDERS;
  return [...template.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)]
    .map((match) => match[1]!)
    .filter((name) => !known.includes(name));
}

/** Prometheus answered, but not with something analysis can use. */
export class PromQLError extends Error {}

/**
 * The one number in an `/api/v1/query` answer; null for "no data": an empty vector (no series
 * matched, e.g. no traffic yet) or NaN/±Inf (0/0 when the version took no requests, a quantile
 * of an empty histogram). Several series mean the query does not aggregate to one version.
 */
export function readValue(body: unknown): number | null {
  const answer = body as {
    status?: string;
    error?: string;
    errorType?: string;
    data?: { resultType?: string; result?: unknown };
  };
  if (answer?.status !== 'success')
    throw new PromQLError(
      answer?.error ? `${answer.errorType ?? 'error'}: ${answer.error}` : 'not a Prometheus query answer',
    );
  const { resultType, result } = answer.data ?? {};
  let sample: unknown;
  if (resultType === 'scalar') sample = result;
  else if (resultType === 'vector' && Array.isArray(result)) {
    if (result.length === 0) return null;
    if (result.length > 1)
      throw new PromQLError(
        `the query returned ${result.length} series, not one; aggregate it (e.g. sum(...) or sum by (le))`,
      );
    sample = (result[0] as { value?: unknown }).value;
  } else throw new PromQLError(`the query returned a ${resultType ?? 'missing'} result, not one number`);
  const text = Array.isArray(sample) ? sample[1] : undefined;
  if (typeof text !== 'string') throw new PromQLError('the answer has no sample value');
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}
