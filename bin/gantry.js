#!/usr/bin/env node
// Gantry is written in TypeScript and run through tsx, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const { endQuietlyWhenOutputCloses } = await import('../src/cli/output.ts');
// `gantry render | head -1`: a closed stdout ends the command quietly (exit 0), never a stack trace.
endQuietlyWhenOutputCloses();
process.exitCode = await main(process.argv.slice(2));
