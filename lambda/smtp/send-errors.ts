import { type ErrorCode, isPopfwdError, PopfwdError } from '../errors.js';

/**
 * Turns whatever a send threw (nodemailer errors carry `code`, `responseCode`, `response`,
 * `command`) into a PopfwdError the executor can act on:
 * - retryable (ESEND): try this message again on a later poll;
 * - ERECIPIENT / ESIZE / ESYSPERM: this message or recipient failed for good, record it;
 * - EACCOUNT / ETLS / ESENDCAP: nothing will go out from this account this run — stop sending
 *   and alert (see stopsSending). Never retried in a loop.
 *
 * `context.scope` says what the failure is about: 'account', 'connection', 'message' or
 * 'recipient'. Messages hold the server's reply and our words, never a command's arguments
 * (nodemailer only names AUTH commands by mechanism); a secret the server itself echoes is masked.
 */

export const SEND_SCOPES = ['account', 'connection', 'message', 'recipient'] as const;
export type SendScope = (typeof SEND_SCOPES)[number];

/** The fields of a foreign error the table looks at. */
export interface SendFailure {
  /** nodemailer's code (ECONNECTION, EAUTH, EENVELOPE, …) or a socket errno. */
  readonly code: string;
  readonly responseCode: number | null;
  /** The server's reply, '' when there was none. */
  readonly response: string;
  /** The SMTP command that failed ('MAIL FROM', 'RCPT TO', 'DATA', 'AUTH XOAUTH2' …), '' if unknown. */
  readonly command: string;
  readonly message: string;
}

interface Row {
  readonly reason: string;
  readonly code: ErrorCode;
  readonly scope: SendScope;
  readonly matches: (failure: SendFailure) => boolean;
}

const row = (
  reason: string,
  code: ErrorCode,
  scope: SendScope,
  matches: (failure: SendFailure) => boolean,
): Row => ({ reason, code, scope, matches });

const text = (failure: SendFailure) => `${failure.response} ${failure.message}`;
const says = (pattern: RegExp) => (failure: SendFailure) => pattern.test(text(failure));
const permanent = (failure: SendFailure) =>
  failure.responseCode !== null && failure.responseCode >= 500 && failure.responseCode !== 503;
const transientReply = (failure: SendFailure) =>
  failure.responseCode !== null && failure.responseCode >= 400 && failure.responseCode < 500;
const command = (pattern: RegExp) => (failure: SendFailure) => pattern.test(failure.command);

const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'EPROXY',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const CERTIFICATE_FAILURE =
  /certificate|self[- ]signed|UNABLE_TO_VERIFY|CERT_|ERR_TLS_CERT_ALTNAME_INVALID|wrong version number|handshake/i;

/**
 * First match wins. Sources: docs/ARCHITECTURE.md, "Outlook.com facts"; RFC 5321 §4.2.1 (reply
 * classes); RFC 3463 (enhanced status codes).
 */
const TABLE: readonly Row[] = [
  // Outlook.com: 554 5.2.252 SendAsDenied (also as 5.2.0 … SendAsDeniedException)
  row('send-as-denied', 'EACCOUNT', 'account', says(/SendAsDenied|5\.2\.252/i)),
  // Outlook.com: 554 5.2.0 … OutboundSpamException; WASCL UserAction verdict … (HIP / RefuseQuota)
  row('spam-verdict', 'EACCOUNT', 'account', says(/OutboundSpamException|WASCL/i)),
  // Exchange Online's daily submission quota (reported by users): 554 5.2.0 …
  // SubmissionQuotaExceededException. Tomorrow it goes again, so ESENDCAP, not EACCOUNT.
  row('daily-quota', 'ESENDCAP', 'account', says(/SubmissionQuotaExceeded/i)),
  // Outlook.com: 535 5.7.139 basic authentication is disabled / SmtpClientAuthentication
  // is disabled for the Mailbox (or the Tenant)
  row(
    'smtp-auth-disabled',
    'EACCOUNT',
    'account',
    says(/5\.7\.139|SmtpClientAuthentication is disabled/i),
  ),
  // any other STOREDRV.Submission refusal (Outlook.com: 554 5.2.0 STOREDRV.Submission.Exception)
  row('submission-refused', 'EACCOUNT', 'account', says(/STOREDRV\.Submission|\b554 5\.2\.0\b/i)),
  // RFC 5321 §4.2.1: a 4yz reply (421 closing, 451 local error, 452 storage, 454 temporary
  // auth failure …) is transient, whatever the command
  row('transient-reply', 'ESEND', 'connection', (f) => f.responseCode === 421),
  row('transient-reply', 'ESEND', 'message', transientReply),
  // Outlook.com: 535 5.7.3 Authentication unsuccessful — the login was refused (after one
  // token renewal for OAuth2): no send can succeed until the owner fixes it
  row('auth-rejected', 'EACCOUNT', 'account', (f) => f.code === 'EAUTH' || f.code === 'ENOAUTH'),
  // the envelope sender is always the mailbox: a permanent refusal of MAIL FROM concerns the
  // account, not the message (Exchange: 550 5.7.60 Client does not have permissions to send as …)
  row('sender-refused', 'EACCOUNT', 'account', (f) => permanent(f) && command(/^MAIL\b/i)(f)),
  // TLS negotiation or certificate verification failed: configuration, not a passing fault
  row(
    'tls',
    'ETLS',
    'connection',
    (f) => f.code === 'ETLS' || (f.responseCode === null && CERTIFICATE_FAILURE.test(f.message)),
  ),
  // RFC 3463 §3.4: 5.3.4 message too big; 552 exceeded storage / size (RFC 5321 §4.2.2);
  // nodemailer's own SIZE check raises EMESSAGE without a reply
  row(
    'too-large',
    'ESIZE',
    'message',
    (f) =>
      says(/\b5\.3\.4\b/)(f) ||
      f.responseCode === 552 ||
      (f.code === 'EMESSAGE' && f.responseCode === null && /size/i.test(f.message)),
  ),
  // RFC 3463 §3.2: 5.1.x addressing status (5.1.1 unknown user, 5.1.10 recipient not found …)
  // and any permanent refusal of RCPT TO (550 user unknown, 5.7.1 relaying denied)
  row(
    'recipient-rejected',
    'ERECIPIENT',
    'recipient',
    (f) =>
      permanent(f) &&
      (says(/\b5\.1\.\d{1,3}\b/)(f) || command(/^RCPT\b/i)(f) || f.code === 'EENVELOPE'),
  ),
  // RFC 5321 §4.2.1: any other 5yz reply refuses this message for good (503 bad sequence is a
  // session fault, retried below)
  row('message-rejected', 'ESYSPERM', 'message', permanent),
  // a dropped, refused or timed-out connection, or a server that spoke out of turn
  row(
    'connection',
    'ESEND',
    'connection',
    (f) => CONNECTION_CODES.has(f.code) || f.code === 'EPROTOCOL',
  ),
  row('aborted', 'EABORTED', 'message', (f) => f.code === 'EABORT' || f.code === 'ABORT_ERR'),
];

/** Anything unrecognised is retried on a later poll rather than lost. */
const FALLBACK = row('unknown', 'ESEND', 'message', () => true);

const field = (error: unknown, name: string): unknown =>
  typeof error === 'object' && error !== null
    ? (error as Record<string, unknown>)[name]
    : undefined;

const stringField = (error: unknown, name: string): string => {
  const value = field(error, name);
  return typeof value === 'string' ? value : '';
};

export const toSendFailure = (error: unknown): SendFailure => {
  const responseCode = field(error, 'responseCode');
  return {
    code: stringField(error, 'code'),
    responseCode: typeof responseCode === 'number' ? responseCode : null,
    response: stringField(error, 'response'),
    command: stringField(error, 'command'),
    message: error instanceof Error ? error.message : String(error),
  };
};

/** A PopfwdError our own code raised (archive read, token provider) under nodemailer's wrapper. */
const ownCause = (error: unknown): PopfwdError | null => {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    if (isPopfwdError(current)) return current;
    current = field(current, 'cause');
  }
  return null;
};

const MAX_DETAIL = 300;
const oneLine = (value: string): string => value.replace(/\s+/g, ' ').trim().slice(0, MAX_DETAIL);

/** What to change in the config for a TLS failure, matched on OpenSSL's and Node's words. */
const TLS_HINTS: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /wrong version number|packet length too long|unknown protocol/i,
    'the SMTP port speaks plain SMTP, not TLS: use smtp.security: starttls (usually port 587)',
  ],
  [
    /altnames|ALTNAME_INVALID/i,
    "the SMTP server's certificate is not issued for smtp.host: set smtp.host to a name the certificate lists",
  ],
  [
    /expired|not yet valid/i,
    "the SMTP server's certificate is out of date: the server must renew it, or this machine's clock is wrong",
  ],
  [
    /self[- ]signed|unable to verify|local issuer|UNABLE_TO|SELF_SIGNED/i,
    "the SMTP server's certificate is not trusted: if it is your server's own, add mailbox.caFile (the PEM file of the CA that signed it)",
  ],
];

/** A silent server may be one that waits for TLS first (port 465). */
const GREETING_HINT =
  'no SMTP greeting: if the port expects TLS from the first byte (usually 465), use smtp.security: tls';

const hintFor = (row: Row, failure: SendFailure): string | null => {
  if (row.reason === 'tls') {
    return TLS_HINTS.find(([pattern]) => pattern.test(failure.message))?.[1] ?? null;
  }
  if (row.reason === 'connection' && /greeting never received/i.test(failure.message)) {
    return GREETING_HINT;
  }
  return null;
};

export const classifySendFailure = (failure: SendFailure): Row =>
  TABLE.find((row) => row.matches(failure)) ?? FALLBACK;

/** Masks known secrets in text a server sent (lambda/redact/redactor.ts). */
export interface TextRedactor {
  redact(text: string): string;
}

/**
 * The failure with the server's words masked, as a plain Error to keep as `cause`: nodemailer's
 * own error quotes the reply unmasked, and a log sink may print a cause chain.
 */
export const maskedFailure = (failure: SendFailure, redactor?: TextRedactor): SendFailure => {
  const mask = (text: string) => (redactor ? redactor.redact(text) : text);
  return { ...failure, response: mask(failure.response), message: mask(failure.message) };
};

const failureError = (failure: SendFailure): Error =>
  Object.assign(new Error(failure.message), {
    code: failure.code,
    responseCode: failure.responseCode,
    response: failure.response,
    command: failure.command,
  });

/**
 * The PopfwdError for whatever a send threw. Classified on the server's exact words; the message
 * and the cause hold them with the run's secrets masked (a server may echo a password or a token,
 * e.g. in a 535 reply), so nothing downstream (logs, records, alerts) ever sees them.
 */
export const classifySendError = (error: unknown, redactor?: TextRedactor): PopfwdError => {
  const own = ownCause(error);
  if (own) return own;
  const raw = toSendFailure(error);
  const row = classifySendFailure(raw);
  const failure = maskedFailure(raw, redactor);
  const detail = oneLine(failure.response || failure.message);
  // The library's words stay, after ours: they are what a search engine knows.
  const hint = hintFor(row, raw);
  const message = hint
    ? `sending failed (${row.reason}): ${hint} (${detail})`
    : `sending failed (${row.reason}): ${detail}`;
  return new PopfwdError(row.code, message, {
    cause: failureError(failure),
    context: {
      reason: row.reason,
      scope: row.scope,
      ...(failure.responseCode === null ? {} : { responseCode: failure.responseCode }),
      ...(failure.command ? { command: failure.command } : {}),
      ...(failure.code ? { smtpCode: failure.code } : {}),
    },
  });
};

const STOPPING_CODES: ReadonlySet<string> = new Set(['EACCOUNT', 'ETLS', 'ESENDCAP']);

/**
 * True when no further message can go out in this run: the account is refused, TLS is broken,
 * the daily quota is spent, or the connection itself failed (retry on the next poll).
 */
export const stopsSending = (error: PopfwdError): boolean =>
  STOPPING_CODES.has(error.code) || error.context.scope === 'connection';
