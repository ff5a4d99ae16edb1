#!/usr/bin/env node
// The built CLI (npm ci runs `prepare`, which compiles to dist/).
import { main } from '../dist/lambda/cli/main.js';

// `popfwd archive list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
