import type { Mailer } from '../actions/mailer.js';
import type { AccessTokenCache } from '../auth/access-token-cache.js';
import type { Credentials } from '../auth/credentials.js';
import type { Config } from '../config/schema.js';
import { runMailbox } from '../engine/run.js';
import type { RunSummary } from '../engine/summary.js';
import type { LogLevel } from '../log.js';
import { openSecretStore } from '../secrets/open-secrets.js';
import { openStore } from '../stores/open-store.js';
import { consoleLog } from './console-log.js';
import type { CliIO } from './io.js';
import { ProgressBar } from './progress-bar.js';

export interface RunFlags {
  readonly json: boolean;
  readonly level: LogLevel;
  /** false: no progress bar even on a terminal (--quiet). @default true */
  readonly progress?: boolean;
  /** Overrides limits.runTimeout when shorter. */
  readonly deadlineMs?: number;
  readonly createMailer?: (credentials: Credentials) => Mailer;
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
  const log = consoleLog(io.stderr, {
    level,
    ...(bar ? { around: (write: () => void) => bar.around(write) } : {}),
  });
  const now = Date.now();
  try {
    return await runMailbox({
      config,
      store: openStore(config.store),
      secrets: openSecretStore({ env: io.env }),
      log,
      deadline:
        now + Math.min(flags.deadlineMs ?? config.limits.runTimeout, config.limits.runTimeout),
      signal: io.signal,
      ...(bar ? { onProgress: (progress) => bar.update(progress) } : {}),
      ...(flags.createMailer ? { createMailer: flags.createMailer } : {}),
      ...(flags.accessTokens ? { accessTokens: flags.accessTokens } : {}),
    });
  } finally {
    bar?.clear();
  }
};
