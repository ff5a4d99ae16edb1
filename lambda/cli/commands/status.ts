import { mailboxLayout } from '../../engine/layout.js';
import { readStatus } from '../../engine/status-report.js';
import { cliAdapters } from '../adapters.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { loadCommandConfig } from '../config-location.js';
import { EXIT } from '../exit-codes.js';
import type { Command } from '../io.js';
import { formatStatus } from '../output/format-status.js';

/**
 * `popfwd status`: what the store says about the mailbox. Read-only: no lease, no write, no
 * connection to the mail servers. It reports, so it exits 0 whatever it shows; `popfwd run`'s
 * exit code is the one that says whether sends wait.
 */
export const statusCommand: Command = {
  async run(args, io) {
    const { values } = parseCommandArgs(COMMAND_SPECS.status, args);
    const { config } = await loadCommandConfig(values.config, io);
    const report = await readStatus(
      cliAdapters(config, io).store,
      mailboxLayout(config.mailbox.address),
      {
        mailbox: config.mailbox.address,
        maxSendsPerDay: config.limits.maxSendsPerDay,
        now: Date.now(),
      },
    );
    if (values.json) io.stdout.write(`${JSON.stringify(report)}\n`);
    else io.stdout.write(formatStatus(report, config.mailbox.auth.method === 'oauth2'));
    return EXIT.ok;
  },
};
