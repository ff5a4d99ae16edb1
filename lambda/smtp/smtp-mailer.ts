import nodemailer, { type SMTPPoolOptions } from 'nodemailer';
import type { Credentials } from '../auth/credentials.js';
import { type Clock, systemClock } from '../clock.js';
import type { SmtpConfig } from '../config/config-schema.js';
import type { Log } from '../log.js';
import { clientTlsOptions } from '../tls-options.js';
import type { Mailer, OutgoingMail, SendResult } from './mailer.js';
import { nodemailerLogger } from './nodemailer-log.js';
import { classifySendError, type TextRedactor } from './send-errors.js';
import { XOAUTH2_HANDLER_NAME, xoauth2Handler } from './smtp-xoauth2.js';

export interface SmtpMailerOptions {
  readonly smtp: SmtpConfig;
  readonly credentials: Credentials;
  /** Extra trusted CA (PEM), added to the system CAs. */
  readonly ca?: string | Buffer;
  readonly log: Log;
  /** EHLO name; nodemailer's default is the host name when it is a FQDN, else [127.0.0.1]. */
  readonly name?: string;
  /**
   * Epoch ms after which no wait on the server may go on (the run's cutoff): every timeout is cut
   * to the time left when the mailer is made. Sends still open then are aborted by their signal.
   */
  readonly deadline?: number;
  readonly clock?: Clock;
  /** Masks the run's secrets in the server's replies, for errors and the recorded response. */
  readonly redactor?: TextRedactor;
}

/** Every wait on the server is bounded; none of these depends on message size. */
export const SMTP_TIMEOUTS = {
  connectionMs: 30_000,
  greetingMs: 30_000,
  /** Inactivity on an open connection, also between chunks of a long DATA. */
  socketMs: 60_000,
  dnsMs: 15_000,
} as const;

/** The timeouts cut to what is left of the run; never 0, which nodemailer reads as its default. */
export const smtpTimeouts = (
  deadline: number | undefined,
  now: number,
): { -readonly [K in keyof typeof SMTP_TIMEOUTS]: number } => {
  const left = deadline === undefined ? Number.POSITIVE_INFINITY : Math.max(1, deadline - now);
  return {
    connectionMs: Math.min(SMTP_TIMEOUTS.connectionMs, left),
    greetingMs: Math.min(SMTP_TIMEOUTS.greetingMs, left),
    socketMs: Math.min(SMTP_TIMEOUTS.socketMs, left),
    dnsMs: Math.min(SMTP_TIMEOUTS.dnsMs, left),
  };
};

// nodemailer still checks the certificate against an IP host, without SNI.
const tlsOptions = (smtp: SmtpConfig, ca: string | Buffer | undefined) =>
  clientTlsOptions(smtp.host, ca);

const authOptions = (credentials: Credentials): Pick<SMTPPoolOptions, 'auth' | 'customAuth'> =>
  credentials.kind === 'password'
    ? { auth: { user: credentials.user, pass: credentials.password } }
    : {
        auth: { type: 'custom', method: XOAUTH2_HANDLER_NAME, user: credentials.user },
        customAuth: {
          [XOAUTH2_HANDLER_NAME]: xoauth2Handler(credentials.user, credentials.tokens),
        },
      };

export const smtpTransportOptions = (options: SmtpMailerOptions): SMTPPoolOptions => {
  const { smtp } = options;
  const timeouts = smtpTimeouts(options.deadline, (options.clock ?? systemClock).now());
  return {
    // one connection for the whole run, opened on the first send, closed by close()
    pool: true,
    maxConnections: 1,
    // A requeued message would be sent again from a content stream that is already consumed,
    // and after a drop mid-DATA the server may have the message already: the executor retries
    // on a later poll with the same Message-ID instead.
    maxRequeues: 0,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'plain',
    tls: tlsOptions(smtp, options.ca),
    ...(options.name === undefined ? {} : { name: options.name }),
    connectionTimeout: timeouts.connectionMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    dnsTimeout: timeouts.dnsMs,
    // The pool never says QUIT, so there is no goodbye to wait for: a closed connection's socket
    // goes at once instead of lingering (5 s by default) and keeping the process alive.
    socketCloseTimeout: 0,
    ...authOptions(options.credentials),
    logger: nodemailerLogger(options.log),
    // commands and replies (AUTH masked), never the message data that `debug` would add
    transactionLog: true,
    debug: false,
  };
};

export const createSmtpMailer = (options: SmtpMailerOptions): Mailer => {
  const transporter = nodemailer.createTransport(
    smtpTransportOptions(options) as SMTPPoolOptions & { pool: true },
  );
  return {
    async send(mail: OutgoingMail): Promise<SendResult> {
      try {
        const info = await transporter.sendMail(mail);
        const response = info.response ?? '';
        return {
          messageId: mail.messageId ?? info.messageId,
          response: options.redactor ? options.redactor.redact(response) : response,
          accepted: (info.accepted ?? []).map(String),
          rejected: (info.rejected ?? []).map(String),
        };
      } catch (error) {
        throw classifySendError(error, options.redactor);
      }
    },
    async close(): Promise<void> {
      // Called once the sends are over: a delivery still open is one the run gave up on.
      transporter.close({ force: true });
    },
  };
};
