import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LbMetrics } from './metrics.ts';
import { Recorder } from './recorder.ts';

test('LbMetrics: batched seconds become exact counters by status class and an exact histogram', async () => {
  const recorder = new Recorder();
  const T0 = 1_700_000_000_000;
  const latencies = [0.4, 1, 2, 4, 20, 26, 300, 40_000];
  for (const [i, ms] of latencies.entries())
    recorder.counter('v1').record(T0 + i * 300, i === 3 ? 502 : 200, ms);
  recorder.counter('').record(T0, 503, 0.1);
  const metrics = new LbMetrics();
  for (const counts of recorder.take()) metrics.add('shop', counts);
  const text = await metrics.registry.metrics();
  assert.match(text, /^gantry_lb_requests_total\{service="shop",version="v1",code="2xx"\} 7$/m);
  assert.match(text, /^gantry_lb_requests_total\{service="shop",version="v1",code="5xx"\} 1$/m);
  assert.match(text, /^gantry_lb_requests_total\{service="shop",version="none",code="5xx"\} 1$/m);
  const bucket = (le: string) =>
    Number(
      new RegExp(
        `^gantry_lb_request_duration_seconds_bucket\\{le="${le.replace('+', '\\+')}",service="shop",version="v1"\\} (\\S+)$`,
        'm',
      ).exec(text)?.[1],
    );
  // cumulative: ≤1 ms: 0.4, 1; ≤2.5 ms: + 2; ≤5 ms: + 4; ≤25 ms: + 20; ≤50 ms: + 26; ≤0.5 s: + 300; +Inf: + 40 s
  assert.deepEqual(
    ['0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.25', '0.5', '30', '+Inf'].map(bucket),
    [2, 3, 4, 4, 5, 6, 6, 7, 7, 8],
  );
  assert.match(text, /^gantry_lb_request_duration_seconds_count\{service="shop",version="v1"\} 8$/m);
  const sum = Number(
    /^gantry_lb_request_duration_seconds_sum\{service="shop",version="v1"\} (\S+)$/m.exec(text)?.[1],
  );
  assert.ok(Math.abs(sum - latencies.reduce((a, b) => a + b, 0) / 1000) < 1e-9, String(sum));
  assert.match(text, /# TYPE gantry_lb_request_duration_seconds histogram/);
});
