import { join } from 'node:path';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { defaultConfigPath } from '../config-location.js';
import { type Command, logLevelOf } from '../io.js';
import { packageInfo } from '../package-info.js';
import { runSandbox } from '../sandbox/run-sandbox.js';

/** `popfwd sandbox` (what `npm start` runs): the whole pipeline against local servers. */
export const sandboxCommand: Command = {
  async run(args, io) {
    const { values } = parseCommandArgs(COMMAND_SPECS.sandbox, args);
    const { root, fromClone } = packageInfo();
    return runSandbox(io, {
      dir: values.dir,
      json: values.json,
      level: logLevelOf(values),
      quiet: values.quiet,
      // In a clone `popfwd` is not on the PATH, and npx finds the clone's own bin.
      command: fromClone ? 'npx popfwd' : 'popfwd',
      examples: join(root, 'examples'),
      configPath: io.env.POPFWD_CONFIG || defaultConfigPath(io.env),
    });
  },
};
