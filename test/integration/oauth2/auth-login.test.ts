import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli/cli.js';
import { describeWithDovecot } from '../../helpers/dovecot/dovecot-suite.js';
import {
  configDocument,
  MAILBOX_USER,
  type OAuth2Mailbox,
  startOAuth2Mailbox,
  testMessage,
} from '../../helpers/oauth2/oauth2-mailbox.js';
import {
  type SmtpTestServer,
  smtpReply,
  startSmtpTestServer,
} from '../../helpers/smtp/smtp-test-server.js';

describeWithDovecot('popfwd auth login against Dovecot (oauth2 passdb) and smtp-server', () => {
  let mailbox: OAuth2Mailbox;
  let refusingSmtp: SmtpTestServer;
  let dir: string;

  beforeAll(async () => {
    // The shortest poll interval the client honours: one real second per device-code poll.
    mailbox = await startOAuth2Mailbox({ deviceInterval: 1 });
    refusingSmtp = await startSmtpTestServer({
      xoauth2: () => smtpReply(535, '5.7.3 Authentication unsuccessful'),
    });
    await mailbox.dovecot.addMessages(MAILBOX_USER, [testMessage(1), testMessage(2)]);
  });
  afterAll(async () => {
    await refusingSmtp?.close();
    await mailbox?.stop();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'popfwd-auth-login-e2e-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const writeConfig = async (
    overrides: { user?: string; smtp?: boolean; smtpPort?: number } = {},
  ): Promise<string> => {
    const document = configDocument(mailbox, {
      auth: {
        method: 'oauth2',
        refreshToken: { file: './secrets/refresh-token' },
        ...(overrides.user ? { user: overrides.user } : {}),
      },
      store: { dir: './data' },
      smtp: overrides.smtp ?? true,
      rules: [],
    });
    if (overrides.smtpPort !== undefined) {
      const smtp = (document.mailbox as { smtp: { port: number } }).smtp;
      smtp.port = overrides.smtpPort;
    }
    await writeFile(join(dir, 'popfwd.json'), JSON.stringify(document));
    return 'popfwd.json';
  };

  const storedToken = async () =>
    (await readFile(join(dir, 'secrets', 'refresh-token'), 'utf8')).trim();

  it('signs in with the device code, stores the refresh token and verifies POP3 and SMTP', async () => {
    // Prepare
    const config = await writeConfig();
    mailbox.endpoint.answerDevicePolls('authorization_pending', 'approve');
    const smtpAuths = mailbox.smtp.auths.length;
    const introspections = mailbox.introspected().length;

    // Act
    const result = await runCli(['auth', 'login', '--config', config], dir);

    // Assess
    const stored = await storedToken();
    const popToken = mailbox.introspected().slice(introspections);
    const smtpTokens = mailbox.smtp.auths.slice(smtpAuths).map((auth) => auth.accessToken);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Signed in. Refresh token saved to file:');
    expect(result.stdout).toMatch(/POP3 +127\.0\.0\.1:\d+ +ok \(2 messages waiting\)/);
    expect(result.stdout).toMatch(/SMTP +localhost:\d+ +ok \(login accepted, nothing sent\)/);
    expect(mailbox.endpoint.isRefreshTokenValid(stored)).toBe(true);
    expect(popToken).toHaveLength(1);
    expect(smtpTokens).toEqual(popToken);
    expect(mailbox.smtp.messages).toEqual([]);
    for (const secret of [stored, ...mailbox.endpoint.accessTokens]) {
      expect(result.stdout).not.toContain(secret);
    }
  });

  it('reports a POP3 login the server refuses, with the POP hint and exit code 1', async () => {
    // Prepare: the token belongs to alice, the login names someone else
    const config = await writeConfig({ user: 'mallory@example.test' });
    mailbox.endpoint.answerDevicePolls('approve');

    // Act
    const result = await runCli(['auth', 'login', '--config', config], dir);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/POP3 +127\.0\.0\.1:\d+ +FAILED: .*\[EAUTH:/);
    expect(result.stdout).toContain('check that POP is switched on');
    expect(mailbox.endpoint.isRefreshTokenValid(await storedToken())).toBe(true);
  });

  it('reports an SMTP login refused after one renewal, with the SMTP hint and exit code 1', async () => {
    // Prepare
    const config = await writeConfig({ smtpPort: refusingSmtp.port });
    mailbox.endpoint.answerDevicePolls('approve');

    // Act
    const result = await runCli(['auth', 'login', '--config', config], dir);

    // Assess
    const attempts = refusingSmtp.auths.map((auth) => auth.accessToken);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/POP3 +127\.0\.0\.1:\d+ +ok/);
    expect(result.stdout).toMatch(
      /SMTP +localhost:\d+ +FAILED: the SMTP server refused the login: 535 5\.7\.3 .*\[EAUTH:/,
    );
    expect(result.stdout).toContain('the delegated permission SMTP.Send');
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).not.toBe(attempts[1]);
  });

  it('skips SMTP when the mailbox has no SMTP server', async () => {
    // Prepare
    const config = await writeConfig({ smtp: false });
    mailbox.endpoint.answerDevicePolls('approve');

    // Act
    const result = await runCli(['auth', 'login', '--config', config], dir);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/POP3 +127\.0\.0\.1:\d+ +ok/);
    expect(result.stdout).toMatch(/SMTP +\(none\) +skipped: no SMTP server configured/);
  });
});
