import { setTimeout as sleep } from 'node:timers/promises';
import { createAccessTokenCache } from '../../auth/access-token-cache.js';
import { loadConfig } from '../../config/load.js';
import type { LoadedConfig } from '../../config/parse.js';
import { parseDuration } from '../../config/units.js';
import { ERROR_CODES, errorMessage, isPopfwdError, PopfwdError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { executeRun } from '../execute-run.js';
import { formatSummary } from '../format-summary.js';
import { type Command, EXIT } from '../io.js';
import { deadlineFlag, runOptions } from './run.js';

const { usage } = COMMAND_SPECS.watch;

const MIN_INTERVAL_MS = 10_000;

/**
 * `popfwd run` in a loop (local daemon mode). The config is re-read before every run, so edits
 * apply without a restart; an invalid edit keeps the last good config. Ctrl-C lets the current
 * run finish cleanly.
 */
export const watchCommand: Command = {
  ...COMMAND_SPECS.watch,
  async run(args, io) {
    const { values } = parseCommandArgs(
      args,
      { ...runOptions, every: { type: 'string', default: '5m' } },
      usage,
    );
    if (!values.config)
      throw new PopfwdError('EUSAGE', `--config is required\nusage: popfwd ${usage}`);
    const every = parseDuration(values.every);
    if (every === null || every < MIN_INTERVAL_MS) {
      throw new PopfwdError(
        'EUSAGE',
        `--every expects a duration of at least 10s, like 5m, got "${values.every}"`,
      );
    }
    const deadlineMs = deadlineFlag(values.deadline) ?? every;
    let current: LoadedConfig = await loadConfig(values.config);
    // The access token outlives a run (not the refresh token, read by every run that refreshes).
    const accessTokens = createAccessTokenCache();
    io.stderr.write(
      `watching ${current.config.mailbox.address} every ${values.every} (Ctrl-C to stop)\n`,
    );

    while (!io.signal.aborted) {
      try {
        current = await loadConfig(values.config);
      } catch (error) {
        io.stderr.write(
          `config ${values.config} is invalid, keeping the last good one:\n${errorMessage(error)}\n`,
        );
      }
      try {
        const summary = await executeRun(current.config, io, {
          json: values.json,
          level: values.verbose ? 'debug' : 'info',
          deadlineMs,
          accessTokens,
        });
        io.stdout.write(
          values.json
            ? `${JSON.stringify(summary)}\n`
            : formatSummary(current.config.mailbox.address, summary),
        );
      } catch (error) {
        const code = isPopfwdError(error)
          ? ` [${error.code}: ${ERROR_CODES[error.code].summary}]`
          : '';
        io.stderr.write(`run failed: ${errorMessage(error)}${code}\n`);
      }
      await sleep(every, undefined, { signal: io.signal }).catch(() => {});
    }
    io.stderr.write('stopped\n');
    return EXIT.ok;
  },
};
