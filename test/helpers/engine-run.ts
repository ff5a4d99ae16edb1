/**
 * The engine as a shell runs it, for tests that play the shell: the POP3 connector and SMTP
 * mailers built from the config the run gets, as both shells build them (cli/adapters.ts,
 * shell/aws-adapters.ts), and the system clock unless the test brings its own.
 */

import { systemClock } from '../../lambda/clock.js';
import type { Config } from '../../lambda/config/config-schema.js';
import { runMailbox as runEngine } from '../../lambda/engine/run.js';
import type { RunOptions } from '../../lambda/engine/run-options.js';
import type { RunPorts } from '../../lambda/engine/run-ports.js';
import type { RunSummary } from '../../lambda/engine/summary.js';
import { pop3Connector } from '../../lambda/pop3/connector.js';
import { smtpMailers } from '../../lambda/smtp/mailer-factory.js';

/** The mail adapters of a config: what a shell hands the engine besides store and secrets. */
export const mailPorts = (config: Config): Pick<RunPorts, 'connectPop3' | 'mailers'> => ({
  connectPop3: pop3Connector(config.mailbox),
  mailers: smtpMailers(config.mailbox),
});

/** What a test gives a run: the options, with the mail adapters and the clock optional. */
export type TestRunOptions = Omit<RunOptions, 'connectPop3' | 'mailers' | 'clock'> &
  Partial<Pick<RunOptions, 'connectPop3' | 'mailers' | 'clock'>>;

export const runMailbox = (options: TestRunOptions): Promise<RunSummary> =>
  runEngine({ clock: systemClock, ...mailPorts(options.config), ...options });
