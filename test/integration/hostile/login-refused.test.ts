import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runMetrics } from '../../../lambda/aws/run-metrics.js';
import type { Pop3CommandInfo } from '../../../lambda/cli/sandbox/pop3-server.js';
import type { PopfwdError } from '../../../lambda/errors.js';
import { runCli } from '../../helpers/cli/cli.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import { type Engine, mails, PASSWORD, useEngine } from '../engine/engine-fixture.js';

/**
 * Issue 11, item 6. solid-pop3d answers PASS with `-ERR message is damaged`: the server refused
 * the login for a reason of its own. Only `[AUTH]` (RFC 3206) says the credentials are wrong;
 * any other refusal is reported as a refused login, quoting the server.
 */

const USER_PASS_ONLY = { sasl: [], respCodes: false } as const;

const configFile = async (mailbox: Engine): Promise<string> => {
  const file = join(mailbox.dir, 'popfwd.yaml');
  await writeFile(file, stringify(mailbox.document({ retention: 'delete' })));
  return file;
};

const runFailure = (mailbox: Engine, password = PASSWORD): Promise<PopfwdError> =>
  mailbox.run({}, { secrets: { read: async () => password, write: async () => {} } }).then(
    () => {
      throw new Error('expected the run to fail');
    },
    (error: unknown) => error as PopfwdError,
  );

const refusePass = (text: string) => (command: Pop3CommandInfo) =>
  command.name === 'PASS' ? fault.reply(text) : undefined;

describe('a server that refuses the login without [AUTH]', () => {
  const engine = useEngine();

  it('is reported as a refused login quoting the server, not as wrong credentials (solid-pop3d)', async () => {
    // Prepare
    const mailbox = await engine({
      mailbox: mails(1),
      capabilities: USER_PASS_ONLY,
      faults: { onCommand: refusePass('-ERR message is damaged') },
    });
    const file = await configFile(mailbox);

    // Act
    const result = await runCli(['run', '--config', file], mailbox.dir, {
      env: { POPFWD_PASSWORD: PASSWORD },
    });
    await mailbox.server.idle();

    // Assess
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('the server refused the login: message is damaged');
    expect(result.stderr).toMatch(/\[ELOGIN: the server refused the login without saying/);
    expect(result.stderr).not.toMatch(/EAUTH|rejected the credentials|wrong password/i);
    expect(mailbox.server.mailbox.messages).toHaveLength(1);
  });

  it('is an ELOGIN error the alarms count as a login failure, with the text quoted and printable', async () => {
    // Prepare
    const mailbox = await engine({
      mailbox: mails(1),
      capabilities: USER_PASS_ONLY,
      faults: { onCommand: refusePass('-ERR mailbox locked by \x1b[31mcron\x1b[0m') },
    });

    // Act
    const error = await runFailure(mailbox);

    // Assess
    expect(error.code).toBe('ELOGIN');
    expect(error.message).toBe(
      'POP3 PASS: the server refused the login: mailbox locked by \\x1b[31mcron\\x1b[0m',
    );
    expect(runMetrics({ ok: false, error, durationMs: 1 })).toContainEqual({
      name: 'authFailures',
      unit: 'Count',
      value: 1,
    });
  });

  it('quotes a wrong-password refusal of a server without response codes as a refused login', async () => {
    // Prepare: the sandbox's own refusal, with RESP-CODES off: "-ERR Authentication failed."
    const mailbox = await engine({ mailbox: mails(1), capabilities: USER_PASS_ONLY });

    // Act
    const error = await runFailure(mailbox, 'not-the-password');

    // Assess
    expect(error.code).toBe('ELOGIN');
    expect(error.message).toBe('POP3 PASS: the server refused the login: Authentication failed.');
    expect(error.message).not.toContain('not-the-password');
  });

  it('treats an AUTH PLAIN refusal without a response code the same way', async () => {
    // Prepare
    const onCommand = (command: Pop3CommandInfo) =>
      command.name === 'AUTH' ? fault.reply('-ERR quota file unreadable') : undefined;
    const mailbox = await engine({
      mailbox: mails(1),
      capabilities: { respCodes: false },
      faults: { onCommand },
    });

    // Act
    const error = await runFailure(mailbox);

    // Assess
    expect(error.code).toBe('ELOGIN');
    expect(error.message).toBe(
      'POP3 AUTH PLAIN: the server refused the login: quota file unreadable',
    );
  });
});

describe('a server that says the credentials are wrong with [AUTH] (RFC 3206)', () => {
  const engine = useEngine();

  it('is reported as rejected credentials (EAUTH)', async () => {
    // Prepare
    const mailbox = await engine({
      mailbox: mails(1),
      capabilities: { sasl: [] },
      faults: { onCommand: refusePass('-ERR [AUTH] Invalid user name or password.') },
    });
    const file = await configFile(mailbox);

    // Act
    const result = await runCli(['run', '--config', file], mailbox.dir, {
      env: { POPFWD_PASSWORD: PASSWORD },
    });

    // Assess
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'POP3 PASS failed: -ERR [AUTH] Invalid user name or password. [EAUTH: the server rejected the credentials]',
    );
  });
});
