import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '../../../lambda/engine/summary.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const PEAK_RSS = /^peak-rss-kb (\d+)$/m;

export interface SpawnOptions {
  /** Extra environment (e.g. POPFWD_CRASH_AT); the child gets nothing else from ours but PATH. */
  readonly env?: Readonly<Record<string, string>>;
  /** SIGKILL the child from outside right after the `count`-th stderr line matching `line`. */
  readonly killAfter?: { readonly line: RegExp; readonly count: number };
  /** Report the child's peak RSS (VmHWM). */
  readonly measureMemory?: boolean;
  /** The child is killed and the call fails after this long. @default 120000 */
  readonly timeoutMs?: number;
}

export interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The `--json` summary, when the child got that far. */
  readonly summary: RunSummary | null;
  /** Peak resident set in bytes, with `measureMemory`, when the child exited normally. */
  readonly peakRss: number | null;
  /** The line `killAfter` killed the child after (null: not killed from outside). */
  readonly killedAfter: string | null;
}

const parseSummary = (stdout: string): RunSummary | null => {
  const line = stdout.trim().split('\n').at(-1);
  if (!line?.startsWith('{')) return null;
  return JSON.parse(line) as RunSummary;
};

/**
 * Runs `popfwd <args>` in a child process from `entry` (bundlePopfwd's file), with its working
 * directory at the repository root. Resolves however the child ends.
 */
export const spawnPopfwd = (
  entry: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<ChildRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', entry, ...args], {
      cwd: REPO,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ...(options.measureMemory ? { POPFWD_REPORT_PEAK_RSS: '1' } : {}),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let matches = 0;
    let partial = '';
    let killedAfter: string | null = null;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`popfwd ${args.join(' ')} did not finish in time:\n${Buffer.concat(stderr)}`),
      );
    }, options.timeoutMs ?? 120_000);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      const { killAfter } = options;
      if (!killAfter || killedAfter !== null) return;
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!killAfter.line.test(line)) continue;
        matches += 1;
        if (matches < killAfter.count) continue;
        killedAfter = line;
        child.kill('SIGKILL');
        return;
      }
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8');
      const rssKb = PEAK_RSS.exec(err)?.[1];
      resolve({
        code,
        signal,
        stdout: out,
        stderr: err,
        // 5: finished with sends waiting; the summary is there as for 0.
        summary: code === 0 || code === 5 ? parseSummary(out) : null,
        peakRss: rssKb === undefined ? null : Number(rssKb) * 1024,
        killedAfter,
      });
    });
  });
