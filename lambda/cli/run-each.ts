import type { Config } from '../config/config-schema.js';
import { loadConfig } from '../config/load.js';
import { errorMessage } from '../errors.js';
import type { ConfigLocation } from './config-location.js';
import { configLabel } from './config-set.js';
import { EXIT, type ExitCode, exitCodeFor, exitHint, worstExitCode } from './exit-codes.js';
import type { CliIO } from './io.js';
import { describeError, errorJson } from './output/describe-error.js';

/** What one mailbox's command gives back. */
export interface MailboxReport {
  readonly code: ExitCode;
  /** Its --json line (config, mailbox and exitCode are added). */
  readonly json: object;
  /** What people read under the mailbox's header. */
  readonly text: string;
}

export interface EachOptions {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
}

/** `==> accounts/work.yaml: alice@example.com <==`, as head and tail head several files. */
export const mailboxHeader = (label: string, mailbox: string | undefined): string =>
  `==> ${label}${mailbox ? `: ${mailbox}` : ''} <==\n`;

const indent = (lines: readonly string[]): string =>
  `${lines.map((line) => line.replace(/^/gm, '  ')).join('\n')}\n`;

/** With -v: what the error came from, a few levels deep. */
const causes = (error: unknown): string[] => {
  const found: string[] = [];
  let cause = (error as Error | null)?.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    found.push(`caused by: ${errorMessage(cause)}`);
    cause = (cause as Error | null)?.cause;
  }
  return found;
};

/**
 * Runs a command once per config, one mailbox after another (bounded: one POP3 session, one
 * store lease at a time; a deadline per run, not shared). A mailbox that fails, its config
 * included, is reported under its header and counted, and the next one still runs; only
 * Ctrl-C stops the rest. For people the error is under the header on stdout; with -q or --json
 * on stderr, named by its config. The exit code is the worst of them (worstExitCode).
 */
export const runEach = async (
  locations: readonly ConfigLocation[],
  io: CliIO,
  options: EachOptions,
  runOne: (config: Config) => Promise<MailboxReport>,
): Promise<ExitCode> => {
  const codes: ExitCode[] = [];
  const human = !options.json && !options.quiet;
  for (const [index, location] of locations.entries()) {
    if (io.signal.aborted) {
      const rest = locations.slice(index).map(({ path }) => configLabel(path, io.cwd));
      io.stderr.write(`popfwd: interrupted; not run: ${rest.join(', ')}\n`);
      codes.push(EXIT.interrupted);
      break;
    }
    const label = configLabel(location.path, io.cwd);
    let mailbox: string | undefined;
    try {
      const loaded = await loadConfig(location.path);
      mailbox = loaded.config.mailbox.address;
      if (human) io.stdout.write(mailboxHeader(label, mailbox));
      for (const warning of loaded.warnings) io.stderr.write(`warning: ${label}: ${warning}\n`);
      const report = await runOne(loaded.config);
      codes.push(report.code);
      if (options.json) {
        io.stdout.write(
          `${JSON.stringify({ config: location.path, mailbox, ...report.json, exitCode: report.code })}\n`,
        );
      } else if (human) io.stdout.write(report.text);
    } catch (error) {
      const code = exitCodeFor({ error, interrupted: io.signal.aborted });
      codes.push(code);
      const hint = exitHint(code);
      const lines = [`run failed: ${describeError(error)}`, ...(hint ? [hint] : [])];
      if (options.verbose) lines.push(...causes(error));
      if (human) {
        // Under its header, like a summary: the report of that mailbox.
        if (mailbox === undefined) io.stdout.write(mailboxHeader(label, undefined));
        io.stdout.write(indent(lines));
      } else {
        // -q and --json print no header: the line names the config.
        io.stderr.write(`popfwd: ${label}: ${lines.join('\n')}\n`);
      }
      if (options.json) {
        io.stdout.write(
          `${JSON.stringify({ config: location.path, ...(mailbox ? { mailbox } : {}), error: errorJson(error), exitCode: code })}\n`,
        );
      }
    }
  }
  return worstExitCode(codes);
};
