/**
 * `popfwd` for child processes, bundled by popfwd-bundle.ts (or run as `node --import tsx
 * popfwd-child.ts run --config FILE --json`). With POPFWD_REPORT_PEAK_RSS=1 it writes its peak
 * resident set (VmHWM from /proc/self/status, kB) as the last stderr line: `peak-rss-kb <n>`.
 */
import { readFileSync } from 'node:fs';
import { main } from '../../../lambda/cli/main.js';

const peakRssKb = (): number => {
  const status = readFileSync('/proc/self/status', 'utf8');
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!match?.[1]) throw new Error('no VmHWM in /proc/self/status');
  return Number(match[1]);
};

process.exitCode = await main(process.argv.slice(2));
if (process.env.POPFWD_REPORT_PEAK_RSS === '1')
  process.stderr.write(`peak-rss-kb ${peakRssKb()}\n`);
