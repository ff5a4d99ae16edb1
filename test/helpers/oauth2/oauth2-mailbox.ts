/**
 * One mailbox on real servers, reachable with a password and with OAuth2: a local Microsoft v2
 * token endpoint, Dovecot whose oauth2 passdb introspects access tokens at that endpoint, and an
 * smtp-server that accepts PLAIN/LOGIN with the password and XOAUTH2 with any access token the
 * endpoint calls active for the same user. Configs built here point a run at all three.
 */
import { type DovecotInstance, startDovecot } from '../dovecot/dovecot.js';
import {
  type SmtpTestServer,
  type SmtpTestServerOptions,
  smtpReply,
  startSmtpTestServer,
} from '../smtp/smtp-test-server.js';
import { TLS_PATHS } from '../tls-fixtures.js';
import { startTokenEndpoint, type TokenEndpoint } from './token-endpoint.js';

export const MAILBOX_USER = 'alice@example.test';
export const MAILBOX_PASSWORD = 'dovecot-and-smtp-Pa55word';
export const FORWARD_TO = 'alice.phone@elsewhere.example';

export interface OAuth2Mailbox {
  readonly endpoint: TokenEndpoint;
  readonly dovecot: DovecotInstance;
  readonly smtp: SmtpTestServer;
  /** Access tokens Dovecot's oauth2 passdb asked the endpoint about, oldest first. */
  introspected(): string[];
  stop(): Promise<void>;
}

export interface OAuth2MailboxOptions {
  /** Token endpoint settings (e.g. a short device-code interval for `auth login`). */
  readonly deviceInterval?: number;
  /** Overrides of the SMTP server (e.g. an XOAUTH2 verdict that refuses every token). */
  readonly smtp?: SmtpTestServerOptions;
}

export const startOAuth2Mailbox = async (
  options: OAuth2MailboxOptions = {},
): Promise<OAuth2Mailbox> => {
  const endpoint = await startTokenEndpoint({
    username: MAILBOX_USER,
    ...(options.deviceInterval === undefined ? {} : { deviceInterval: options.deviceInterval }),
  });
  const dovecot = await startDovecot({
    users: [{ user: MAILBOX_USER, password: MAILBOX_PASSWORD }],
    oauth2: { introspectionUrl: endpoint.introspectionUrl },
  }).catch(async (error: unknown) => {
    await endpoint.close();
    throw error;
  });
  const smtp = await startSmtpTestServer({
    passwords: { [MAILBOX_USER]: MAILBOX_PASSWORD },
    xoauth2: (attempt) =>
      attempt.username === MAILBOX_USER && endpoint.isAccessTokenActive(attempt.accessToken ?? '')
        ? 'ok'
        : smtpReply(535, '5.7.3 Authentication unsuccessful'),
    ...options.smtp,
  });
  return {
    endpoint,
    dovecot,
    smtp,
    introspected: () =>
      endpoint.requests
        .filter((request) => request.path === '/introspect')
        .map((request) => request.form.token ?? ''),
    async stop() {
      await Promise.allSettled([smtp.close(), dovecot.stop(), endpoint.close()]);
    },
  };
};

export type AuthDocument =
  | { readonly method: 'password'; readonly password: Readonly<Record<string, string>> }
  | {
      readonly method: 'oauth2';
      readonly refreshToken: Readonly<Record<string, string>>;
      readonly user?: string;
    };

export interface ConfigDocumentOptions {
  readonly auth: AuthDocument;
  /** Where runs archive: { dir } or { s3 }. */
  readonly store: Readonly<Record<string, unknown>>;
  /** false leaves mailbox.smtp out. @default true */
  readonly smtp?: boolean;
  /** @default a rule that forwards everything to FORWARD_TO */
  readonly rules?: readonly unknown[];
  /** @default the test CA's path; null leaves caFile out (the Lambda trusts NODE_EXTRA_CA_CERTS) */
  readonly caFile?: string | null;
  /** @default 'keep' */
  readonly retention?: unknown;
}

/** A config document (as the file holds it) for the servers of `mailbox`. */
export const configDocument = (
  mailbox: OAuth2Mailbox,
  options: ConfigDocumentOptions,
): Record<string, unknown> => {
  const { endpoint, dovecot, smtp } = mailbox;
  const auth =
    options.auth.method === 'password'
      ? options.auth
      : { ...options.auth, clientId: endpoint.clientId, authority: endpoint.authority };
  const caFile = options.caFile === undefined ? TLS_PATHS.ca : options.caFile;
  return {
    mailbox: {
      address: MAILBOX_USER,
      pop3: { host: dovecot.host, port: dovecot.tlsPort, security: 'tls' },
      ...(options.smtp === false
        ? {}
        : { smtp: { host: 'localhost', port: smtp.port, security: 'starttls' } }),
      ...(caFile === null ? {} : { caFile }),
      auth,
      retention: options.retention ?? 'keep',
    },
    store: options.store,
    rules: options.rules ?? [
      // biome-ignore lint/suspicious/noThenProperty: the config file's own words are when/then
      { name: 'everything to my phone', then: [{ forward: { to: [FORWARD_TO] } }] },
    ],
  };
};

/** A short message to `MAILBOX_USER`, unique by `n`. */
export const testMessage = (n: number): Buffer =>
  Buffer.from(
    [
      'From: Carol <carol@partner.example>',
      `To: Alice <${MAILBOX_USER}>`,
      `Subject: OAuth2 test message ${n}`,
      'Date: Thu, 26 Nov 2026 10:00:00 +0000',
      `Message-ID: <oauth2-test-${n}@partner.example>`,
      '',
      `Hello, this is message ${n}.`,
      '',
    ].join('\r\n'),
  );
