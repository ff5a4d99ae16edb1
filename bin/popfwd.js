#!/usr/bin/env node
// The compiled CLI in dist/: a package made by `npm pack` carries it; in a clone, `npm ci` builds
// it (the prepare script).
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Node 22.1+ keeps compiled code on disk between processes: a quicker start for each
// `popfwd run` (from cron, say). Older Node versions have no such cache and skip this.
module.enableCompileCache?.();

const entry = new URL('../dist/lambda/cli/main.js', import.meta.url);
let main;
try {
  ({ main } = await import(entry.href));
} catch (error) {
  if (
    error?.code !== 'ERR_MODULE_NOT_FOUND' ||
    !String(error.message).includes(fileURLToPath(entry))
  ) {
    throw error;
  }
  process.stderr.write(
    'popfwd: the compiled CLI (dist/) is missing: run `npm run build` in a clone, or reinstall popfwd\n',
  );
  process.exit(1);
}

// `popfwd archive list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
