/**
 * Parses manifest texts on worker threads when there is enough YAML to be worth a thread's
 * start (about a third of a second) and more than one core: YAML parsing is most of what
 * `gantry lint` spends on a big input, and files parse independently. The workers also get a
 * larger young generation, since parsing allocates many short-lived nodes (the garbage
 * collector otherwise takes a third of the time). Results come back in the order given.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type ParsedInput, parseManifests } from './input.ts';

/** Below this many bytes one thread is faster than starting another. */
export const PARALLEL_THRESHOLD_BYTES = 2_000_000;
const BYTES_PER_WORKER = 1_000_000;
const MAX_WORKERS = 4;

export interface ManifestText {
  file: string;
  text: string;
}

/** `threads` overrides the choice (tests use it to take the worker path on a small input). */
export async function parseAll(
  inputs: readonly ManifestText[],
  options: { threads?: number } = {},
): Promise<ParsedInput[]> {
  const bytes = inputs.reduce((sum, input) => sum + input.text.length, 0);
  const threads =
    options.threads ??
    (bytes < PARALLEL_THRESHOLD_BYTES
      ? 1
      : Math.min(availableParallelism(), MAX_WORKERS, Math.ceil(bytes / BYTES_PER_WORKER)));
  if (threads < 2 || inputs.length < 2) return inputs.map(({ file, text }) => parseManifests(file, text));

  // Shards of about equal size, biggest files first; this thread parses the first shard itself.
  const shards: { indexes: number[]; bytes: number }[] = Array.from({ length: threads }, () => ({
    indexes: [],
    bytes: 0,
  }));
  const bySize = inputs
    .map((input, index) => ({ index, bytes: input.text.length }))
    .sort((a, b) => b.bytes - a.bytes);
  for (const { index, bytes: size } of bySize) {
    const smallest = shards.reduce((min, shard) => (shard.bytes < min.bytes ? shard : min));
    smallest.indexes.push(index);
    smallest.bytes += size;
  }
  const results: ParsedInput[] = new Array(inputs.length);
  const [own, ...others] = shards;
  const pending = others.map((shard) => parseOnWorker(shard.indexes.map((i) => inputs[i]!)));
  for (const index of own!.indexes) results[index] = parseManifests(inputs[index]!.file, inputs[index]!.text);
  const parsed = await Promise.all(pending);
  others.forEach((shard, s) => {
    shard.indexes.forEach((index, i) => {
      results[index] = parsed[s]![i]!;
    });
  });
  return results;
}

/** One worker parsing a shard: it loads TypeScript through tsx, as the CLI does. */
function parseOnWorker(inputs: ManifestText[]): Promise<ParsedInput[]> {
  const tsx = import.meta.resolve('tsx/esm/api');
  const script = import.meta.resolve('./parse-worker.ts');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script)}); })`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(bootstrap, {
      eval: true,
      workerData: inputs,
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
    });
    worker.once('message', resolve); // then it exits by itself: nothing else keeps it alive
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the parse worker exited with code ${code}`));
    });
  });
}
