/**
 * Smoke checks: the spec's HTTP requests against the new version's preview URL, all must pass.
 * Pure: the request goes through the `send` its caller passes.
 */
import type { ServiceModel } from '../spec/model.ts';

export type SmokeCheck = NonNullable<ServiceModel['release']['smoke']>[number];

export interface SmokeResult {
  passed: boolean;
  /** One line per check: what was asked and what came back. */
  lines: string[];
}

/** What came back for a check's request, or the error that stopped it. */
export type CheckAnswer = { status: number; body: string } | Error;

/** Sends one check's request (an HTTP client the host passes in: src/platform/http-check.ts). */
export type SendCheck = (baseUrl: string, check: SmokeCheck, timeoutMs: number) => Promise<CheckAnswer>;

/** Why an answer is not what the check expects, or null when it is. */
export function mismatch(check: SmokeCheck, answer: CheckAnswer): string | null {
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
  send: SendCheck,
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
