/**
 * What every peer benchmark needs: the tools, the mailbox in Dovecot, and a latency proxy in front
 * of it. Everything lives under .bench/ (git-ignored) or in temp dirs, and is removed by stop().
 */
import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dovecotWireBody } from '../../test/helpers/dovecot/dovecot.js';
import { TLS_PATHS } from '../../test/helpers/tls-fixtures.js';
import { BENCH_USER, type BenchMailbox, startBenchMailbox } from './mailbox.js';
import { type Background, bundleScript, startBackground } from './processes.js';
import { ensureTools, type ToolName } from './tools.js';

export const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const WORK_DIR = join(PROJECT_DIR, '.bench');
export const BENCHMARKS_MD = join(PROJECT_DIR, 'BENCHMARKS.md');

/** The added round trip of the "far away" runs: 25 ms each way, as a latency proxy would. */
export const RTT_MS = 50;

export interface Latency {
  readonly label: string;
  readonly rttMs: number;
  /** The POP3 (implicit TLS) port to use at this latency. */
  readonly port: number;
}

export interface BenchEnvironment {
  readonly mailbox: BenchMailbox;
  /** Bytes RETR delivers for the whole mailbox (dot-unstuffed, CRLF), the throughput's numerator. */
  readonly wireBytes: number;
  readonly latencies: readonly Latency[];
  readonly user: string;
  readonly password: string;
  readonly caFile: string;
  stop(): Promise<void>;
}

/** Repetitions, from the environment (small values for a quick trial of the harness). */
export const setting = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

export const step = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};

export const buildCli = (): void => {
  step('building the CLI (npm run build)');
  const result = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: PROJECT_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error('npm run build failed');
};

/** Bytes RETR delivers for every message of `maildir` (dot-unstuffed, CRLF). */
export const wireSize = async (maildir: string): Promise<number> => {
  let total = 0;
  for (const name of await readdir(join(maildir, 'new'))) {
    total += dovecotWireBody(await readFile(join(maildir, 'new', name))).length;
  }
  return total;
};

export const setUpEnvironment = async (
  tools: readonly ToolName[],
  options: { count: number },
): Promise<BenchEnvironment> => {
  ensureTools(['dovecot', 'time', ...tools]);
  step(`writing the mailbox: ${options.count} messages + one 30 MB message`);
  const mailbox = await startBenchMailbox({ count: options.count, big: true });
  let proxy: Background | undefined;
  try {
    const wireBytes = await wireSize(mailbox.dovecot.maildir(BENCH_USER.user));
    const proxyScript = await bundleScript(
      join(PROJECT_DIR, 'bench', 'latency-proxy-main.ts'),
      join(WORK_DIR, 'bin', 'latency-proxy.mjs'),
    );
    proxy = await startBackground(proxyScript, [
      String(mailbox.dovecot.tlsPort),
      String(RTT_MS / 2),
    ]);
    const proxyPort = (proxy.ready as { port: number }).port;
    const running = proxy;
    return {
      mailbox,
      wireBytes,
      latencies: [
        { label: 'loopback', rttMs: 0, port: mailbox.dovecot.tlsPort },
        { label: `${RTT_MS} ms RTT`, rttMs: RTT_MS, port: proxyPort },
      ],
      user: BENCH_USER.user,
      password: BENCH_USER.password,
      caFile: TLS_PATHS.ca,
      async stop() {
        await running.stop();
        await mailbox.stop();
      },
    };
  } catch (error) {
    await proxy?.stop();
    await mailbox.stop();
    throw error;
  }
};
