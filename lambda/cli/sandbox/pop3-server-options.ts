import type { Pop3Faults } from './pop3-fault-hooks.js';
import type { Pop3Mailbox, Pop3Message } from './pop3-mailbox.js';

export interface TlsMaterial {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
}

export interface Pop3User {
  readonly user: string;
  /** Accepted by USER/PASS and AUTH PLAIN; absent = no password login for this user. */
  readonly password?: string;
  /** Accepted by AUTH XOAUTH2 as the bearer token. */
  readonly accessToken?: string;
}

export type Pop3Credentials =
  | { readonly mechanism: 'USER' | 'PLAIN'; readonly user: string; readonly password: string }
  | { readonly mechanism: 'XOAUTH2'; readonly user: string; readonly accessToken: string };

export type Pop3Authenticator = (credentials: Pop3Credentials) => boolean | Promise<boolean>;

/** What the server offers; each switch also turns the command itself off. */
export interface Pop3Capabilities {
  /** Off: CAPA answers `-ERR`, like a server from before RFC 2449. @default true */
  readonly capa: boolean;
  /** USER/PASS login. @default true */
  readonly user: boolean;
  /** @default true */
  readonly top: boolean;
  /** @default true */
  readonly uidl: boolean;
  /** Advertised only; the server reads pipelined batches either way. @default true */
  readonly pipelining: boolean;
  /** RESP-CODES; off: `-ERR` replies carry no `[CODE]`. @default true */
  readonly respCodes: boolean;
  /**
   * RFC 6856, as Courier offers it: `UTF8 USER` in CAPA, the UTF8 command accepted after the
   * login (Courier refuses it before). @default false
   */
  readonly utf8: boolean;
  /**
   * Courier's behaviour: until the client sends UTF8, RETR and TOP of a message with 8-bit header
   * bytes return a generated notice instead (a fresh boundary each session). @default false
   */
  readonly substituteUnicode: boolean;
  /** SASL mechanisms offered by AUTH, upper case; [] = no AUTH. @default ['PLAIN', 'XOAUTH2'] */
  readonly sasl: readonly ('PLAIN' | 'XOAUTH2')[];
  /** @default 'popfwd-sandbox' */
  readonly implementation: string;
}

export interface Pop3Limits {
  /** Longest command line including CRLF (RFC 2449 §4: 255). Longer: `-ERR` and disconnect. */
  readonly commandLineBytes: number;
  /** Longest SASL response line (XOAUTH2 tokens run to several KB). */
  readonly saslLineBytes: number;
  /** Autologout after this much silence from the client (RFC 1939: at least 10 minutes). */
  readonly idleTimeoutMs: number;
}

export interface Pop3ServerOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (ephemeral) */
  readonly port?: number;
  /** Implicit TLS (like port 995). Exclusive with `starttls`. */
  readonly tls?: TlsMaterial;
  /** Plain listener that offers STLS (RFC 2595). */
  readonly starttls?: TlsMaterial;
  /** Accounts; ignored when `authenticate` is given. */
  readonly users?: readonly Pop3User[];
  readonly authenticate?: Pop3Authenticator;
  /** Pass a Pop3Mailbox to share it between servers or inspect it; an array seeds a new one. */
  readonly mailbox?: Pop3Mailbox | readonly Pop3Message[];
  readonly capabilities?: Partial<Pop3Capabilities>;
  readonly limits?: Partial<Pop3Limits>;
  readonly faults?: Pop3Faults;
}

export const DEFAULT_CAPABILITIES: Pop3Capabilities = {
  capa: true,
  user: true,
  top: true,
  uidl: true,
  pipelining: true,
  respCodes: true,
  utf8: false,
  substituteUnicode: false,
  sasl: ['PLAIN', 'XOAUTH2'],
  implementation: 'popfwd-sandbox',
};

export const DEFAULT_LIMITS: Pop3Limits = {
  commandLineBytes: 255,
  saslLineBytes: 16_384,
  idleTimeoutMs: 600_000,
};

/** The default authenticator: checks credentials against the user list. */
export const usersAuthenticator =
  (users: readonly Pop3User[]): Pop3Authenticator =>
  (credentials) => {
    const account = users.find((candidate) => candidate.user === credentials.user);
    if (!account) return false;
    return credentials.mechanism === 'XOAUTH2'
      ? account.accessToken !== undefined && account.accessToken === credentials.accessToken
      : account.password !== undefined && account.password === credentials.password;
  };
