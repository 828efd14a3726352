#!/usr/bin/env -S node --max-semi-space-size=32
// The `arc` command: runs the TypeScript sources through tsx, so there is no build step.
// --max-semi-space-size=32 (MB, V8's default is 16): an import keeps each chunk of 10,000 rows
// alive while the database writes it, which in the default young generation was copied and
// promoted again and again: a million invoices took 15 s of node CPU, 11.7 s with 32 MB (peak
// RSS about the same, ~350 MB; 64 MB saved no more and took ~440 MB). Keep the scripts in
// package.json and bench/import.ts in step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
