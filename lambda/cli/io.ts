import type { Writable } from 'node:stream';

/** What a command may touch of its process; tests pass their own. */
export interface CliIO {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean; columns?: number };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Aborted on SIGINT/SIGTERM: long-running commands finish cleanly. */
  readonly signal: AbortSignal;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface Command {
  /** Words after `popfwd`, e.g. ['archive', 'list']. */
  readonly name: readonly string[];
  readonly summary: string;
  readonly usage: string;
  run(args: readonly string[], io: CliIO): Promise<number>;
}

export const processIO = (signal: AbortSignal): CliIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal,
});
