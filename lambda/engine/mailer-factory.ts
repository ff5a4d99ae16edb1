import type { Mailer } from '../actions/mailer.js';
import type { SmtpMailerOptions } from '../actions/smtp-mailer.js';
import type { Credentials } from '../auth/credentials.js';
import type { SmtpConfig } from '../config/config-schema.js';
import { PopfwdError } from '../errors.js';

/** What a run knows when it sends: everything the SMTP mailer needs but the server settings. */
export type MailerContext = Omit<SmtpMailerOptions, 'smtp'> & {
  readonly smtp: SmtpConfig | undefined;
  /** A test's mailer in place of SMTP. */
  readonly createMailer?: (credentials: Credentials) => Mailer;
};

/**
 * The mailer factory the send phase calls when it first has something to send: the injected one,
 * or SMTP. nodemailer loads only when a run sends something.
 */
export const mailerFactory =
  ({ createMailer, smtp, ...options }: MailerContext) =>
  async (): Promise<Mailer> => {
    if (createMailer) return createMailer(options.credentials);
    if (!smtp) throw new PopfwdError('ECONFIG', 'a send is due but mailbox.smtp is not set');
    const { createSmtpMailer } = await import('../actions/smtp-mailer.js');
    return createSmtpMailer({ smtp, ...options });
  };
