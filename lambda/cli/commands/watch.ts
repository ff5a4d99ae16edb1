import { setTimeout as sleepFor } from 'node:timers/promises';
import { createAccessTokenCache } from '../../auth/access-token-cache.js';
import { loadConfig } from '../../config/load.js';
import type { LoadedConfig } from '../../config/parse.js';
import { errorMessage, PopfwdError } from '../../errors.js';
import { formatDuration, parseDuration } from '../../units.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { loadCommandConfig } from '../config-location.js';
import { configLabel, locateConfigs } from '../config-set.js';
import { executeRun } from '../execute-run.js';
import { EXIT, type ExitCode, exitCodeFor, exitHint, worstExitCode } from '../exit-codes.js';
import { type CliIO, type Command, logLevelOf } from '../io.js';
import { deadlineFlag } from '../option-spec.js';
import { describeError, errorJson } from '../output/describe-error.js';
import { formatPoll } from '../output/format-poll.js';
import { localTimestamp } from '../output/timestamp.js';
import { nextPollDelay } from '../watch-backoff.js';

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

/** One watched mailbox: its config file and its own pace. */
interface Watched {
  readonly file: string;
  /** The config as lines name it (relative to the working directory when inside it). */
  readonly label: string;
  /** Before each of its lines when several are watched ('' for one). */
  readonly prefix: string;
  /** Its JSON lines' {config, mailbox} when several are watched. */
  readonly several: boolean;
  /** The last config that was valid; null until one was. */
  current: LoadedConfig | null;
  /** Temporary failures in a row: its back-off. */
  failures: number;
  /** Time left until its next poll. */
  dueInMs: number;
  /** The permanent error's exit code that stopped its polls. */
  stoppedWith: ExitCode | null;
  readonly accessTokens: ReturnType<typeof createAccessTokenCache>;
}

/**
 * `popfwd run` in a loop (local daemon mode), for one mailbox or several. The config is re-read
 * before every run, so edits apply without a restart; an invalid edit keeps the last good config.
 * Ctrl-C lets the current run finish cleanly. Each mailbox has its own pace: an error that needs
 * a person (2, 3) stops polling that mailbox, and watch exits with it when no mailbox is left; a
 * temporary one (1, 4) slows that mailbox's polls down (nextPollDelay) until one works again.
 * The mailboxes are polled one after another, each run with the whole --deadline.
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
    const { locations, several } = await locateConfigs(values.config, io);
    // One config: read before the first poll, an invalid one is exit 2 as for `popfwd run`.
    const first = several ? null : await loadCommandConfig(values.config[0], io);
    const mailboxes: Watched[] = locations.map((location) => ({
      file: location.path,
      label: configLabel(location.path, io.cwd),
      prefix: several ? `${configLabel(location.path, io.cwd)}: ` : '',
      several,
      current: first,
      failures: 0,
      dueInMs: 0,
      stoppedWith: null,
      // The access token outlives a run (not the refresh token, read by every run that refreshes).
      accessTokens: createAccessTokenCache(),
    }));
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
    say(
      first
        ? `watching ${first.config.mailbox.address} every ${values.every} (Ctrl-C to stop)`
        : `watching ${mailboxes.length} mailboxes every ${values.every} (Ctrl-C to stop): ${mailboxes.map((mailbox) => mailbox.label).join(', ')}`,
    );

    /** One poll of one mailbox; its exit code. */
    const poll = async (mailbox: Watched): Promise<ExitCode> => {
      const { prefix } = mailbox;
      try {
        mailbox.current = await loadConfig(mailbox.file);
      } catch (error) {
        if (!mailbox.current) {
          return failed(mailbox, error);
        }
        io.stderr.write(
          stamped(
            `${prefix}config ${mailbox.file} is invalid, keeping the last good one:\n${errorMessage(error)}`,
          ),
        );
      }
      const { config } = mailbox.current;
      const labels = several ? { config: mailbox.file, mailbox: config.mailbox.address } : {};
      try {
        const summary = await executeRun(config, io, {
          json: values.json,
          // One line per poll: the run's info lines (logged in, nothing new) only with -v.
          level: level === 'info' ? 'warn' : level,
          stamp,
          progress: !values.quiet,
          deadlineMs,
          accessTokens: mailbox.accessTokens,
        });
        if (values.json) {
          io.stdout.write(`${JSON.stringify({ time: stamp(), ...labels, ...summary })}\n`);
        } else if (!values.quiet) {
          const lines = formatPoll(config.mailbox.address, summary);
          io.stdout.write(lines.map((line) => stamped(`${prefix}${line}`)).join(''));
        }
        return exitCodeFor({ summary, interrupted: io.signal.aborted });
      } catch (error) {
        return failed(mailbox, error);
      }
    };

    const failed = (mailbox: Watched, error: unknown): ExitCode => {
      const code = exitCodeFor({ error, interrupted: io.signal.aborted });
      io.stderr.write(stamped(`${mailbox.prefix}run failed: ${describeError(error)}`));
      const hint = exitHint(code);
      if (hint) io.stderr.write(stamped(`${mailbox.prefix}${hint}`));
      if (values.json) {
        const labels = mailbox.several
          ? {
              config: mailbox.file,
              ...(mailbox.current ? { mailbox: mailbox.current.config.mailbox.address } : {}),
            }
          : {};
        io.stdout.write(
          `${JSON.stringify({ time: stamp(), ...labels, error: errorJson(error), exitCode: code })}\n`,
        );
      }
      return code;
    };

    const active = () => mailboxes.filter((mailbox) => mailbox.stoppedWith === null);
    let interrupted = false;
    while (!io.signal.aborted && !interrupted) {
      for (const mailbox of active()) {
        if (mailbox.dueInMs > 0) continue;
        const code = await poll(mailbox);
        // A run that ended aborted ends watch, Ctrl-C or not: polling on would spin.
        interrupted = code === EXIT.interrupted;
        if (interrupted) break;
        if (PERMANENT.has(code)) {
          mailbox.stoppedWith = code;
          const left = active().length;
          io.stderr.write(
            stamped(
              several
                ? `${mailbox.prefix}stopped polling this mailbox: this error comes back on every poll until it is fixed (exit code ${code}); ${left} mailbox(es) still watched`
                : `stopped: this error comes back on every poll until it is fixed (exit code ${code})`,
            ),
          );
          continue;
        }
        mailbox.failures = TEMPORARY.has(code) ? mailbox.failures + 1 : 0;
        mailbox.dueInMs = nextPollDelay(every, mailbox.failures);
        if (mailbox.failures > 0) {
          say(
            `${mailbox.prefix}${mailbox.failures} failed poll(s) in a row; the next in ${formatDuration(mailbox.dueInMs)}`,
          );
        }
      }
      if (io.signal.aborted || interrupted) break;
      const left = active();
      if (left.length === 0) {
        return worstExitCode(mailboxes.map((mailbox) => mailbox.stoppedWith ?? EXIT.ok));
      }
      const wait = Math.min(...left.map((mailbox) => mailbox.dueInMs));
      await sleep(wait, io.signal);
      for (const mailbox of left) mailbox.dueInMs -= wait;
    }
    say('stopped');
    return EXIT.interrupted;
  },
});

export const watchCommand = createWatchCommand();
