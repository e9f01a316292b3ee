import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outcome, stepViews } from './progress.ts';

const steps = ['10%', 'pause 3s', '25%', 'analysis', '100%'];
const states = (step: number, status: Parameters<typeof stepViews>[0]['status']) =>
  stepViews({ steps, step, status }).map((s) => s.state);

describe('release progress line', () => {
  it('highlights the current step of a running release', () =>
    assert.deepEqual(states(2, 'progressing'), ['done', 'done', 'current', 'pending', 'pending']));
  it('a paused release is still at its step', () =>
    assert.deepEqual(states(1, 'paused'), ['done', 'current', 'pending', 'pending', 'pending']));
  it('a rollback marks the step it failed at', () =>
    assert.deepEqual(states(3, 'rolled-back'), ['done', 'done', 'done', 'failed', 'pending']));
  it('a success marks every step done, whatever the index says', () =>
    assert.deepEqual(states(5, 'succeeded'), ['done', 'done', 'done', 'done', 'done']));
  it('says why a release ended', () => {
    assert.equal(
      outcome({
        status: 'rolled-back',
        message: 'rolling back',
        reason: 'analysis failed: p95 400ms > 200ms',
      }),
      'rolled back: analysis failed: p95 400ms > 200ms',
    );
    assert.equal(
      outcome({ status: 'aborted', message: 'aborted by a person' }),
      'aborted: aborted by a person',
    );
    assert.equal(outcome({ status: 'paused', message: 'paused until promoted' }), 'paused until promoted');
  });
});
