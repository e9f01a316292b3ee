/**
 * Shared fixtures for the strategy tests (not a test file itself: scripts/test.js runs
 * `*.test.ts` only). Specs are parsed with loadSpec so every default is the real one.
 */
import type { ServiceState, VersionState } from '../platform/platform.ts';
import { loadSpec } from '../spec/load.ts';
import type { ServiceModel } from '../spec/model.ts';
import { EMPTY_TALLY } from './analysis.ts';
import type { Decision } from './decision.ts';
import type { SendCheck } from './smoke.ts';
import type { ReleaseState, Strategy } from './state.ts';

export const T0 = 1_700_000_000_000;

/** The HTTP client of a test that sends no smoke check: any request is an error the release reports. */
export const NO_HTTP: SendCheck = async () => new Error('this test sends no HTTP request');
export const OLD = 'v1';
export const NEW = 'v2';

/** The `api` service of a small spec whose `release:` is the given YAML flow mapping. */
export function serviceWith(release: string, replicas = 3): ServiceModel {
  const text = [
    'app: shop',
    'services:',
    '  api:',
    '    run: node api/server.js',
    '    port: 8000',
    `    replicas: ${replicas}`,
    `    release: ${release}`,
    '',
  ].join('\n');
  const result = loadSpec(text, { file: 'gantry.yaml' });
  if (!result.ok)
    throw new Error(`fixture spec does not load: ${result.problems.map((p) => p.message).join('; ')}`);
  return result.model.services.api!;
}

/** A release as the daemon starts it (ReleaseManager.blank), at T0, from v1 to v2. */
export function releaseState(strategy: Strategy, overrides: Partial<ReleaseState> = {}): ReleaseState {
  return {
    id: 2,
    service: 'api',
    version: NEW,
    stable: OLD,
    strategy,
    replicas: 3,
    status: 'progressing',
    step: 0,
    stepStartedAt: T0,
    lastProgressAt: T0,
    promote: 'none',
    gate: EMPTY_TALLY,
    background: EMPTY_TALLY,
    lastGateAt: null,
    lastBackgroundAt: null,
    measurements: [],
    message: 'starting',
    startedAt: T0,
    ...overrides,
  };
}

export type Counts = { desired: number; ready: number; weight?: number; current?: number };

/** An observed ServiceState by hand: `observe({ v1: { desired: 3, ready: 3, weight: 100 } })`. */
export function observe(versions: Record<string, Counts>): ServiceState {
  return {
    service: 'api',
    versions: Object.entries(versions).map(
      ([version, c]): VersionState => ({
        version,
        desired: c.desired,
        current: c.current ?? c.desired,
        ready: c.ready,
        weight: c.weight ?? 0,
      }),
    ),
  };
}

/** Only v1, at full size and taking all traffic: the service before any release. */
export const steady = (replicas = 3) =>
  observe({ [OLD]: { desired: replicas, ready: replicas, weight: 100 } });

/**
 * What the platform looks like once it has done what the decision asked: versions named get
 * their desired count (a scale-down removes ready replicas at once, new ones start unready),
 * weights are set when given, versions at 0 desired disappear.
 */
export function applyDecision(observed: ServiceState, decision: Decision): ServiceState {
  const byVersion = new Map(observed.versions.map((v) => [v.version, { ...v }]));
  for (const [version, desired] of Object.entries(decision.replicas)) {
    const v = byVersion.get(version) ?? { version, desired: 0, current: 0, ready: 0, weight: 0 };
    v.desired = desired;
    v.current = desired;
    v.ready = Math.min(v.ready, desired);
    byVersion.set(version, v);
  }
  if (decision.weights) for (const v of byVersion.values()) v.weight = decision.weights[v.version] ?? 0;
  return {
    ...observed,
    versions: [...byVersion.values()].filter((v) => v.desired > 0 || v.current > 0),
  };
}

/** Every started replica of `version` passes readiness. */
export function markReady(observed: ServiceState, version: string): ServiceState {
  return {
    ...observed,
    versions: observed.versions.map((v) => (v.version === version ? { ...v, ready: v.desired } : v)),
  };
}
