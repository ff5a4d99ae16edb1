import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHandler } from '../../../lambda/aws/create-handler.js';
import type { MetricsSink } from '../../../lambda/aws/run-metrics.js';
import type { Config } from '../../../lambda/config/config-schema.js';
import { parseConfig } from '../../../lambda/config/parse.js';
import { mailboxLayout } from '../../../lambda/engine/layout.js';
import type { PopfwdError } from '../../../lambda/errors.js';
import { openSecretStore } from '../../../lambda/secrets/open-secrets.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { lambdaContext } from '../../helpers/aws/lambda-context.js';
import { dovecotWireBody } from '../../helpers/dovecot/dovecot.js';
import { describeWithDovecot } from '../../helpers/dovecot/dovecot-suite.js';
import { mailPorts, runMailbox } from '../../helpers/engine-run.js';
import { type LogRecord, memoryLog } from '../../helpers/memory-log.js';
import {
  configDocument,
  FORWARD_TO,
  MAILBOX_USER,
  type OAuth2Mailbox,
  startOAuth2Mailbox,
  testMessage,
} from '../../helpers/oauth2/oauth2-mailbox.js';

describeWithDovecot('full runs over OAuth2 (Dovecot oauth2 passdb, smtp-server XOAUTH2)', () => {
  let mailbox: OAuth2Mailbox;
  let dir: string;
  let tokenFile: string;
  let config: Config;
  let records: LogRecord[];

  beforeEach(async () => {
    mailbox = await startOAuth2Mailbox();
    dir = await mkdtemp(join(tmpdir(), 'popfwd-oauth2-runs-'));
    tokenFile = join(dir, 'secrets', 'refresh-token');
    await openSecretStore().write({ file: tokenFile }, mailbox.endpoint.issueRefreshToken());
    config = parseConfig(
      configDocument(mailbox, {
        auth: { method: 'oauth2', refreshToken: { file: tokenFile } },
        store: { dir: join(dir, 'data') },
        retention: 'delete',
      }),
      'oauth2 test config',
    ).config;
    records = [];
  });
  afterEach(async () => {
    await mailbox?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const run = () =>
    runMailbox({
      config,
      store: createLocalStore(join(dir, 'data')),
      secrets: openSecretStore({ env: {} }),
      log: memoryLog(records),
      deadline: Date.now() + 120_000,
    });

  const storedToken = async () => (await readFile(tokenFile, 'utf8')).trim();

  const archived = async (): Promise<Buffer[]> => {
    const rawDir = join(dir, 'data', mailboxLayout(MAILBOX_USER).rawPrefix);
    const names = await readdir(rawDir).catch(() => []);
    return Promise.all(names.map((name) => readFile(join(rawDir, name))));
  };

  const serverMessages = async (): Promise<number> => {
    const maildir = mailbox.dovecot.maildir(MAILBOX_USER);
    const [fresh, seen] = await Promise.all([
      readdir(join(maildir, 'new')),
      readdir(join(maildir, 'cur')),
    ]);
    return fresh.length + seen.length;
  };

  it('archives, deletes and forwards with one access token for POP3 and SMTP', async () => {
    // Prepare
    const messages = [testMessage(1), testMessage(2), testMessage(3)];
    await mailbox.dovecot.addMessages(MAILBOX_USER, messages);
    const initial = await storedToken();

    // Act
    const summary = await run();

    // Assess
    const introspected = new Set(mailbox.introspected());
    const smtpTokens = new Set(mailbox.smtp.auths.map((auth) => auth.accessToken));
    expect(summary).toMatchObject({ fetched: 3, archived: 3, deleted: 3, forwarded: 3, failed: 0 });
    expect((await archived()).map((raw) => raw.toString('latin1')).sort()).toEqual(
      messages.map((raw) => dovecotWireBody(raw).toString('latin1')).sort(),
    );
    expect(await serverMessages()).toBe(0);
    expect(mailbox.smtp.messages.map((mail) => mail.to)).toEqual([
      [FORWARD_TO],
      [FORWARD_TO],
      [FORWARD_TO],
    ]);
    expect(mailbox.smtp.auths.every((auth) => auth.method === 'XOAUTH2')).toBe(true);
    expect(mailbox.endpoint.accessTokens).toHaveLength(1);
    expect([...introspected]).toEqual(mailbox.endpoint.accessTokens);
    expect([...smtpTokens]).toEqual([...introspected]);
    expect(await storedToken()).not.toBe(initial);
  });

  it('keeps working across runs only because each rotated refresh token is written back', async () => {
    // Prepare: single-use refresh tokens, so a token that was not stored back would be dead
    mailbox.endpoint.invalidateUsedRefreshTokens = true;
    const used: string[] = [await storedToken()];

    for (let n = 1; n <= 3; n += 1) {
      await mailbox.dovecot.addMessages(MAILBOX_USER, [testMessage(n)]);

      // Act
      const summary = await run();

      // Assess
      const stored = await storedToken();
      expect(summary).toMatchObject({ archived: 1, forwarded: 1, failed: 0 });
      expect(used).not.toContain(stored);
      expect(mailbox.endpoint.isRefreshTokenValid(stored)).toBe(true);
      expect(used.map((token) => mailbox.endpoint.isRefreshTokenValid(token))).toEqual(
        used.map(() => false),
      );
      used.push(stored);
    }
    expect(mailbox.smtp.messages).toHaveLength(3);
    expect(records.filter((record) => record.message === 'OAuth2 access token refreshed')).toEqual(
      Array.from({ length: 3 }, () =>
        expect.objectContaining({ fields: expect.objectContaining({ refreshTokenRotated: true }) }),
      ),
    );
  });

  it('fails an invalid grant with EINVALIDGRANT and the sign-in hint, counted as an auth failure', async () => {
    // Prepare
    await mailbox.dovecot.addMessages(MAILBOX_USER, [testMessage(1)]);
    const stored = await storedToken();
    mailbox.endpoint.revokeRefreshTokens();
    const metrics: Record<string, number> = {};
    const sink: MetricsSink = {
      addMetric: (name, _unit, value) => {
        metrics[name] = value;
      },
      publishStoredMetrics: () => {},
    };
    const handler = createHandler({
      config,
      ...mailPorts(config),
      store: createLocalStore(join(dir, 'data')),
      openSecrets: () => openSecretStore({ env: {} }),
      run: runMailbox,
      metrics: sink,
      logFor: () => memoryLog(records),
    });

    // Act
    const error = (await handler({}, lambdaContext(300_000)).catch((e: unknown) => e)) as
      | PopfwdError
      | undefined;

    // Assess
    expect(error?.code).toBe('EINVALIDGRANT');
    expect(error?.message).toContain('sign in again with `popfwd auth login');
    expect(metrics).toMatchObject({ authFailures: 1, runSucceeded: 0 });
    expect(await serverMessages()).toBe(1);
    expect(await archived()).toEqual([]);
    expect(mailbox.introspected()).toEqual([]);
    expect(mailbox.smtp.auths).toEqual([]);
    expect(await storedToken()).toBe(stored);
  });
});
