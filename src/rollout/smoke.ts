/** Smoke checks: the spec's HTTP requests against the new version's preview URL, all must pass. */
import type { ServiceModel } from '../spec/model.ts';

type SmokeCheck = NonNullable<ServiceModel['release']['smoke']>[number];

export interface SmokeResult {
  passed: boolean;
  /** One line per check: what was asked and what came back. */
  lines: string[];
}

export async function runSmokeChecks(
  baseUrl: string,
  checks: readonly SmokeCheck[],
  timeoutMs = 5000,
): Promise<SmokeResult> {
  const lines: string[] = [];
  let passed = true;
  for (const check of checks) {
    const what = `${check.method} ${check.path}`;
    try {
      const response = await fetch(`${baseUrl}${check.path}`, {
        method: check.method,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await response.text();
      const statusOk = response.status === check.status;
      const bodyOk = check.bodyContains === undefined || body.includes(check.bodyContains);
      if (statusOk && bodyOk) lines.push(`${what}: ${response.status} ok`);
      else {
        passed = false;
        lines.push(
          `${what}: ${statusOk ? '' : `status ${response.status}, expected ${check.status}`}${!statusOk && !bodyOk ? '; ' : ''}${bodyOk ? '' : `body does not contain "${check.bodyContains}"`}`,
        );
      }
    } catch (error) {
      passed = false;
      lines.push(`${what}: ${(error as Error).message}`);
    }
  }
  return { passed, lines };
}
