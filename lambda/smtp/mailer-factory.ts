import { readCaFile } from '../config/ca-file.js';
import type { MailboxConfig } from '../config/config-schema.js';
import type { MailerFactory } from '../engine/run-ports.js';
import { PopfwdError } from '../errors.js';

/**
 * The SMTP mailer factory both shells hand to the engine (RunPorts.mailers): nodemailer with the
 * mailbox's server settings and extra CA, on the run's terms (credentials, cutoff, log). It loads
 * nodemailer, and reads the CA file, only when a run first has something to send.
 */
export const smtpMailers =
  (mailbox: Pick<MailboxConfig, 'smtp' | 'caFile'>): MailerFactory =>
  async (terms) => {
    const { smtp } = mailbox;
    if (!smtp) throw new PopfwdError('ECONFIG', 'a send is due but mailbox.smtp is not set');
    const [ca, { createSmtpMailer }] = await Promise.all([
      readCaFile(mailbox.caFile),
      import('./smtp-mailer.js'),
    ]);
    return createSmtpMailer({ smtp, ...terms, ...(ca ? { ca } : {}) });
  };
