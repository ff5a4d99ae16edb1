import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Credentials } from '../../../lambda/auth/credentials.js';
import { type Pop3Server, startPop3Server } from '../../../lambda/cli/sandbox/pop3-server.js';
import type { LoginCheck } from '../../../lambda/cli/verify-login.js';
import { verifyMailboxLogin } from '../../../lambda/cli/verify-mailbox-login.js';
import type { MailboxConfig } from '../../../lambda/config/config-schema.js';
import { PopfwdError } from '../../../lambda/errors.js';
import { freePort } from '../../helpers/free-port.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import {
  type SmtpTestServer,
  type SmtpTestServerOptions,
  startSmtpTestServer,
} from '../../helpers/smtp/smtp-test-server.js';
import { TLS_PATHS, testTls } from '../../helpers/tls-fixtures.js';

const USER = 'alice@example.test';
const PASSWORD = 'verify-Pa55word';

const password = (secret = PASSWORD): Credentials => ({
  kind: 'password',
  user: USER,
  password: secret,
});

const errorOf = (check: LoginCheck): PopfwdError => {
  if (check.status !== 'failed') throw new Error(`expected a failed check, got ${check.status}`);
  return check.error as PopfwdError;
};

describe('verifyMailboxLogin (the check of popfwd auth login)', () => {
  let pop3: Pop3Server;
  let smtp: SmtpTestServer;

  const startSmtp = async (options: SmtpTestServerOptions = {}) => {
    smtp = await startSmtpTestServer({ passwords: { [USER]: PASSWORD }, ...options });
  };

  const mailbox = (overrides: Partial<MailboxConfig> = {}): MailboxConfig => ({
    address: USER,
    pop3: { host: pop3.host, port: pop3.port, security: 'tls', pipelining: 'auto' },
    smtp: { host: 'localhost', port: smtp.port, security: 'starttls' },
    caFile: TLS_PATHS.ca,
    auth: { method: 'password', password: { env: 'UNUSED' } },
    retention: 'keep',
    ...overrides,
  });

  beforeEach(async () => {
    const { cert, key } = testTls();
    pop3 = await startPop3Server({
      tls: { cert, key },
      users: [{ user: USER, password: PASSWORD }],
      mailbox: [{ uidl: 'uid-1', data: Buffer.from('Subject: one\r\n\r\nhello\r\n') }],
    });
  });
  afterEach(async () => {
    await pop3.close();
    await smtp?.close();
  });

  it('logs in to both, STATs and QUITs POP3, and sends no mail', async () => {
    // Prepare
    await startSmtp();

    // Act
    const result = await verifyMailboxLogin(mailbox(), password(), new AbortController().signal);

    // Assess
    expect(result).toEqual({
      pop3: { status: 'ok', detail: '1 message waiting' },
      smtp: { status: 'ok', detail: 'login accepted, nothing sent' },
    });
    expect(pop3.commands()).toEqual(['CAPA', 'AUTH PLAIN ****', 'CAPA', 'STAT', 'QUIT']);
    expect(pop3.mailbox.messages).toHaveLength(1);
    expect(smtp.auths).toEqual([expect.objectContaining({ method: 'PLAIN', username: USER })]);
    expect(smtp.messages).toEqual([]);
  });

  it('reports each refused login with its own error', async () => {
    // Prepare
    await startSmtp();

    // Act
    const result = await verifyMailboxLogin(
      mailbox(),
      password('wrong'),
      new AbortController().signal,
    );

    // Assess
    expect(errorOf(result.pop3).code).toBe('EAUTH');
    expect(errorOf(result.smtp).code).toBe('EAUTH');
    expect(errorOf(result.smtp).message).toBe(
      'the SMTP server refused the login: 535 5.7.8 Authentication credentials invalid',
    );
  });

  it('fails an SMTP server that offers no AUTH instead of passing it unauthenticated', async () => {
    // Prepare
    await startSmtp({ server: { disabledCommands: ['AUTH'] } });

    // Act
    const result = await verifyMailboxLogin(mailbox(), password(), new AbortController().signal);

    // Assess
    expect(result.pop3.status).toBe('ok');
    expect(result.smtp.status).toBe('failed');
  });

  it('still tries SMTP when POP3 cannot be reached', async () => {
    // Prepare
    await startSmtp();
    const closedPort = await freePort('127.0.0.1');

    // Act
    const result = await verifyMailboxLogin(
      mailbox({
        pop3: { host: '127.0.0.1', port: closedPort, security: 'tls', pipelining: 'auto' },
      }),
      password(),
      new AbortController().signal,
    );

    // Assess
    expect(errorOf(result.pop3).code).toBe('ECONNECTION');
    expect(result.smtp.status).toBe('ok');
  });

  it('rejects a caFile it cannot read as a config error', async () => {
    // Prepare
    await startSmtp();

    // Act
    const error = await verifyMailboxLogin(
      mailbox({ caFile: '/nonexistent/ca.pem' }),
      password(),
      new AbortController().signal,
    ).catch((e: unknown) => e as PopfwdError);

    // Assess
    expect(error).toBeInstanceOf(PopfwdError);
    expect((error as PopfwdError).code).toBe('ECONFIG');
    expect(pop3.connections).toBe(0);
  });

  it('does not connect when already cancelled', async () => {
    // Prepare
    await startSmtp();
    const controller = new AbortController();
    controller.abort();

    // Act
    const error = await verifyMailboxLogin(mailbox(), password(), controller.signal).catch(
      (e: unknown) => e as PopfwdError,
    );

    // Assess
    expect((error as PopfwdError).code).toBe('EABORTED');
    expect(pop3.connections).toBe(0);
    expect(smtp.auths).toEqual([]);
  });

  it('hangs up a POP3 login in progress when cancelled', async () => {
    // Prepare: the server never answers AUTH; Ctrl-C arrives meanwhile
    await startSmtp();
    const controller = new AbortController();
    await pop3.close();
    const { cert, key } = testTls();
    pop3 = await startPop3Server({
      tls: { cert, key },
      users: [{ user: USER, password: PASSWORD }],
      faults: {
        onCommand: (command) => {
          if (command.name !== 'AUTH') return undefined;
          controller.abort();
          return fault.silence();
        },
      },
    });

    // Act
    const error = await verifyMailboxLogin(mailbox(), password(), controller.signal).catch(
      (e: unknown) => e as PopfwdError,
    );
    await pop3.idle();

    // Assess
    expect((error as PopfwdError).code).toBe('EABORTED');
    expect(smtp.auths).toEqual([]);
  });
});
