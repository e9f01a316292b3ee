/**
 * The built-in load tester (Flagger's, in process): while a release measures its new version,
 * it sends the spec's `analysis.loadTest.requests` in turn to that version alone (its preview
 * URL) at `rate` per second, so a service without outside traffic still gets a verdict. The
 * platform measures these requests like any other; the tester also counts answers that are not
 * what a request expects (a 404 is no 5xx, yet wrong), and the analysis judges those too.
 */
import type { ReleaseAnalysisSpec } from '../spec/schema.ts';
import { mismatch, type SendCheck } from './smoke.ts';

export type LoadTestSpec = NonNullable<ReleaseAnalysisSpec['loadTest']>;

/** What the tester saw since it was last asked. */
export interface LoadTally {
  sent: number;
  /** Answers other than expected, errors and timeouts included. */
  unexpected: number;
  /** The first of them, e.g. `GET /api/items: status 404, expected 200`. */
  example?: string;
}

export interface LoadTestRun {
  /** The tally since the last call, and a fresh one from now. */
  take(): LoadTally;
  stop(): void;
}

export type StartLoadTest = (baseUrl: string, spec: LoadTestSpec) => LoadTestRun;

const TIMEOUT_MS = 5000;

/** The built-in load tester, its requests sent with `send`. */
export const loadTester =
  (send: SendCheck): StartLoadTest =>
  (baseUrl, spec) => {
    let tally: LoadTally = { sent: 0, unexpected: 0 };
    let next = 0;
    let inFlight = 0;
    // A slow version must not pile requests up: at most a second's worth wait for answers.
    const maxInFlight = Math.max(1, Math.ceil(spec.rate));
    const fire = () => {
      if (inFlight >= maxInFlight) return;
      const check = spec.requests[next++ % spec.requests.length]!;
      inFlight++;
      void send(baseUrl, check, TIMEOUT_MS).then((answer) => {
        inFlight--;
        const wrong = mismatch(check, answer);
        tally.sent++;
        if (wrong) {
          tally.unexpected++;
          tally.example ??= `${check.method} ${check.path}: ${wrong}`;
        }
      });
    };
    const timer = setInterval(fire, 1000 / spec.rate);
    timer.unref();
    return {
      take() {
        const taken = tally;
        tally = { sent: 0, unexpected: 0 };
        return taken;
      },
      stop() {
        clearInterval(timer);
      },
    };
  };
