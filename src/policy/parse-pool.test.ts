import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { parseManifests } from './input.ts';
import { PARALLEL_THRESHOLD_BYTES, parseAll } from './parse-pool.ts';

/** A file of `count` ConfigMaps; every seventh ends with a syntax error. */
function manifest(file: number, count: number): string {
  const docs = Array.from({ length: count }, (_, i) =>
    stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `cm-${file}-${i}` },
      data: { i: String(i) },
    }),
  );
  return `${docs.join('---\n')}${file % 7 === 0 ? '---\nkind: [\n' : ''}`;
}

describe('parseAll', () => {
  const inputs = Array.from({ length: 15 }, (_, file) => ({
    file: `f${file}.yaml`,
    text: manifest(file, 50),
  }));
  const serial = inputs.map(({ file, text }) => parseManifests(file, text));

  it('on three worker threads gives exactly what parsing one file at a time gives, in order', async () => {
    assert.deepEqual(await parseAll(inputs, { threads: 3 }), serial);
  });

  it('parses an input below the threshold on this thread, with the same result', async () => {
    const bytes = inputs.reduce((sum, input) => sum + input.text.length, 0);
    assert.ok(bytes < PARALLEL_THRESHOLD_BYTES);
    assert.deepEqual(await parseAll(inputs), serial);
  });
});
