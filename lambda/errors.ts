/**
 * One table of error codes for all of popfwd. Every error we raise is a PopfwdError carrying one of
 * these codes; foreign errors (sockets, SDK, nodemailer) are wrapped at the adapter that met them.
 */
export const ERROR_CODES = {
  ECONFIG: { retryable: false, summary: 'the configuration is invalid' },
  EUSAGE: { retryable: false, summary: 'the command line is invalid' },
  ECONNECTION: { retryable: true, summary: 'the connection failed or was lost' },
  ETIMEDOUT: { retryable: true, summary: 'a timeout or the run deadline was reached' },
  ETLS: { retryable: false, summary: 'TLS negotiation or certificate verification failed' },
  EAUTH: { retryable: false, summary: 'the server rejected the credentials' },
  ELOGIN: {
    retryable: false,
    summary: 'the server refused the login without saying that the credentials are wrong',
  },
  EPROTOCOL: { retryable: true, summary: 'the server answered outside the protocol' },
  EINUSE: { retryable: true, summary: 'another client holds the mailbox' },
  ELOGINDELAY: { retryable: true, summary: 'the server asks to wait before logging in again' },
  ESYSTEMP: { retryable: true, summary: 'the server reported a temporary failure' },
  ESYSPERM: { retryable: false, summary: 'the server reported a permanent failure' },
  ECAPABILITY: { retryable: false, summary: 'the server lacks a required capability' },
  ECOMMAND: { retryable: false, summary: 'the server refused a command' },
  ESTATE: { retryable: false, summary: 'a command was issued in the wrong session state' },
  EARGUMENT: { retryable: false, summary: 'an argument contains CR, LF or NUL' },
  ESIZE: { retryable: false, summary: 'a size limit was exceeded' },
  ESTORE: { retryable: true, summary: 'the archive or state store failed' },
  ECONFLICT: { retryable: true, summary: 'another writer changed the state concurrently' },
  ELEASE: { retryable: true, summary: 'another run holds the mailbox lease' },
  ESECRET: { retryable: false, summary: 'a secret could not be read or written' },
  EOAUTH: { retryable: true, summary: 'the OAuth2 token endpoint failed' },
  EINVALIDGRANT: { retryable: false, summary: 'the refresh token is no longer valid' },
  ESEND: { retryable: true, summary: 'sending failed temporarily' },
  ERECIPIENT: { retryable: false, summary: 'the recipient was rejected permanently' },
  EACCOUNT: { retryable: false, summary: 'the sending account is blocked or not allowed to send' },
  ESENDCAP: { retryable: true, summary: 'the daily send cap is reached' },
  EPARSE: { retryable: false, summary: 'the message could not be parsed' },
  ELOOP: {
    retryable: false,
    summary: 'a mail loop was detected; nothing was sent for the message',
  },
  EABORTED: { retryable: true, summary: 'the operation was aborted' },
} as const satisfies Record<string, { retryable: boolean; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface PopfwdErrorOptions {
  cause?: unknown;
  /** Overrides the table's default, e.g. a POP3 `-ERR [SYS/PERM]` that is never retryable. */
  retryable?: boolean;
  /** Machine-readable context: command, response code, field, uidl … Never secrets. */
  context?: Readonly<Record<string, unknown>>;
}

export class PopfwdError extends Error {
  override readonly name: string = 'PopfwdError';
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: PopfwdErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.context = options.context ?? {};
  }
}

export const isPopfwdError = (value: unknown): value is PopfwdError => value instanceof PopfwdError;

export const hasCode = (value: unknown, ...codes: ErrorCode[]): value is PopfwdError =>
  isPopfwdError(value) && codes.includes(value.code);

/** The message of any thrown value, for logs and records. */
export const errorMessage = (value: unknown): string =>
  value instanceof Error ? value.message : String(value);
