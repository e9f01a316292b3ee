/** The HTTP client smoke checks and load tests send their requests with (rollout/smoke.ts). */
import type { SendCheck } from '../rollout/smoke.ts';

export const sendCheck: SendCheck = async (baseUrl, check, timeoutMs) => {
  try {
    const response = await fetch(`${baseUrl}${check.path}`, {
      method: check.method,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return error as Error;
  }
};
