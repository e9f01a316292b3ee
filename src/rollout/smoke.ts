/** Smoke checks: the spec's HTTP requests against the new version's preview URL, all must pass. */
import type { ServiceModel } from '../spec/model.ts';

export type SmokeCheck = NonNullable<ServiceModel['release']['smoke']>[number];

export interface SmokeResult {
  passed: boolean;
  /** One line per check: what was asked and what came back. */
  lines: string[];
}

/** Sends one check's request; what came back, or the error that stopped it. */
export async function send(
  baseUrl: string,
  check: SmokeCheck,
  timeoutMs: number,
): Promise<{ status: number; body: string } | Error> {
  try {
    const response = await fetch(`${baseUrl}${check.path}`, {
      method: check.method,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return error as Error;
  }
}

/** Why an answer is not what the check expects, or null when it is. */
export function mismatch(check: SmokeCheck, answer: { status: number; body: string } | Error): string | null {
  if (answer instanceof Error) return answer.message;
  const statusOk = answer.status === check.status;
  const bodyOk = check.bodyContains === undefined || answer.body.includes(check.bodyContains);
  if (statusOk && bodyOk) return null;
  const problems = [
    ...(statusOk ? [] : [`status ${answer.status}, expected ${check.status}`]),
    ...(bodyOk ? [] : [`body does not contain "${check.bodyContains}"`]),
  ];
  return problems.join('; ');
}

export async function runSmokeChecks(
  baseUrl: string,
  checks: readonly SmokeCheck[],
  timeoutMs = 5000,
): Promise<SmokeResult> {
  const lines: string[] = [];
  let passed = true;
  for (const check of checks) {
    const answer = await send(baseUrl, check, timeoutMs);
    const wrong = mismatch(check, answer);
    if (wrong) passed = false;
    lines.push(`${check.method} ${check.path}: ${wrong ?? `${(answer as { status: number }).status} ok`}`);
  }
  return { passed, lines };
}
