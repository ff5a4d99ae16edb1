import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseConfig } from '../../lambda/config/parse.js';
import { openSecretStore } from '../../lambda/secrets/open-secrets.js';
import { createLocalStore } from '../../lambda/stores/local/local-store.js';
import { runCli } from '../helpers/cli/cli.js';
import { describeWithDovecot } from '../helpers/dovecot/dovecot-suite.js';
import { runMailbox } from '../helpers/engine-run.js';
import { type LogRecord, memoryLog } from '../helpers/memory-log.js';
import {
  type AuthDocument,
  configDocument,
  MAILBOX_PASSWORD,
  MAILBOX_USER,
  type OAuth2Mailbox,
  startOAuth2Mailbox,
  testMessage,
} from '../helpers/oauth2/oauth2-mailbox.js';
import { dump, findLeaks, readTree } from '../helpers/secrets/secret-scan.js';
import {
  type SmtpTestServer,
  smtpReply,
  startSmtpTestServer,
} from '../helpers/smtp/smtp-test-server.js';

interface Outcome {
  /** Everything either run handed back, printed or stored, by where it came from. */
  readonly texts: Record<string, string>;
  readonly engineError: unknown;
  readonly cliCode: number;
  readonly debugLines: number;
}

/**
 * The same config run twice: through runMailbox with a memory log at debug level, and as
 * `popfwd run --verbose` with the console log captured; each run with its own store directory.
 */
describeWithDovecot('no secret in logs, errors, summaries or the store', () => {
  let mailbox: OAuth2Mailbox;
  let refusingSmtp: SmtpTestServer;
  let dir: string;
  let tokenFile: string;
  let initialRefreshToken: string;

  beforeEach(async () => {
    mailbox = await startOAuth2Mailbox();
    refusingSmtp = await startSmtpTestServer({
      xoauth2: () => smtpReply(535, '5.7.3 Authentication unsuccessful'),
    });
    await mailbox.dovecot.addMessages(MAILBOX_USER, [testMessage(1), testMessage(2)]);
    dir = await mkdtemp(join(tmpdir(), 'popfwd-no-secrets-'));
    tokenFile = join(dir, 'secrets', 'refresh-token');
    initialRefreshToken = mailbox.endpoint.issueRefreshToken();
    await openSecretStore().write({ file: tokenFile }, initialRefreshToken);
  });
  afterEach(async () => {
    await refusingSmtp?.close();
    await mailbox?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const PASSWORD_ENV = 'POPFWD_TEST_PASSWORD';

  const runBoth = async (
    auth: AuthDocument,
    env: NodeJS.ProcessEnv,
    { smtpPort }: { smtpPort?: number } = {},
  ): Promise<Outcome> => {
    const document = (store: string) => {
      const doc = configDocument(mailbox, { auth, store: { dir: store } });
      if (smtpPort !== undefined) (doc.mailbox as { smtp: { port: number } }).smtp.port = smtpPort;
      return doc;
    };

    const records: LogRecord[] = [];
    const engineStore = join(dir, 'engine-store');
    const { config } = parseConfig(document(engineStore), 'engine config');
    let summary: unknown;
    let engineError: unknown;
    try {
      summary = await runMailbox({
        config,
        store: createLocalStore(engineStore),
        secrets: openSecretStore({ env }),
        log: memoryLog(records),
        deadline: Date.now() + 120_000,
      });
    } catch (error) {
      engineError = error;
    }

    const cliDir = join(dir, 'cli');
    await mkdir(cliDir, { recursive: true });
    await writeFile(join(cliDir, 'popfwd.json'), JSON.stringify(document('./store')));
    const cli = await runCli(
      ['run', '--config', join(cliDir, 'popfwd.json'), '--verbose'],
      cliDir,
      {
        env,
      },
    );

    const smtpMail = [...mailbox.smtp.messages, ...refusingSmtp.messages];
    return {
      texts: {
        'engine log records': dump(records),
        'engine summary': dump(summary),
        'engine error': dump(engineError),
        'CLI stdout': cli.stdout,
        'CLI stderr': cli.stderr,
        'mail sent': dump(smtpMail.map((mail) => mail.raw)),
        ...(await readTree(engineStore)),
        ...(await readTree(join(cliDir, 'store'))),
      },
      engineError,
      cliCode: cli.code,
      debugLines:
        records.filter((record) => record.level === 'debug').length +
        (cli.stderr.match(/ debug /g) ?? []).length,
    };
  };

  /** Every OAuth2 secret the endpoint issued or was sent during the test. */
  const oauthSecrets = async (): Promise<Record<string, string>> => {
    const secrets: Record<string, string> = {
      'initial refresh token': initialRefreshToken,
      'stored refresh token': (await readFile(tokenFile, 'utf8')).trim(),
    };
    mailbox.endpoint.requests.forEach((request, index) => {
      if (request.form.refresh_token)
        secrets[`refresh token sent #${index}`] = request.form.refresh_token;
    });
    mailbox.endpoint.accessTokens.forEach((token, index) => {
      secrets[`access token #${index}`] = token;
    });
    return secrets;
  };

  it('finds a secret where one is (the scan itself works)', async () => {
    // Act
    const leaks = findLeaks(
      { 'refresh token': initialRefreshToken },
      {
        'token file': await readFile(tokenFile, 'utf8'),
        'a SASL payload': Buffer.from(
          `user=${MAILBOX_USER}\x01auth=Bearer ${initialRefreshToken}\x01\x01`,
        ).toString('base64'),
      },
    );

    // Assess
    expect(leaks.map((leak) => leak.where)).toEqual(['token file', 'a SASL payload']);
  });

  it('password login: a full run with forwards', async () => {
    const outcome = await runBoth(
      { method: 'password', password: { env: PASSWORD_ENV } },
      { [PASSWORD_ENV]: MAILBOX_PASSWORD },
    );

    expect(outcome.engineError).toBeUndefined();
    expect(outcome.cliCode).toBe(0);
    expect(mailbox.smtp.messages).toHaveLength(4);
    expect(outcome.debugLines).toBeGreaterThan(20);
    expect(findLeaks({ password: MAILBOX_PASSWORD }, outcome.texts)).toEqual([]);
  });

  it('password login: the POP3 server refuses the password', async () => {
    const wrong = 'not-the-Right-passw0rd';
    const outcome = await runBoth(
      { method: 'password', password: { env: PASSWORD_ENV } },
      { [PASSWORD_ENV]: wrong },
    );

    expect(outcome.engineError).toMatchObject({ code: 'EAUTH' });
    expect(outcome.cliCode).toBe(3);
    expect(outcome.texts['CLI stderr']).toContain('[EAUTH:');
    expect(findLeaks({ password: wrong }, outcome.texts)).toEqual([]);
  });

  it('password login: the SMTP server refuses the login', async () => {
    const outcome = await runBoth(
      { method: 'password', password: { env: PASSWORD_ENV } },
      { [PASSWORD_ENV]: MAILBOX_PASSWORD },
      { smtpPort: refusingSmtp.port },
    );

    expect(outcome.engineError).toBeUndefined();
    expect(outcome.cliCode).toBe(5);
    expect(refusingSmtp.auths.map((auth) => auth.password)).toContain(MAILBOX_PASSWORD);
    expect(outcome.texts['engine summary']).toContain('EACCOUNT');
    expect(findLeaks({ password: MAILBOX_PASSWORD }, outcome.texts)).toEqual([]);
  });

  it('password login: the SMTP server quotes the password in its refusal', async () => {
    const echoing = await startSmtpTestServer({
      server: {
        onAuth(auth, _session, callback) {
          callback(smtpReply(535, `5.7.8 the password ${String(auth.password)} is wrong`));
        },
      },
    });
    try {
      const outcome = await runBoth(
        { method: 'password', password: { env: PASSWORD_ENV } },
        { [PASSWORD_ENV]: MAILBOX_PASSWORD },
        { smtpPort: echoing.port },
      );

      expect(outcome.cliCode).toBe(5);
      expect(outcome.texts['engine summary']).toContain('the password [redacted] is wrong');
      expect(findLeaks({ password: MAILBOX_PASSWORD }, outcome.texts)).toEqual([]);
    } finally {
      await echoing.close();
    }
  });

  it('OAuth2: the SMTP server quotes the access token in its refusal', async () => {
    const echoing = await startSmtpTestServer({
      xoauth2: ({ accessToken }) => smtpReply(535, `5.7.3 token ${accessToken} is not valid`),
    });
    try {
      const outcome = await runBoth(
        { method: 'oauth2', refreshToken: { file: tokenFile } },
        {},
        { smtpPort: echoing.port },
      );

      expect(outcome.cliCode).toBe(5);
      expect(outcome.texts['engine summary']).toContain('token [redacted] is not valid');
      expect(findLeaks(await oauthSecrets(), outcome.texts)).toEqual([]);
    } finally {
      await echoing.close();
    }
  });

  it('OAuth2: a full run with a refresh, a rotation and forwards', async () => {
    const outcome = await runBoth({ method: 'oauth2', refreshToken: { file: tokenFile } }, {});

    expect(outcome.engineError).toBeUndefined();
    expect(outcome.cliCode).toBe(0);
    expect(mailbox.smtp.messages).toHaveLength(4);
    expect(mailbox.endpoint.accessTokens).toHaveLength(2);
    expect(outcome.debugLines).toBeGreaterThan(20);
    expect(findLeaks(await oauthSecrets(), outcome.texts)).toEqual([]);
  });

  it('OAuth2: the refresh token is no longer valid', async () => {
    mailbox.endpoint.revokeRefreshTokens();

    const outcome = await runBoth({ method: 'oauth2', refreshToken: { file: tokenFile } }, {});

    expect(outcome.engineError).toMatchObject({ code: 'EINVALIDGRANT' });
    expect(outcome.cliCode).toBe(3);
    expect(outcome.texts['CLI stderr']).toContain('sign in again with `popfwd auth login');
    expect(findLeaks(await oauthSecrets(), outcome.texts)).toEqual([]);
  });

  it('OAuth2: the SMTP server refuses the token, also after one renewal', async () => {
    const outcome = await runBoth(
      { method: 'oauth2', refreshToken: { file: tokenFile } },
      {},
      { smtpPort: refusingSmtp.port },
    );

    expect(outcome.engineError).toBeUndefined();
    expect(outcome.cliCode).toBe(5);
    expect(refusingSmtp.auths.length).toBeGreaterThanOrEqual(4);
    expect(outcome.texts['engine summary']).toContain('EACCOUNT');
    expect(findLeaks(await oauthSecrets(), outcome.texts)).toEqual([]);
  });
});
