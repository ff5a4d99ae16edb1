import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { loadCommandConfig } from '../config-location.js';
import { describeConfig } from '../describe-config.js';
import { EXIT } from '../exit-codes.js';
import type { Command } from '../io.js';

export const configCheckCommand: Command = {
  async run(args, io) {
    const { values } = parseCommandArgs(COMMAND_SPECS.configCheck, args);
    const loaded = await loadCommandConfig(values.config, io);
    // -q: the exit code says it; warnings (stderr) still show.
    if (!values.quiet) {
      io.stdout.write(`${loaded.location.path}: valid\n\n${describeConfig(loaded.config)}\n`);
    }
    return EXIT.ok;
  },
};
