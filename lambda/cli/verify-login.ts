import type { Credentials } from '../auth/credentials.js';
import type { MailboxConfig } from '../config/config-schema.js';

/** The result of trying one login; a failed login is a result, not an exception. */
export type LoginCheck =
  | { readonly status: 'ok'; readonly detail?: string }
  | { readonly status: 'failed'; readonly error: unknown }
  | { readonly status: 'skipped'; readonly reason: string };

export interface LoginVerification {
  /** Login, then STAT: Microsoft may accept a login whose token and user do not match. */
  readonly pop3: LoginCheck;
  /** EHLO, STARTTLS and AUTH; nothing is sent. `skipped` when the mailbox has no SMTP server. */
  readonly smtp: LoginCheck;
}

/** Tries the mailbox's POP3 and SMTP logins with the given credentials (`popfwd auth login`). */
export type VerifyLogin = (
  mailbox: MailboxConfig,
  credentials: Credentials,
  signal: AbortSignal,
) => Promise<LoginVerification>;
