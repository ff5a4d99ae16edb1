import { resendMailbox } from '../../engine/resend.js';
import { redactingLog } from '../../redact/redacting-log.js';
import { Redactor } from '../../redact/redactor.js';
import { cliAdapters } from '../adapters.js';
import { parseCommandArgs } from '../args.js';
import { COMMAND_SPECS } from '../command-specs.js';
import { loadCommandConfig } from '../config-location.js';
import { exitCodeFor } from '../exit-codes.js';
import { type Command, logLevelOf } from '../io.js';
import { consoleLog } from '../output/console-log.js';

/** `popfwd resend`: waiting (or, with --failed, failed) sends tried now, under the lease. */
export const resendCommand: Command = {
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(COMMAND_SPECS.resend, args);
    const { config } = await loadCommandConfig(values.config, io);
    const redactor = new Redactor();
    const log = redactingLog(consoleLog(io.stderr, { level: logLevelOf(values) }), redactor);
    try {
      const { summary, messages } = await resendMailbox({
        config,
        ...cliAdapters(config, io),
        redactor,
        log,
        signal: io.signal,
        failed: values.failed,
        ids: positionals,
      });
      const result = redactor.redactValue(summary);
      if (values.json) io.stdout.write(`${JSON.stringify({ messages, ...result })}\n`);
      else if (!values.quiet) {
        const what = values.failed ? 'failed sends' : 'sends waiting';
        io.stdout.write(
          messages.length === 0
            ? `${config.mailbox.address}: no ${what}; nothing to resend\n`
            : `${config.mailbox.address}: ${messages.length} message(s) with ${what}: forwarded ${result.forwarded} · replied ${result.replied} · skipped ${result.skipped} · failed ${result.failed} · still waiting ${result.pendingActions}\n${result.alerts.map((alert) => `  ATTENTION (${alert.code}): ${alert.message}\n`).join('')}`,
        );
      }
      return exitCodeFor({ summary: result, interrupted: io.signal.aborted });
    } catch (error) {
      throw redactor.redactError(error);
    }
  },
};
