/**
 * A release on a cluster keeps its state in one annotation on the service's stable Deployment
 * (on its Service for blue-green, whose two Deployments take turns),
 * `gantry.dev/release`, as JSON: the whole ReleaseState (id, strategy, step, status, verdicts…),
 * a person's pending request (promote, abort) and the spec each recent version runs (its
 * revision: what a controller, which has no spec file, drives the release by). The cluster is
 * then the only place the release lives, so `gantry rollout status/promote/abort --env prod`
 * from another machine reads and changes the same state. It also keeps the last releases that
 * ended (`history`, bounded), so `gantry history --env` lists them and `gantry rollback --env`
 * knows which version ran before. Pure: text in, value out. (Annotations written before the
 * revisions were kept also carry `weights` and `traffic`; they are read and dropped.)
 */
import type { ReleaseRequest } from '../../rollout/manager.ts';
import type { ReleaseState, ReleaseStatus, Strategy } from '../../rollout/state.ts';
import type { ServiceModel } from '../../spec/model.ts';
import { KubeError } from './api-failure.ts';

export const RELEASE_ANNOTATION = 'gantry.dev/release';

/** Annotations share 256 KiB per object with everything else; keep the verdicts a person reads. */
export const ANNOTATION_MEASUREMENTS = 5;

/** Revisions kept: the current release's version, the one it replaced, and one more for a rollback. */
export const ANNOTATION_REVISIONS = 3;

export interface ClusterRelease {
  state: ReleaseState;
  /** A person's word, taken (and cleared) by whichever process drives the release. */
  request?: ReleaseRequest;
  /** The releases before this one that ended, oldest first, without their measurements (release-history.ts). */
  history?: ReleaseState[];
  /** The spec each recent version runs, by version, newest last. */
  revisions?: Record<string, ServiceModel>;
  /**
   * Who drives the release and when it last saved it: `gantry deploy` on some machine, or the
   * controller. A controller leaves a release alone while another driver saves it; once that one
   * has gone quiet (a CI job cancelled mid-canary), the controller takes it over.
   */
  driver?: { name: string; at: string };
}

export type Decoded = { ok: true; value: ClusterRelease } | { ok: false; problem: string };

export function encodeRelease(release: ClusterRelease): string {
  const state = {
    ...release.state,
    measurements: release.state.measurements.slice(-ANNOTATION_MEASUREMENTS),
  };
  return JSON.stringify({ ...release, state });
}

const STRATEGIES: readonly Strategy[] = ['rolling', 'blue-green', 'canary', 'rollback'];
const STATUSES: readonly ReleaseStatus[] = ['progressing', 'paused', 'succeeded', 'rolled-back', 'aborted'];
const REQUESTS: readonly ReleaseRequest[] = ['promote', 'promote-full', 'abort'];

/**
 * The annotation back to a release. Anyone with edit rights can change an annotation, so every
 * field the engine relies on is checked and the first wrong one is named.
 */
/**
 * The release a holder (the stable Deployment, or the Service for blue-green) carries; none
 * without the annotation. A damaged one is an error naming the object and how to clear it.
 */
export function releaseOn(
  kind: 'Deployment' | 'Service',
  holder: { metadata: { name: string; annotations?: Record<string, string> } },
  namespace: string,
): ClusterRelease | undefined {
  const text = holder.metadata.annotations?.[RELEASE_ANNOTATION];
  if (text === undefined) return undefined;
  const decoded = decodeRelease(text);
  if (!decoded.ok)
    throw new KubeError(
      `${kind} ${namespace}/${holder.metadata.name}: ${decoded.problem}`,
      `fix or remove the annotation (kubectl annotate ${kind.toLowerCase()} ${holder.metadata.name} ${RELEASE_ANNOTATION}-)`,
    );
  return decoded.value;
}

export function decodeRelease(text: string): Decoded {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `${RELEASE_ANNOTATION}: not JSON (${(error as Error).message})` };
  }
  const fail = (field: string, expected: string): Decoded => ({
    ok: false,
    problem: `${RELEASE_ANNOTATION}: ${field} should be ${expected}`,
  });
  if (!isRecord(parsed)) return fail('the value', 'an object');
  const { state, request, history, revisions, driver } = parsed;
  if (!isRecord(state)) return fail('state', 'an object');
  for (const field of ['id', 'replicas', 'step', 'startedAt'] as const)
    if (typeof state[field] !== 'number') return fail(`state.${field}`, 'a number');
  for (const field of ['service', 'version', 'stable', 'message'] as const)
    if (typeof state[field] !== 'string') return fail(`state.${field}`, 'a string');
  if (!STRATEGIES.includes(state.strategy as Strategy)) return fail('state.strategy', STRATEGIES.join(' | '));
  if (!STATUSES.includes(state.status as ReleaseStatus)) return fail('state.status', STATUSES.join(' | '));
  if (!Array.isArray(state.measurements)) return fail('state.measurements', 'a list');
  if (request !== undefined && !REQUESTS.includes(request as ReleaseRequest))
    return fail('request', REQUESTS.join(' | '));
  if (history !== undefined) {
    if (!Array.isArray(history)) return fail('history', 'a list');
    for (const [index, entry] of history.entries()) {
      if (!isRecord(entry)) return fail(`history[${index}]`, 'an object');
      if (typeof entry.id !== 'number') return fail(`history[${index}].id`, 'a number');
      for (const field of ['version', 'stable', 'status'] as const)
        if (typeof entry[field] !== 'string') return fail(`history[${index}].${field}`, 'a string');
    }
  }
  if (revisions !== undefined) {
    if (!isRecord(revisions)) return fail('revisions', 'an object of specs by version');
    for (const [version, spec] of Object.entries(revisions))
      if (!isRecord(spec) || !isRecord(spec.release)) return fail(`revisions.${version}`, 'a service spec');
  }
  if (
    driver !== undefined &&
    (!isRecord(driver) || typeof driver.name !== 'string' || typeof driver.at !== 'string')
  )
    return fail('driver', 'an object with name and at');
  return {
    ok: true,
    value: {
      state: state as unknown as ReleaseState,
      ...(driver !== undefined ? { driver: driver as { name: string; at: string } } : {}),
      ...(request !== undefined ? { request: request as ReleaseRequest } : {}),
      ...(history !== undefined ? { history: history as ReleaseState[] } : {}),
      ...(revisions !== undefined ? { revisions: revisions as Record<string, ServiceModel> } : {}),
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
