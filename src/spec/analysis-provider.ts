/**
 * The rule for `release.analysis.provider` / `prometheus`: an address a request can go to, query
 * templates whose placeholders exist, and a `prometheus` block that is actually used.
 * Pure; registered with the other service rules in rules.ts.
 */
import { PLACEHOLDERS, unknownPlaceholders } from '../metrics/promql.ts';
import type { Finding } from './problem.ts';
import type { ServiceSpec } from './schema.ts';
import { suggestion } from './suggest.ts';

export function analysisProvider(service: ServiceSpec, name: string): Finding[] {
  const analysis = service.release.analysis;
  const prometheus = analysis?.prometheus;
  if (!prometheus) return [];
  const path = ['services', name, 'release', 'analysis'];
  const findings: Finding[] = [];
  if (analysis.provider !== 'prometheus')
    findings.push({
      path: [...path, 'prometheus'],
      severity: 'warning',
      message: `\`prometheus\` is set but the provider is ${analysis.provider ?? 'local (the default)'}, so it is not used`,
      hint: 'add `provider: prometheus` to measure with it, or remove `prometheus`',
    });
  const problem = addressProblem(prometheus.address);
  if (problem) findings.push({ path: [...path, 'prometheus', 'address'], ...problem });
  for (const [query, template] of Object.entries(prometheus.queries ?? {})) {
    if (template === undefined) continue;
    for (const unknown of unknownPlaceholders(template))
      findings.push({
        path: [...path, 'prometheus', 'queries', query],
        message: `unknown placeholder \`{{${unknown}}}\``,
        hint: suggestion(unknown, PLACEHOLDERS, 'placeholders'),
      });
  }
  return findings;
}

/** Prometheus' base URL: http(s), a host, no query or fragment (the API path is added to it). */
function addressProblem(address: string): { message: string; hint: string } | undefined {
  const example = 'e.g. http://127.0.0.1:9090';
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return {
      message: `not a URL: ${JSON.stringify(address)}`,
      hint: /^[\w.-]+(:\d+)?(\/.*)?$/.test(address) ? `add the scheme: http://${address}` : example,
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return {
      message: `must be an http:// or https:// URL, got ${JSON.stringify(address)}`,
      hint: /^[\w.-]+:\d+$/.test(address) ? `add the scheme: http://${address}` : example,
    };
  if (url.search || url.hash)
    return {
      message: `must be the server's base URL, without a query or fragment; got ${JSON.stringify(address)}`,
      hint: `${url.origin}${url.pathname.replace(/\/api\/v1\/query\/?$/, '')} (Gantry adds /api/v1/query)`,
    };
  if (/\/api\/v1\/query\/?$/.test(url.pathname))
    return {
      message: `must be the server's base URL; got the query endpoint ${JSON.stringify(address)}`,
      hint: `${url.origin}${url.pathname.replace(/\/api\/v1\/query\/?$/, '')} (Gantry adds /api/v1/query)`,
    };
  return undefined;
}
