/**
 * The project's folder (package.json, bin/, data/, src/, node_modules/), found from where this
 * code sits: one folder below it, as src/root.ts when run from source and as a chunk of the flat
 * build in dist/ (scripts/build.js keeps every output file directly in dist/ for this).
 */
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
