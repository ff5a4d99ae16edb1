import { loadConfig } from '../../config/load.js';
import { PopfwdError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { describeConfig } from '../describe-config.js';
import { type Command, EXIT } from '../io.js';

const { usage } = COMMAND_SPECS.configCheck;

export const configCheckCommand: Command = {
  ...COMMAND_SPECS.configCheck,
  async run(args, io) {
    const { values } = parseCommandArgs(args, { config: { type: 'string', short: 'c' } }, usage);
    if (!values.config)
      throw new PopfwdError('EUSAGE', `--config is required\nusage: popfwd ${usage}`);
    const loaded = await loadConfig(values.config);
    for (const warning of loaded.warnings) io.stderr.write(`warning: ${warning}\n`);
    io.stdout.write(`${values.config}: valid\n\n${describeConfig(loaded.config)}\n`);
    return EXIT.ok;
  },
};
