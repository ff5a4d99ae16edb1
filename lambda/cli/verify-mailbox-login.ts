import nodemailer from 'nodemailer';
import type { Credentials } from '../auth/credentials.js';
import { readCaFile } from '../config/ca-file.js';
import type { MailboxConfig, SmtpConfig } from '../config/config-schema.js';
import { PopfwdError } from '../errors.js';
import { type Log, silentLog } from '../log.js';
import { Pop3Client } from '../pop3/client.js';
import { learningCredentials } from '../redact/learn-secrets.js';
import { redactingLog } from '../redact/redacting-log.js';
import { Redactor } from '../redact/redactor.js';
import { classifySendError, maskedFailure, toSendFailure } from '../smtp/send-errors.js';
import { smtpTransportOptions } from '../smtp/smtp-mailer.js';
import type { LoginCheck, VerifyLogin } from './verify-login.js';

export interface VerifyMailboxLoginOptions {
  /** nodemailer's and the POP3 client's protocol trace, at debug level (secrets masked). */
  readonly log?: Log;
}

const cancelled = () => new PopfwdError('EABORTED', 'the login check was cancelled');

/** Settles as `work` does, or rejects with EABORTED when `signal` aborts (`onAbort` hangs up). */
const abortable = <T>(signal: AbortSignal, onAbort: () => void, work: Promise<T>): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(cancelled());
    };
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Connects as a run does, logs in, STATs (inside login) and QUITs; nothing is deleted. */
const checkPop3 = async (
  mailbox: MailboxConfig,
  credentials: Credentials,
  ca: Buffer | undefined,
  log: Log,
  signal: AbortSignal,
  redactor: Redactor,
): Promise<LoginCheck> => {
  const { pop3: server } = mailbox;
  let client: Pop3Client | undefined;
  const work = (async () => {
    const connected = await Pop3Client.connect({
      host: server.host,
      port: server.port,
      security: server.security,
      pipelining: server.pipelining,
      log,
      redactor,
      ...(ca ? { ca } : {}),
    });
    client = connected;
    // cancelled while connecting: abortable() has already answered, so hang up here
    if (signal.aborted) connected.destroy('the login check was cancelled');
    const stat = await client.login(credentials);
    await client.quit();
    return stat;
  })();
  try {
    const stat = await abortable(
      signal,
      () => client?.destroy('the login check was cancelled'),
      work,
    );
    return { status: 'ok', detail: `${plural(stat.count, 'message')} waiting` };
  } catch (error) {
    client?.destroy('the login check failed');
    if (signal.aborted) throw cancelled();
    return { status: 'failed', error };
  }
};

/** Refusals of the login itself (send-errors.ts reasons): for a login check, wrong credentials. */
const LOGIN_REFUSED: ReadonlySet<unknown> = new Set(['auth-rejected', 'smtp-auth-disabled']);

/** send-errors.ts classifies for sending; the words here are about the login check. */
const smtpCheckFailure = (error: unknown, redactor: Redactor): PopfwdError => {
  const classified = classifySendError(error, redactor);
  const { reason } = classified.context;
  // no reason: our own error (the token provider's) came through nodemailer unchanged
  if (typeof reason !== 'string') return classified;
  const { response, message } = maskedFailure(toSendFailure(error), redactor);
  const detail = (response || message).replace(/\s+/g, ' ').trim();
  const options = { cause: classified.cause, context: classified.context };
  return LOGIN_REFUSED.has(reason)
    ? new PopfwdError('EAUTH', `the SMTP server refused the login: ${detail}`, options)
    : new PopfwdError(classified.code, `the SMTP check failed (${reason}): ${detail}`, options);
};

/**
 * EHLO, STARTTLS or TLS, and AUTH with the transport a run sends through, then QUIT; no mail.
 * `forceAuth`: a server that offers no AUTH fails the check instead of passing it unauthenticated.
 */
const checkSmtp = async (
  smtp: SmtpConfig,
  credentials: Credentials,
  ca: Buffer | undefined,
  log: Log,
  signal: AbortSignal,
  redactor: Redactor,
): Promise<LoginCheck> => {
  const transporter = nodemailer.createTransport({
    ...smtpTransportOptions({ smtp, credentials, log, ...(ca ? { ca } : {}) }),
    pool: false,
    forceAuth: true,
  });
  try {
    // verify()'s connection cannot be dropped from outside; after a cancel it ends by itself
    // (QUIT, or nodemailer's timeouts) while the command reports EABORTED at once.
    await abortable(signal, () => {}, transporter.verify());
    return { status: 'ok', detail: 'login accepted, nothing sent' };
  } catch (error) {
    if (signal.aborted) throw cancelled();
    return { status: 'failed', error: smtpCheckFailure(error, redactor) };
  } finally {
    transporter.close();
  }
};

/**
 * The login check of `popfwd auth login`: POP3, then SMTP, with the servers, TLS settings and CA
 * a run uses. Both are tried whatever the other's outcome, so the user learns what works.
 */
export const createVerifyMailboxLogin =
  (options: VerifyMailboxLoginOptions = {}): VerifyLogin =>
  async (mailbox, given, signal) => {
    // The servers' replies may echo the password or the token: masked as they are read.
    const redactor = new Redactor();
    const credentials = learningCredentials(given, redactor);
    const log = redactingLog(options.log ?? silentLog, redactor);
    const ca = await readCaFile(mailbox.caFile);
    if (signal.aborted) throw cancelled();
    const pop3 = await checkPop3(mailbox, credentials, ca, log, signal, redactor);
    const smtp: LoginCheck = mailbox.smtp
      ? await checkSmtp(mailbox.smtp, credentials, ca, log, signal, redactor)
      : { status: 'skipped', reason: 'no SMTP server configured (mailbox.smtp)' };
    return redactor.redactValue({ pop3, smtp });
  };

export const verifyMailboxLogin: VerifyLogin = createVerifyMailboxLogin();
