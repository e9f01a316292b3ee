#!/usr/bin/env node
// Runs the built CLI (dist/, from src/ by scripts/build.js: npm ci, npm test, npm start and
// npm run bench build it; after editing src/ by hand, `npm run build`).
import { existsSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);
if (!existsSync(new URL('main.js', dist))) {
  process.stderr.write(
    'gantry: the CLI is not built (no dist/main.js)\n  hint: run npm run build (npm ci does it)\n',
  );
  process.exit(1);
}
// Stack traces name src/*.ts lines, under --verbose only: reading the maps costs start-up time.
if (process.argv.includes('--verbose')) process.setSourceMapsEnabled(true);
const { main } = await import(new URL('main.js', dist).href);
const { endQuietlyWhenOutputCloses } = await import(new URL('output.js', dist).href);
// `gantry render | head -1`: a closed stdout ends the command quietly (exit 0), never a stack trace.
endQuietlyWhenOutputCloses();
process.exitCode = await main(process.argv.slice(2));
