import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOCAL_BACKOFF } from '../../../local/supervisor/backoff.ts';
import { CliError } from '../../errors.ts';
import { parseBackoff, parseSyncPeriod } from './command.ts';

test('parseSyncPeriod: the option, else GANTRY_AUTOSCALE_SYNC_PERIOD, else the default (undefined)', () => {
  assert.equal(parseSyncPeriod('3s', { GANTRY_AUTOSCALE_SYNC_PERIOD: '2s' }), 3000);
  assert.equal(parseSyncPeriod(undefined, { GANTRY_AUTOSCALE_SYNC_PERIOD: '500ms' }), 500);
  assert.equal(parseSyncPeriod(undefined, {}), undefined);
  assert.equal(parseSyncPeriod(undefined, { GANTRY_AUTOSCALE_SYNC_PERIOD: '' }), undefined);
});

test('parseSyncPeriod: a bad value names where it came from, with a hint', () => {
  const bad = (option: string | undefined, env: Record<string, string>) => {
    try {
      parseSyncPeriod(option, env);
    } catch (error) {
      assert.ok(error instanceof CliError);
      return `${error.message} | ${error.hint} | ${error.exitCode}`;
    }
    assert.fail('expected a CliError');
  };
  assert.equal(
    bad(undefined, { GANTRY_AUTOSCALE_SYNC_PERIOD: '2' }),
    'GANTRY_AUTOSCALE_SYNC_PERIOD must be a duration of at least 100ms, got "2" | for example 2s for tests; Kubernetes syncs every 15s | 2',
  );
  assert.equal(
    bad('10ms', {}),
    '--autoscale-sync-period must be a duration of at least 100ms, got "10ms" | for example 2s for tests; Kubernetes syncs every 15s | 2',
  );
});

test('parseBackoff: INITIAL,MAX with the local reset rules; a bad value is a usage error', () => {
  assert.equal(parseBackoff(undefined), undefined);
  assert.deepEqual(parseBackoff('200ms,1s'), { ...LOCAL_BACKOFF, initialMs: 200, maxMs: 1000 });
  for (const bad of ['1s', '2s,1s', 'x,1s'])
    assert.throws(
      () => parseBackoff(bad),
      (error: unknown) => error instanceof CliError && error.exitCode === 2,
    );
});
