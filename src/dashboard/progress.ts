/**
 * A release's steps as the page draws them: each step done, current, failed or still to
 * come. The daemon names the steps (`steps`, as `gantry rollout status` prints them) and
 * says which one the release is at (`step`); this decides how each one looks. Pure.
 */
import type { ReleaseView } from './types.ts';

export type StepState = 'done' | 'current' | 'failed' | 'pending';

export interface StepView {
  label: string;
  state: StepState;
}

export function stepViews(release: Pick<ReleaseView, 'steps' | 'step' | 'status'>): StepView[] {
  const { steps, step, status } = release;
  return steps.map((label, index) => {
    if (status === 'succeeded' || index < step) return { label, state: 'done' };
    if (index > step) return { label, state: 'pending' };
    if (status === 'rolled-back' || status === 'aborted') return { label, state: 'failed' };
    return { label, state: 'current' };
  });
}

/** The line under the progress: what it is doing now, or how it ended and why. */
export function outcome(release: Pick<ReleaseView, 'status' | 'message' | 'reason'>): string {
  switch (release.status) {
    case 'progressing':
    case 'paused':
      return release.message;
    case 'succeeded':
      return `succeeded: ${release.message}`;
    case 'rolled-back':
      return `rolled back: ${release.reason ?? release.message}`;
    case 'aborted':
      return `aborted: ${release.reason ?? release.message}`;
  }
}
