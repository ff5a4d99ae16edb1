/** Child processes of the benchmark: bundled helper scripts, and measured runs under GNU time. */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';

/**
 * Bundles a TypeScript entry into one .mjs file, so the measured process is plain `node` (no
 * TypeScript loader adding start-up time and memory). Packages stay external: they load from
 * node_modules as in the built CLI.
 */
export const bundleScript = async (entry: string, outfile: string): Promise<string> => {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
};

export interface Measured {
  readonly wallMs: number;
  /** Peak resident set size of the process (its largest child, if bigger), in KiB. */
  readonly peakRssKb: number;
  /** User + system CPU time: steadier than wall time on a busy machine. */
  readonly cpuMs: number;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface MeasureOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/**
 * Runs `command` under /usr/bin/time: wall time from spawn to exit as seen from here (process
 * start-up included), peak RSS as the kernel accounted it (getrusage ru_maxrss).
 */
export const measure = async (
  command: string,
  args: readonly string[],
  options: MeasureOptions = {},
): Promise<Measured> => {
  const dir = await mkdtemp(join(tmpdir(), 'popfwd-bench-time-'));
  const timeFile = join(dir, 'rusage');
  try {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, command, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const code = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exit) => resolve(exit ?? -1));
    });
    const wallMs = performance.now() - started;
    // GNU time prints "Command exited with non-zero status N" before the format line.
    const [rss, user, system] = ((await readFile(timeFile, 'utf8')).trim().split('\n').at(-1) ?? '')
      .split(' ')
      .map(Number);
    return {
      wallMs,
      peakRssKb: rss ?? Number.NaN,
      cpuMs: ((user ?? Number.NaN) + (system ?? Number.NaN)) * 1000,
      code,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

export interface Background {
  /** The first line the process printed on stdout, parsed as JSON. */
  readonly ready: unknown;
  stop(): Promise<void>;
}

/** Starts a long-running `node script` that announces itself with one JSON line on stdout. */
export const startBackground = async (
  script: string,
  args: readonly string[],
): Promise<Background> => {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  lines.close();
  child.stdout.resume();
  return {
    ready: JSON.parse(first),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
};
