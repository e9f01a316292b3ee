/**
 * A smoke check of the spec (`release.smoke`) as a shell script: one request with curl against
 * the environment's URL, the expected status, and the text the body must contain. Transient
 * failures (connection refused, 5xx while pods turn over) are retried a few times; a wrong
 * status or body fails the job with a line that says what was expected.
 */
import { shellQuote } from './shell.ts';

export interface SmokeRequest {
  service: string;
  method: string;
  url: string;
  status: number;
  bodyContains?: string;
}

/** Joins the environment's base URL and a check's path without doubling the `/`. */
export function smokeUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

export function smokeScript(check: SmokeRequest): string {
  const what = `${check.method} ${check.url}`;
  const lines = [
    `status=$(curl --silent --show-error --retry 5 --retry-delay 2 --max-time 30 --request ${check.method} --output smoke-body.txt --write-out '%{http_code}' ${shellQuote(check.url)})`,
    `if [ "$status" != ${check.status} ]; then echo ${shellQuote(`${what}: expected status ${check.status}, got`)} "$status"; exit 1; fi`,
  ];
  if (check.bodyContains !== undefined)
    lines.push(
      `if ! grep -qF -- ${shellQuote(check.bodyContains)} smoke-body.txt; then echo ${shellQuote(`${what}: the body does not contain ${JSON.stringify(check.bodyContains)}`)}; exit 1; fi`,
    );
  lines.push(`echo ${shellQuote(`ok: ${what} → ${check.status}`)}`);
  return lines.join('\n');
}
