/**
 * Runs one release against a Platform: on every tick it observes, lets the strategy
 * decide, takes the measurements and smoke checks it asks for (with the built-in load test
 * running when the spec asks for one), makes the platform match (routing first, so a rollback
 * moves traffic before anything is scaled), and persists the state, so a new daemon resumes at
 * the same step. A measurement that cannot judge pauses the release for a person; promote then
 * accepts the version without analysis, abort drops it, and inconclusiveLimit of them in a row
 * roll it back.
 */
import type { MetricSource } from '../metrics/source.ts';
import type { Platform, ServiceState } from '../platform/platform.ts';
import { type EffectiveAnalysis, effectiveAnalysis, type ServiceModel } from '../spec/model.ts';
import { clearlyFailing, judge, type Measurement, tally } from './analysis.ts';
import { advance, type Decision, readyOf, rollback } from './decision.ts';
import type { LoadTally, LoadTestRun, StartLoadTest } from './load-test.ts';
import { runSmokeChecks, type SendCheck } from './smoke.ts';
import { isActive, isDraining, isLive, isRetaining, MAX_MEASUREMENTS, type ReleaseState } from './state.ts';
import { analysisEnabled, canarySteps } from './steps.ts';
import { decide } from './strategy.ts';

export interface RunnerDeps {
  platform: Platform;
  /** The service spec of a version (its revision). */
  specFor(service: string, version: string): ServiceModel | Promise<ServiceModel>;
  save(state: ReleaseState): void | Promise<void>;
  event(state: ReleaseState, type: 'Normal' | 'Warning', reason: string, message: string): void;
  now(): number;
  /** What measures a release whose analysis names a provider (Prometheus); the platform when undefined. */
  metricSource?(analysis: EffectiveAnalysis): MetricSource | undefined;
  /** Starts the built-in load tester (analysis.loadTest); without it no load test runs. */
  startLoadTest?: StartLoadTest;
  /** Sends a smoke check's request. */
  sendCheck: SendCheck;
}

export class ReleaseRunner {
  private busy = false;
  /** The load test running against the new version, while the release measures it. */
  private load: LoadTestRun | undefined;

  constructor(
    public state: ReleaseState,
    private readonly deps: RunnerDeps,
  ) {}

  /** True while the runner still has work: an active release, a retained old version or a failed one to scale down. */
  get live(): boolean {
    return isLive(this.state);
  }

  private get retaining(): boolean {
    return isRetaining(this.state);
  }

  private get draining(): boolean {
    return isDraining(this.state);
  }

  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      if (isActive(this.state)) await this.step();
      else await this.housekeeping();
    } catch (error) {
      this.deps.event(this.state, 'Warning', 'ReleaseError', `tick failed: ${(error as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  /**
   * A person's word: promote (past this step, or all the way) or abort. Taken at the start
   * of the next tick, never in the middle of one, so a tick in flight cannot overwrite it.
   */
  request(action: 'promote' | 'promote-full' | 'abort'): void {
    if (!isActive(this.state))
      throw new Error(`the release of ${this.state.version} is ${this.state.status}, not in progress`);
    this.pending = action;
  }

  private pending: 'promote' | 'promote-full' | 'abort' | undefined;

  private async step(): Promise<void> {
    const { platform, now } = this.deps;
    const action = this.pending;
    this.pending = undefined;
    if (action === 'promote' || action === 'promote-full') {
      // While the release waits for data, a promote is the person's word that the version may go
      // without analysis: all the way, every remaining gate and the bake skipped.
      const accept = this.state.waitingForData === true;
      this.state = {
        ...this.state,
        promote: accept || action === 'promote-full' ? 'full' : 'step',
        status: 'progressing',
        waitingForData: false,
        ...(accept ? { acceptedUnmeasured: true } : {}),
      };
      if (accept)
        this.deps.event(
          this.state,
          'Warning',
          'PromotedUnmeasured',
          `${this.state.version} accepted without analysis by a person`,
        );
    }
    const observed = await platform.observe(this.state.service);
    const spec = await this.deps.specFor(this.state.service, this.state.version);
    const input = { state: this.state, spec, observed, now: now() };
    let decision = action === 'abort' ? rollback(input, 'aborted by a person', 'aborted') : decide(input);
    if (analysisEnabled(spec.release)) {
      await this.loadTest(decision, spec, observed);
      decision = await this.backgroundAnalysis(decision, spec, observed);
      if (isActive(decision.state) && decision.gate) decision = await this.gate(decision, spec);
    }
    if (isActive(decision.state) && decision.smoke) decision = await this.smoke(decision, spec);
    await this.apply(decision, observed);
    await this.commit(decision.state);
  }

  /** Runs the spec's load test against the new version from its first ready replica to the release's end. */
  private async loadTest(decision: Decision, spec: ServiceModel, observed: ServiceState): Promise<void> {
    const loadTest = spec.release.analysis?.loadTest;
    const { service, version } = decision.state;
    if (this.load || !loadTest || !this.deps.startLoadTest || !isActive(decision.state)) return;
    if (readyOf(observed, version) === 0) return;
    try {
      const url = await this.deps.platform.preview(service, version);
      this.load = this.deps.startLoadTest(url, loadTest);
      const paths = loadTest.requests.map((r) => `${r.method} ${r.path}`).join(', ');
      this.deps.event(
        decision.state,
        'Normal',
        'LoadTestStarted',
        `${loadTest.rate}/s to ${version}: ${paths}`,
      );
    } catch (error) {
      // The release goes on, measured by whatever traffic it gets: tried once, said once.
      this.load = { take: () => ({ sent: 0, unexpected: 0 }), stop: () => {} };
      this.deps.event(
        decision.state,
        'Warning',
        'LoadTestFailed',
        `cannot reach ${version} for the load test: ${(error as Error).message}`,
      );
    }
  }

  private async measure(
    version: string,
    windowSeconds: number,
    thresholds: EffectiveAnalysis,
    load?: LoadTally,
  ): Promise<Measurement> {
    const source = this.deps.metricSource?.(thresholds) ?? this.deps.platform;
    const metrics = await source
      .metrics(this.state.service, version, windowSeconds)
      .catch((error: Error) => error);
    return judge(version, metrics, thresholds, this.deps.now(), load);
  }

  private record(state: ReleaseState, measurement: Measurement, kind: string): ReleaseState {
    const type = measurement.verdict === 'failed' || measurement.verdict === 'error' ? 'Warning' : 'Normal';
    this.deps.event(
      state,
      type,
      `Analysis${measurement.verdict[0]!.toUpperCase()}${measurement.verdict.slice(1)}`,
      `${kind} ${measurement.version}: ${measurement.summary}${evidenceText(measurement)}`,
    );
    return { ...state, measurements: [...state.measurements, measurement].slice(-MAX_MEASUREMENTS) };
  }

  /** Background analysis: every interval while the new version takes traffic; a failure rolls back at any step. */
  private async backgroundAnalysis(
    decision: Decision,
    spec: ServiceModel,
    observed: ServiceState,
  ): Promise<Decision> {
    let state = decision.state;
    if (!isActive(state) || !decision.background)
      return { ...decision, state: { ...state, lastBackgroundAt: null } };
    const thresholds = effectiveAnalysis(spec.release.analysis);
    const now = this.deps.now();
    if (state.lastBackgroundAt === null) return { ...decision, state: { ...state, lastBackgroundAt: now } };
    if (now - state.lastBackgroundAt < thresholds.intervalSeconds * 1000) {
      const early = await this.earlyFailure(state, spec, now - state.lastBackgroundAt);
      return early
        ? rollback(
            { state: this.record(state, early, 'background analysis of'), spec, observed, now },
            failed(state, early),
          )
        : decision;
    }
    // The load test's tally goes to the gate when there is one this tick, else to this measurement.
    const load = decision.gate ? undefined : this.load?.take();
    const measurement = await this.measure(state.version, thresholds.intervalSeconds, thresholds, load);
    state = this.record({ ...state, lastBackgroundAt: now }, measurement, 'background analysis of');
    const counted = tally(state.background, measurement, thresholds);
    state = { ...state, background: counted.tally };
    if (counted.outcome === 'fail')
      return rollback({ state, spec, observed, now }, failed(state, measurement));
    return { ...decision, state };
  }

  /** Between measurements: a version failing beyond doubt over the time since the last one. */
  private async earlyFailure(
    state: ReleaseState,
    spec: ServiceModel,
    sinceMs: number,
  ): Promise<Measurement | null> {
    const thresholds = effectiveAnalysis(spec.release.analysis);
    // Only the platform's own per-second windows can judge a fraction of an interval; a scraped
    // source has no data that fine, and its measurements every interval decide alone.
    if (this.deps.metricSource?.(thresholds)) return null;
    const windowSeconds = Math.max(1, Math.min(thresholds.intervalSeconds, Math.ceil(sinceMs / 1000)));
    const metrics = await this.deps.platform
      .metrics(state.service, state.version, windowSeconds)
      .catch(() => null);
    return metrics ? clearlyFailing(state.version, metrics, thresholds, this.deps.now()) : null;
  }

  /**
   * A gate (an analysis step, blue-green's analyses, the bake): measure every interval; enough
   * passes let the strategy advance, a failure rolls back, and a measurement that cannot judge
   * pauses the release and says what a person can do.
   */
  private async gate(decision: Decision, spec: ServiceModel): Promise<Decision> {
    let state = decision.state;
    const thresholds = effectiveAnalysis(
      spec.release.analysis,
      state.strategy === 'canary' ? canarySteps(spec.release)[state.step]?.analysis : undefined,
    );
    const now = this.deps.now();
    if (state.lastGateAt === null) return { ...decision, state: { ...state, lastGateAt: now } };
    if (now - state.lastGateAt < thresholds.intervalSeconds * 1000) return decision;
    const { service, version } = state;
    const measurement = await this.measure(
      version,
      thresholds.intervalSeconds,
      thresholds,
      this.load?.take(),
    );
    state = this.record({ ...state, lastGateAt: now }, measurement, state.baking ? 'bake of' : 'analysis of');
    const counted = tally(state.gate, measurement, thresholds);
    state = {
      ...state,
      gate: counted.tally,
      message: `analysis: ${measurement.verdict}, ${measurement.summary}`,
    };
    const rollBack = async (reason: string) =>
      rollback({ state, spec, observed: await this.deps.platform.observe(service), now }, reason);
    if (counted.outcome === 'fail') return rollBack(failed(state, measurement));
    if (counted.outcome === 'inconclusive')
      return rollBack(
        `no data to judge ${version}: ${counted.tally.consecutiveInconclusive} measurements in a row could not (${measurement.summary})`,
      );
    if (measurement.verdict === 'inconclusive') {
      const left = thresholds.inconclusiveLimit - counted.tally.consecutiveInconclusive;
      state = {
        ...state,
        status: 'paused',
        waitingForData: true,
        message: `paused, cannot judge ${version}: ${measurement.summary}. Send it traffic, \`gantry promote ${service}\` to accept it without analysis, or \`gantry abort ${service}\`; rolled back after ${left} more interval(s) without data`,
      };
    } else if (state.waitingForData) state = { ...state, status: 'progressing', waitingForData: false };
    return { ...decision, state };
  }

  private async smoke(decision: Decision, spec: ServiceModel): Promise<Decision> {
    const state = decision.state;
    const url = await this.deps.platform.preview(state.service, state.version);
    const result = await runSmokeChecks(url, spec.release.smoke ?? [], this.deps.sendCheck);
    this.deps.event(
      state,
      result.passed ? 'Normal' : 'Warning',
      result.passed ? 'SmokePassed' : 'SmokeFailed',
      result.lines.join('; '),
    );
    const now = this.deps.now();
    if (result.passed) {
      // Blue-green has a smoke phase to leave; a canary just notes it and goes on with its steps.
      const next =
        state.strategy === 'blue-green'
          ? advance(state, now, 'smoke checks passed')
          : { ...state, smokePassed: true, lastProgressAt: now, message: 'smoke checks passed' };
      return { ...decision, state: next };
    }
    const observed = await this.deps.platform.observe(state.service);
    return rollback(
      { state, spec, observed, now },
      `smoke check failed: ${result.lines.find((l) => !l.endsWith(' ok'))}`,
    );
  }

  private async apply(decision: Decision, observed: ServiceState): Promise<void> {
    const { platform } = this.deps;
    const service = this.state.service;
    if (decision.weights) {
      const current = Object.fromEntries(observed.versions.map((v) => [v.version, v.weight]));
      const changed =
        Object.entries(decision.weights).some(([v, w]) => Math.abs((current[v] ?? 0) - w) > 1e-6) ||
        Object.entries(current).some(([v, w]) => w > 0 && decision.weights![v] === undefined);
      if (changed) await platform.route(service, decision.weights);
    }
    for (const [version, replicas] of Object.entries(decision.replicas)) {
      const desired = observed.versions.find((v) => v.version === version)?.desired;
      if (desired !== replicas && !(desired === undefined && replicas === 0))
        await platform.scale(service, version, replicas);
    }
  }

  /**
   * A new release begins: the old version this one kept for an instant rollback goes now (and a
   * failed one still draining), unless the new release brings exactly that version back (then it
   * takes the replicas over).
   */
  async endRetention(nextVersion: string): Promise<void> {
    const state = this.state;
    if (this.retaining) {
      if (state.stable !== nextVersion && state.stable !== state.version)
        await this.deps.platform.scale(state.service, state.stable, 0);
      await this.commit({ ...state, retainDone: true });
    } else if (this.draining) {
      if (state.version !== nextVersion) await this.deps.platform.scale(state.service, state.version, 0);
      await this.commit({ ...state, drainDone: true });
    }
  }

  /**
   * After success: scale the retained old version down once its time is up. After a rollback
   * that left the failed version serving: scale it down once stable is ready again (or in time).
   */
  private async housekeeping(): Promise<void> {
    const state = this.state;
    const now = this.deps.now();
    if (this.retaining && now >= state.retainUntil!) {
      if (state.stable !== state.version) await this.deps.platform.scale(state.service, state.stable, 0);
      await this.commit({ ...state, retainDone: true });
    } else if (this.draining) {
      const observed = await this.deps.platform.observe(state.service);
      if (readyOf(observed, state.stable) < state.replicas && now < state.drainUntil!) return;
      await this.deps.platform.scale(state.service, state.version, 0);
      await this.commit({ ...state, drainDone: true });
    }
  }

  private async commit(next: ReleaseState): Promise<void> {
    const before = this.state;
    this.state = next;
    if (!isActive(next)) {
      this.load?.stop();
      this.load = undefined;
    }
    if (next.status !== before.status) {
      const bad = next.status === 'rolled-back' || next.status === 'aborted';
      const reason = {
        succeeded: 'ReleaseSucceeded',
        'rolled-back': 'RolledBack',
        aborted: 'Aborted',
        paused: 'ReleasePaused',
        progressing: 'ReleaseProgressing',
      }[next.status];
      this.deps.event(next, bad ? 'Warning' : 'Normal', reason, next.message);
    } else if (next.step !== before.step) {
      this.deps.event(next, 'Normal', 'StepAdvanced', next.message);
    }
    await this.deps.save(next);
  }
}

/** Why a failed measurement rolls a release back, with the phase when it was the bake. */
function failed(state: ReleaseState, measurement: Measurement): string {
  return `analysis failed${state.baking ? ' during the bake' : ''}: ${measurement.summary}`;
}

/** The queries behind a measurement and what each returned, for the event a person reads. */
function evidenceText(measurement: Measurement): string {
  if (!measurement.evidence) return '';
  const answers = measurement.evidence.queries.map(
    ({ name, query, value }) => `${name} = ${value === null ? 'no data' : String(value)} from \`${query}\``,
  );
  return ` — ${measurement.evidence.source}: ${answers.join('; ')}`;
}
