import { parseDuration } from '../../config/units.js';
import { PopfwdError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { loadCommandConfig } from '../config-location.js';
import { executeRun } from '../execute-run.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import { formatSummary } from '../format-summary.js';
import { type Command, logLevelOf } from '../io.js';

export const deadlineFlag = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === null || ms === 0)
    throw new PopfwdError('EUSAGE', `--deadline expects a duration like 4m or 90s, got "${value}"`);
  return ms;
};

export const runCommand: Command = {
  async run(args, io) {
    const { values } = parseCommandArgs(COMMAND_SPECS.run, args);
    const deadlineMs = deadlineFlag(values.deadline);
    const { config } = await loadCommandConfig(values.config, io);
    if (values['dry-run']) {
      const { executeDryRun, formatDryRun } = await import('../dry-run.js');
      const report = await executeDryRun(config, io, {
        level: logLevelOf(values),
        ...(deadlineMs === undefined ? {} : { deadlineMs }),
      });
      io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatDryRun(report));
      // A dry run reports; it exits 0 like `status`, unless an error ended it.
      return io.signal.aborted ? EXIT.interrupted : EXIT.ok;
    }
    const summary = await executeRun(config, io, {
      json: values.json,
      level: logLevelOf(values),
      progress: !values.quiet,
      ...(deadlineMs === undefined ? {} : { deadlineMs }),
    });
    if (values.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
    else if (!values.quiet) io.stdout.write(formatSummary(config.mailbox.address, summary));
    return exitCodeFor({ summary, interrupted: io.signal.aborted });
  },
};
