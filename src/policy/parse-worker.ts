/** The worker side of parse-pool.ts: parse the shard it was given and post the results back. */
import { parentPort, workerData } from 'node:worker_threads';
import { parseManifests } from './input.ts';
import type { ManifestText } from './parse-pool.ts';

const inputs = workerData as ManifestText[];
parentPort!.postMessage(inputs.map(({ file, text }) => parseManifests(file, text)));
