#!/usr/bin/env node
// The built CLI (npm ci runs `prepare`, which compiles to dist/).
import module from 'node:module';

// Node 22.1+ keeps compiled code on disk between processes: a quicker start for each
// `popfwd run` (from cron, say). Older Node versions have no such cache and skip this.
module.enableCompileCache?.();

const { main } = await import('../dist/lambda/cli/main.js');

// `popfwd archive list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
