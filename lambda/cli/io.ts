import type { Writable } from 'node:stream';
import type { LogLevel } from '../log.js';

/** What a command may touch of its process; tests pass their own. */
export interface CliIO {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean; columns?: number };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Aborted on SIGINT/SIGTERM: long-running commands finish cleanly. */
  readonly signal: AbortSignal;
}

/** A command's implementation; what it is called and its options are in command-specs.ts. */
export interface Command {
  /** Returns the exit code (exit-codes.ts); errors it throws are mapped to one by main. */
  run(args: readonly string[], io: CliIO): Promise<number>;
}

/** -q: warnings and errors only; -v: debug lines too. */
export const logLevelOf = (values: {
  readonly quiet: boolean;
  readonly verbose: boolean;
}): LogLevel => (values.quiet ? 'warn' : values.verbose ? 'debug' : 'info');

export const processIO = (signal: AbortSignal): CliIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal,
});
