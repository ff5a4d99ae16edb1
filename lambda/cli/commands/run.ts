import type { Config } from '../../config/config-schema.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { loadCommandConfig } from '../config-location.js';
import { locateConfigs } from '../config-set.js';
import { executeRun } from '../execute-run.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import { type Command, logLevelOf } from '../io.js';
import { deadlineFlag } from '../option-spec.js';
import { formatSummary } from '../output/format-summary.js';
import { type MailboxReport, runEach } from '../run-each.js';

export const runCommand: Command = {
  async run(args, io) {
    const { values } = parseCommandArgs(COMMAND_SPECS.run, args);
    const deadlineMs = deadlineFlag(values.deadline);
    const { locations, several } = await locateConfigs(values.config, io);
    // With several configs each mailbox's run gets the whole --deadline: one slow server does not
    // starve the others.
    const flags = {
      level: logLevelOf(values),
      ...(deadlineMs === undefined ? {} : { deadlineMs }),
    };
    const runOne = async (config: Config): Promise<MailboxReport> => {
      if (values['dry-run']) {
        const { executeDryRun, formatDryRun } = await import('../dry-run.js');
        const report = await executeDryRun(config, io, flags);
        // A dry run reports; it exits 0 like `status`, unless an error ended it.
        const code = io.signal.aborted ? EXIT.interrupted : EXIT.ok;
        return { code, json: report, text: formatDryRun(report) };
      }
      const summary = await executeRun(config, io, {
        ...flags,
        json: values.json,
        progress: !values.quiet,
      });
      const code = exitCodeFor({ summary, interrupted: io.signal.aborted });
      return { code, json: summary, text: formatSummary(config.mailbox.address, summary) };
    };
    // The dry run's report is what was asked for: -q does not hide it.
    const quiet = values.quiet && !values['dry-run'];
    if (several) return runEach(locations, io, { ...values, quiet }, runOne);
    const { config } = await loadCommandConfig(values.config[0], io);
    const report = await runOne(config);
    if (values.json) io.stdout.write(`${JSON.stringify(report.json)}\n`);
    else if (!quiet) io.stdout.write(report.text);
    return report.code;
  },
};
