import { setTimeout as sleepFor } from 'node:timers/promises';
import { createAccessTokenCache } from '../../auth/access-token-cache.js';
import { loadConfig } from '../../config/load.js';
import type { LoadedConfig } from '../../config/parse.js';
import { formatDuration, parseDuration } from '../../config/units.js';
import { ERROR_CODES, errorMessage, isPopfwdError, PopfwdError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { loadCommandConfig } from '../config-location.js';
import { executeRun } from '../execute-run.js';
import { EXIT, type ExitCode, exitCodeFor, exitHint } from '../exit-codes.js';
import { formatPoll } from '../format-poll.js';
import { type CliIO, type Command, logLevelOf } from '../io.js';
import { localTimestamp } from '../timestamp.js';
import { nextPollDelay } from '../watch-backoff.js';
import { deadlineFlag } from './run.js';

const MIN_INTERVAL_MS = 10_000;

/** Errors that come back on every poll until a person acts: watch stops with their code. */
const PERMANENT: ReadonlySet<ExitCode> = new Set([EXIT.usage, EXIT.signIn]);
/** Errors a later poll may not meet: the pace slows down until one works. */
const TEMPORARY: ReadonlySet<ExitCode> = new Set([EXIT.failed, EXIT.unavailable]);

export interface WatchDeps {
  /** The pause between polls; rejects or returns early when `signal` aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The time each line is stamped with. @default the system clock */
  readonly now?: () => Date;
}

const realSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  sleepFor(ms, undefined, { signal }).catch(() => {});

const describeError = (error: unknown): string =>
  isPopfwdError(error)
    ? `${error.message} [${error.code}: ${ERROR_CODES[error.code].summary}]`
    : errorMessage(error);

/**
 * `popfwd run` in a loop (local daemon mode). The config is re-read before every run, so edits
 * apply without a restart; an invalid edit keeps the last good config. Ctrl-C lets the current
 * run finish cleanly. An error that needs a person (2, 3) stops it with that exit code; a
 * temporary one (1, 4) slows the polls down (nextPollDelay) until a poll works again.
 */
export const createWatchCommand = (deps: WatchDeps = {}): Command => ({
  async run(args, io: CliIO) {
    const sleep = deps.sleep ?? realSleep;
    const stamp = () => localTimestamp((deps.now ?? (() => new Date()))());
    const { values } = parseCommandArgs(COMMAND_SPECS.watch, args);
    const every = parseDuration(values.every);
    if (every === null || every < MIN_INTERVAL_MS) {
      throw new PopfwdError(
        'EUSAGE',
        `--every expects a duration of at least 10s, like 5m, got "${values.every}"`,
      );
    }
    const deadlineMs = deadlineFlag(values.deadline) ?? every;
    const first = await loadCommandConfig(values.config, io);
    const file = first.location.path;
    let current: LoadedConfig = first;
    // The access token outlives a run (not the refresh token, read by every run that refreshes).
    const accessTokens = createAccessTokenCache();
    // Every line starts with the time: a watch log is read hours later.
    const stamped = (text: string) => {
      const time = stamp();
      return `${text
        .split('\n')
        .map((line) => `${time} ${line}`)
        .join('\n')}\n`;
    };
    const say = (line: string) => {
      if (!values.quiet) io.stderr.write(stamped(line));
    };
    const level = logLevelOf(values);
    say(`watching ${current.config.mailbox.address} every ${values.every} (Ctrl-C to stop)`);

    let failures = 0;
    while (!io.signal.aborted) {
      try {
        current = await loadConfig(file);
      } catch (error) {
        io.stderr.write(
          stamped(`config ${file} is invalid, keeping the last good one:\n${errorMessage(error)}`),
        );
      }
      let code: ExitCode;
      try {
        const summary = await executeRun(current.config, io, {
          json: values.json,
          // One line per poll: the run's info lines (logged in, nothing new) only with -v.
          level: level === 'info' ? 'warn' : level,
          stamp,
          progress: !values.quiet,
          deadlineMs,
          accessTokens,
        });
        if (values.json) io.stdout.write(`${JSON.stringify({ time: stamp(), ...summary })}\n`);
        else if (!values.quiet) {
          const lines = formatPoll(current.config.mailbox.address, summary);
          io.stdout.write(lines.map(stamped).join(''));
        }
        code = exitCodeFor({ summary, interrupted: io.signal.aborted });
      } catch (error) {
        code = exitCodeFor({ error, interrupted: io.signal.aborted });
        io.stderr.write(stamped(`run failed: ${describeError(error)}`));
        const hint = exitHint(code);
        if (hint) io.stderr.write(stamped(hint));
        if (values.json) {
          const failure = isPopfwdError(error)
            ? { code: error.code, message: error.message }
            : { message: errorMessage(error) };
          io.stdout.write(`${JSON.stringify({ time: stamp(), error: failure, exitCode: code })}\n`);
        }
      }
      if (code === EXIT.interrupted) break;
      if (PERMANENT.has(code)) {
        io.stderr.write(
          stamped(
            `stopped: this error comes back on every poll until it is fixed (exit code ${code})`,
          ),
        );
        return code;
      }
      failures = TEMPORARY.has(code) ? failures + 1 : 0;
      const wait = nextPollDelay(every, failures);
      if (failures > 0) {
        say(`${failures} failed poll(s) in a row; the next in ${formatDuration(wait)}`);
      }
      await sleep(wait, io.signal);
    }
    say('stopped');
    return EXIT.interrupted;
  },
});

export const watchCommand = createWatchCommand();
