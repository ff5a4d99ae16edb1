import { systemClock } from '../clock.js';
import type { Config } from '../config/config-schema.js';
import type { RunPorts } from '../engine/run-ports.js';
import { openSecretStore } from '../secrets/open-secrets.js';
import { smtpMailers } from '../smtp/mailer-factory.js';
import { openStore } from '../stores/open-store.js';
import type { CliIO } from './io.js';

/**
 * The CLI's adapters, built here and nowhere else in the CLI: the archive the config names, the
 * secret store for every reference kind, the clock, the POP3 connector and the SMTP mailers.
 * Building them does no I/O and loads little: the AWS SDK (S3, SSM), the POP3 client and
 * nodemailer load the first time a command uses them, so `status` or `config check` start as
 * fast as before and an empty poll never loads nodemailer. Commands take what they need.
 */
export const cliAdapters = (config: Config, io: Pick<CliIO, 'env'>): RunPorts => ({
  store: openStore(config.store),
  secrets: openSecretStore({ env: io.env }),
  clock: systemClock,
  connectPop3: async (terms) =>
    (await import('../pop3/connector.js')).pop3Connector(config.mailbox)(terms),
  mailers: smtpMailers(config.mailbox),
});
