import { loadConfig } from '../../config/load.js';
import { parseDuration } from '../../config/units.js';
import { PopfwdError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { executeRun } from '../execute-run.js';
import { formatSummary } from '../format-summary.js';
import { type Command, EXIT } from '../io.js';

const { usage } = COMMAND_SPECS.run;

export const runOptions = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean', default: false },
  deadline: { type: 'string' },
  verbose: { type: 'boolean', short: 'v', default: false },
} as const;

export const deadlineFlag = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === null || ms === 0)
    throw new PopfwdError('EUSAGE', `--deadline expects a duration like 4m or 90s, got "${value}"`);
  return ms;
};

export const runCommand: Command = {
  ...COMMAND_SPECS.run,
  async run(args, io) {
    const { values } = parseCommandArgs(args, runOptions, usage);
    if (!values.config) {
      const { runSandbox } = await import('../../sandbox/run-sandbox.js');
      return runSandbox(io, { json: values.json });
    }
    const loaded = await loadConfig(values.config);
    for (const warning of loaded.warnings) io.stderr.write(`warning: ${warning}\n`);
    const deadlineMs = deadlineFlag(values.deadline);
    const summary = await executeRun(loaded.config, io, {
      json: values.json,
      level: values.verbose ? 'debug' : 'info',
      ...(deadlineMs === undefined ? {} : { deadlineMs }),
    });
    io.stdout.write(
      values.json
        ? `${JSON.stringify(summary)}\n`
        : formatSummary(loaded.config.mailbox.address, summary),
    );
    return EXIT.ok;
  },
};
