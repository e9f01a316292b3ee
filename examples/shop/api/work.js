// @ts-check
// Busy-loops to generate real CPU load (for autoscaling tests).
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** Longest stretch the event loop is blocked; short enough that probes and metrics still answer. */
const SLICE_MS = 10;

/**
 * Spends `ms` milliseconds of this request's own busy-looping, in slices.
 *
 * Slicing: one long busy loop would block the event loop, so liveness probes would time out under
 * load and the orchestrator would kill the very replicas autoscaling is meant to add to.
 *
 * Counting only our own spinning (not wall time): concurrent requests then share the CPU and each
 * takes longer, so a replica saturates at about 1000/ms requests per second and adding replicas
 * visibly helps, which is the behaviour autoscaling tests need.
 * @param {number} ms
 */
export async function burnCpu(ms) {
  let remaining = ms;
  while (remaining > 0) {
    const start = performance.now();
    const sliceEnd = start + Math.min(SLICE_MS, remaining);
    while (performance.now() < sliceEnd) {
      // spin
    }
    remaining -= performance.now() - start;
    await yieldToEventLoop();
  }
}
