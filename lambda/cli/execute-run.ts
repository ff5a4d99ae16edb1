import type { AccessTokenCache } from '../auth/access-token-cache.js';
import type { Config } from '../config/config-schema.js';
import { runMailbox } from '../engine/run.js';
import type { RunSummary } from '../engine/summary.js';
import type { LogLevel } from '../log.js';
import { redactingLog } from '../redact/redacting-log.js';
import { Redactor } from '../redact/redactor.js';
import { cliAdapters } from './adapters.js';
import type { CliIO } from './io.js';
import { consoleLog } from './output/console-log.js';
import { ProgressBar } from './output/progress-bar.js';

export interface RunFlags {
  readonly json: boolean;
  readonly level: LogLevel;
  /** false: no progress bar even on a terminal (--quiet). @default true */
  readonly progress?: boolean;
  /** --deadline: the run ends this soon, or at limits.runTimeout if that comes first. */
  readonly deadlineMs?: number;
  /** The time at the start of each log line (consoleLog's default otherwise). */
  readonly stamp?: () => string;
  /** `popfwd watch`: one cache for all its runs. */
  readonly accessTokens?: AccessTokenCache;
}

/**
 * One run from the CLI: a progress bar on a terminal (log lines above it), plain log lines
 * otherwise. The summary is returned; the caller prints it.
 */
export const executeRun = async (
  config: Config,
  io: CliIO,
  flags: RunFlags,
): Promise<RunSummary> => {
  const bar =
    io.stderr.isTTY && !flags.json && flags.progress !== false ? new ProgressBar(io.stderr) : null;
  const level = bar && flags.level === 'info' ? 'warn' : flags.level;
  // Learns the run's secrets: the net for the log lines, the summary and the error printed.
  const redactor = new Redactor();
  const log = redactingLog(
    consoleLog(io.stderr, {
      level,
      ...(flags.stamp ? { stamp: flags.stamp } : {}),
      ...(bar ? { around: (write: () => void) => bar.around(write) } : {}),
    }),
    redactor,
  );
  const adapters = cliAdapters(config, io);
  try {
    const summary = await runMailbox({
      config,
      ...adapters,
      redactor,
      log,
      // The engine caps it by limits.runTimeout (run-budget.ts).
      ...(flags.deadlineMs === undefined
        ? {}
        : { deadline: adapters.clock.now() + flags.deadlineMs }),
      signal: io.signal,
      ...(bar ? { onProgress: (progress) => bar.update(progress) } : {}),
      ...(flags.accessTokens ? { accessTokens: flags.accessTokens } : {}),
    });
    return redactor.redactValue(summary);
  } catch (error) {
    throw redactor.redactError(error);
  } finally {
    bar?.clear();
  }
};
