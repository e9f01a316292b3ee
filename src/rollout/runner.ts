/**
 * Runs one release against a Platform: on every tick it observes, lets the strategy
 * decide, takes the measurements and smoke checks it asks for, makes the platform match
 * (routing first, so a rollback moves traffic before anything is scaled), and persists
 * the state, so a new daemon resumes at the same step.
 */
import type { MetricSource } from '../metrics/source.ts';
import type { Platform, ServiceState } from '../platform/platform.ts';
import { type EffectiveAnalysis, effectiveAnalysis, type ServiceModel } from '../spec/model.ts';
import { clearlyFailing, judge, type Measurement, tally } from './analysis.ts';
import { advance, type Decision, rollback } from './decision.ts';
import { runSmokeChecks } from './smoke.ts';
import { isActive, MAX_MEASUREMENTS, type ReleaseState } from './state.ts';
import { decide } from './strategy.ts';

export interface RunnerDeps {
  platform: Platform;
  /** The service spec of a version (its revision). */
  specFor(service: string, version: string): ServiceModel;
  save(state: ReleaseState): void;
  event(state: ReleaseState, type: 'Normal' | 'Warning', reason: string, message: string): void;
  now(): number;
  /** What measures a release whose analysis names a provider (Prometheus); the platform when undefined. */
  metricSource?(analysis: EffectiveAnalysis): MetricSource | undefined;
}

export class ReleaseRunner {
  private busy = false;

  constructor(
    public state: ReleaseState,
    private readonly deps: RunnerDeps,
  ) {}

  /** True while the runner still has work: an active release, or a retained old version to scale down. */
  get live(): boolean {
    return (
      isActive(this.state) ||
      (this.state.status === 'succeeded' && !this.state.retainDone && this.state.retainUntil !== undefined)
    );
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
    if (action === 'promote' || action === 'promote-full')
      this.state = {
        ...this.state,
        promote: action === 'promote-full' ? 'full' : 'step',
        status: 'progressing',
      };
    const observed = await platform.observe(this.state.service);
    const spec = this.deps.specFor(this.state.service, this.state.version);
    const input = { state: this.state, spec, observed, now: now() };
    let decision = action === 'abort' ? rollback(input, 'aborted by a person', 'aborted') : decide(input);
    decision = await this.backgroundAnalysis(decision, spec, observed);
    if (isActive(decision.state) && decision.gate) decision = await this.gate(decision, spec);
    if (isActive(decision.state) && decision.smoke) decision = await this.smoke(decision, spec);
    await this.apply(decision, observed);
    this.commit(decision.state);
  }

  private async measure(
    version: string,
    windowSeconds: number,
    thresholds: EffectiveAnalysis,
  ): Promise<Measurement> {
    const source = this.deps.metricSource?.(thresholds) ?? this.deps.platform;
    const metrics = await source
      .metrics(this.state.service, version, windowSeconds)
      .catch((error: Error) => error);
    return judge(version, metrics, thresholds, this.deps.now());
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
            `analysis failed: ${early.summary}`,
          )
        : decision;
    }
    const measurement = await this.measure(state.version, thresholds.intervalSeconds, thresholds);
    state = this.record({ ...state, lastBackgroundAt: now }, measurement, 'background analysis of');
    const counted = tally(state.background, measurement, thresholds);
    state = { ...state, background: counted.tally };
    if (counted.outcome === 'fail')
      return rollback({ state, spec, observed, now }, `analysis failed: ${measurement.summary}`);
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

  /** A gate: measure every interval; enough passes let the strategy advance, a failure rolls back. */
  private async gate(decision: Decision, spec: ServiceModel): Promise<Decision> {
    let state = decision.state;
    const steps = spec.release.steps ?? [];
    const thresholds = effectiveAnalysis(
      spec.release.analysis,
      state.strategy === 'canary' ? steps[state.step]?.analysis : undefined,
    );
    const now = this.deps.now();
    if (state.lastGateAt === null) return { ...decision, state: { ...state, lastGateAt: now } };
    if (now - state.lastGateAt < thresholds.intervalSeconds * 1000) return decision;
    const target = state.version;
    const measurement = await this.measure(target, thresholds.intervalSeconds, thresholds);
    state = this.record({ ...state, lastGateAt: now }, measurement, 'analysis of');
    const counted = tally(state.gate, measurement, thresholds);
    state = {
      ...state,
      gate: counted.tally,
      message: `analysis: ${measurement.verdict}, ${measurement.summary}`,
    };
    if (counted.outcome === 'fail') {
      const observed = await this.deps.platform.observe(state.service);
      return rollback({ state, spec, observed, now }, `analysis failed: ${measurement.summary}`);
    }
    // A measurement that could judge ends a wait for traffic.
    if (counted.outcome === 'continue' && state.status === 'paused' && measurement.verdict !== 'inconclusive')
      state = { ...state, status: 'progressing' };
    if (counted.outcome === 'stuck')
      state = {
        ...state,
        status: 'paused',
        message: `waiting: ${measurement.summary} (${counted.tally.consecutiveInconclusive} times); send traffic, or \`gantry promote ${state.service}\` to go on`,
      };
    return { ...decision, state };
  }

  private async smoke(decision: Decision, spec: ServiceModel): Promise<Decision> {
    const state = decision.state;
    const url = await this.deps.platform.preview(state.service, state.version);
    const result = await runSmokeChecks(url, spec.release.smoke ?? []);
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
   * A new release begins: the old version this one kept for an instant rollback goes now,
   * unless the new release brings exactly that version back (then it takes the replicas over).
   */
  async endRetention(nextVersion: string): Promise<void> {
    const state = this.state;
    if (state.status !== 'succeeded' || state.retainDone || state.retainUntil === undefined) return;
    if (state.stable !== nextVersion && state.stable !== state.version)
      await this.deps.platform.scale(state.service, state.stable, 0);
    this.commit({ ...state, retainDone: true });
  }

  /** After success: scale the retained old version down once its time is up. */
  private async housekeeping(): Promise<void> {
    const state = this.state;
    if (state.status !== 'succeeded' || state.retainDone || state.retainUntil === undefined) return;
    if (this.deps.now() < state.retainUntil) return;
    if (state.stable !== state.version) await this.deps.platform.scale(state.service, state.stable, 0);
    this.commit({ ...state, retainDone: true });
  }

  private commit(next: ReleaseState): void {
    const before = this.state;
    this.state = next;
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
    this.deps.save(next);
  }
}

/** The queries behind a measurement and what each returned, for the event a person reads. */
function evidenceText(measurement: Measurement): string {
  if (!measurement.evidence) return '';
  const answers = measurement.evidence.queries.map(
    ({ name, query, value }) => `${name} = ${value === null ? 'no data' : String(value)} from \`${query}\``,
  );
  return ` — ${measurement.evidence.source}: ${answers.join('; ')}`;
}
