import { afterEach, describe, expect, it } from 'vitest';
import type { AccessTokenProvider, Credentials } from '../../lambda/auth/credentials.js';
import { composeReply } from '../../lambda/compose/compose-reply.js';
import type { Security } from '../../lambda/config/config-schema.js';
import { hasCode, PopfwdError } from '../../lambda/errors.js';
import type { Mailer } from '../../lambda/smtp/mailer.js';
import { createSmtpMailer } from '../../lambda/smtp/smtp-mailer.js';
import { xoauth2InitialResponse } from '../../lambda/smtp/smtp-xoauth2.js';
import { MAILBOX, metaFor, NOW, replyAction } from '../helpers/mail/compose-fixtures.js';
import { type LogRecord, memoryLog } from '../helpers/memory-log.js';
import {
  type SmtpTestServer,
  type SmtpTestServerOptions,
  smtpReply,
  startSmtpTestServer,
  TEST_CA,
} from '../helpers/smtp/smtp-test-server.js';

const PASSWORD = 'pa55-Secret-never-logged';
const TOKENS = ['EwBAAl3BAAUFFpUAo7J3Ve0b-first-token', 'EwBAAl3BAAUFFpUAo7J3Ve0b-renewed-token'];

const tokenProvider = (tokens: readonly string[] = TOKENS) => {
  const calls: boolean[] = [];
  const provider: AccessTokenProvider & { calls: boolean[] } = {
    calls,
    getAccessToken: async (options) => {
      calls.push(options?.renew ?? false);
      const token = tokens[Math.min(calls.length, tokens.length) - 1] ?? '';
      return { token, expiresAt: Date.now() + 3_600_000 };
    },
  };
  return provider;
};

const reply = () =>
  composeReply(replyAction(), metaFor(), {
    mailbox: MAILBOX,
    messageId: '<reply-1@popfwd.example.test>',
    now: NOW,
  });

const rejection = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

/** Everything the run could ever print or store about these sends. */
const everything = (records: LogRecord[], ...errors: unknown[]): string =>
  JSON.stringify(records) +
  errors
    .map((error) =>
      error instanceof PopfwdError ? `${error.message} ${JSON.stringify(error.context)}` : '',
    )
    .join(' ');

describe('SMTP login', () => {
  let server: SmtpTestServer;
  let mailer: Mailer;
  let records: LogRecord[];

  const start = async (
    credentials: Credentials,
    options: SmtpTestServerOptions = {},
    security: Security = 'starttls',
  ) => {
    server = await startSmtpTestServer({
      passwords: { [MAILBOX]: PASSWORD },
      mode: security,
      ...options,
    });
    records = [];
    mailer = createSmtpMailer({
      smtp: { host: 'localhost', port: server.port, security },
      credentials,
      ca: TEST_CA,
      log: memoryLog(records),
    });
  };

  afterEach(async () => {
    await mailer.close();
    await server.close();
  });

  it('logs in with a password over STARTTLS, and never logs or reports the password', async () => {
    await start({ kind: 'password', user: MAILBOX, password: PASSWORD });

    await mailer.send(reply());

    expect(server.auths.map((auth) => auth.method)).toEqual(['PLAIN']);
    expect(server.messages[0]?.secure).toBe(true);
    expect(
      records.some((record) => record.level === 'debug' && /AUTH PLAIN/.test(record.message)),
    ).toBe(true);
    const plainPayload = Buffer.from(`\u0000${MAILBOX}\u0000${PASSWORD}`).toString('base64');
    expect(everything(records)).not.toContain(PASSWORD);
    expect(everything(records)).not.toContain(plainPayload);
  });

  it('logs in over implicit TLS (port 465 style)', async () => {
    await start({ kind: 'password', user: MAILBOX, password: PASSWORD }, {}, 'tls');

    await mailer.send(reply());

    expect(server.messages[0]?.secure).toBe(true);
  });

  it('stops the account with EACCOUNT on a wrong password, without the password in the error', async () => {
    await start({ kind: 'password', user: MAILBOX, password: 'wrong-Secret-value' });

    const error = await rejection(mailer.send(reply()));

    expect(hasCode(error, 'EACCOUNT')).toBe(true);
    expect(everything(records, error)).not.toContain('wrong-Secret-value');
  });

  it('sends with an XOAUTH2 access token', async () => {
    const tokens = tokenProvider();
    await start(
      { kind: 'oauth2', user: MAILBOX, tokens },
      {
        xoauth2: (attempt) =>
          attempt.accessToken === TOKENS[0]
            ? 'ok'
            : smtpReply(535, '5.7.3 Authentication unsuccessful'),
      },
    );

    await mailer.send(reply());

    expect(tokens.calls).toEqual([false]);
    expect(server.auths).toEqual([
      { method: 'XOAUTH2', username: MAILBOX, accessToken: TOKENS[0] },
    ]);
    expect(server.messages).toHaveLength(1);
  });

  it.each([
    ['a plain 535 (Microsoft)', smtpReply(535, '5.7.3 Authentication unsuccessful')],
    ['a 334 error challenge (Google)', 'challenge' as const],
  ])('renews a token rejected with %s once, then sends', async (_name, refusal) => {
    const tokens = tokenProvider();
    await start(
      { kind: 'oauth2', user: MAILBOX, tokens },
      { xoauth2: (attempt) => (attempt.accessToken === TOKENS[1] ? 'ok' : refusal) },
    );

    await mailer.send(reply());

    expect(tokens.calls).toEqual([false, true]);
    expect(server.auths.map((auth) => auth.accessToken)).toEqual(TOKENS);
    expect(server.messages).toHaveLength(1);
  });

  it('gives up after one renewal with EACCOUNT, never looping', async () => {
    const tokens = tokenProvider();
    await start({ kind: 'oauth2', user: MAILBOX, tokens });

    const error = await rejection(mailer.send(reply()));

    expect(hasCode(error, 'EACCOUNT')).toBe(true);
    expect(tokens.calls).toEqual([false, true]);
    expect(server.auths).toHaveLength(2);
  });

  it('does not renew when SMTP AUTH is disabled for the mailbox (5.7.139)', async () => {
    const tokens = tokenProvider();
    const disabled = smtpReply(
      535,
      '5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox.',
    );
    await start({ kind: 'oauth2', user: MAILBOX, tokens }, { xoauth2: () => disabled });

    const error = await rejection(mailer.send(reply()));

    expect(hasCode(error, 'EACCOUNT')).toBe(true);
    expect((error as PopfwdError).context.reason).toBe('smtp-auth-disabled');
    expect(tokens.calls).toEqual([false]);
  });

  it('passes the token provider failure through unchanged', async () => {
    const expired = new PopfwdError('EINVALIDGRANT', 'the refresh token is no longer valid');
    const tokens: AccessTokenProvider = {
      getAccessToken: async () => {
        throw expired;
      },
    };
    await start({ kind: 'oauth2', user: MAILBOX, tokens });

    expect(await rejection(mailer.send(reply()))).toBe(expired);
  });

  it('never logs or reports an access token, even across a renewal and a final refusal', async () => {
    const tokens = tokenProvider();
    await start({ kind: 'oauth2', user: MAILBOX, tokens });

    const error = await rejection(mailer.send(reply()));

    const logged = everything(records, error);
    expect(records.some((record) => /AUTH XOAUTH2/.test(record.message))).toBe(true);
    for (const token of TOKENS) {
      expect(logged).not.toContain(token);
      expect(logged).not.toContain(xoauth2InitialResponse(MAILBOX, token));
    }
  });

  it('refuses a server certificate it cannot verify with ETLS', async () => {
    await start({ kind: 'password', user: MAILBOX, password: PASSWORD }, { untrusted: true });

    const error = await rejection(mailer.send(reply()));

    expect(hasCode(error, 'ETLS')).toBe(true);
    expect(server.auths).toHaveLength(0);
  });

  it('refuses an untrusted certificate on implicit TLS too', async () => {
    await start(
      { kind: 'password', user: MAILBOX, password: PASSWORD },
      { untrusted: true },
      'tls',
    );

    const error = await rejection(mailer.send(reply()));

    expect(hasCode(error, 'ETLS')).toBe(true);
  });

  it('refuses to log in without TLS when STARTTLS is required but not offered', async () => {
    await start(
      { kind: 'password', user: MAILBOX, password: PASSWORD },
      { mode: 'plain' },
      'starttls',
    );

    const error = await rejection(mailer.send(reply()));

    expect(hasCode(error, 'ETLS')).toBe(true);
    expect(server.auths).toHaveLength(0);
  });
});
