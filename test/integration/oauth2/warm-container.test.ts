import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createAccessTokenCache } from '../../../lambda/auth/access-token-cache.js';
import { openInvocationSecrets } from '../../../lambda/aws/aws-adapters.js';
import { createHandler, type ScheduledHandler } from '../../../lambda/aws/create-handler.js';
import type { Clock } from '../../../lambda/clock.js';
import { parseConfig } from '../../../lambda/config/parse.js';
import type { RunSummary } from '../../../lambda/engine/summary.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { lambdaContext } from '../../helpers/aws/lambda-context.js';
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
import { type SsmHttpFake, startSsmHttpFake } from '../../helpers/secrets/ssm-http-fake.js';

const PARAMETER = '/popfwd/alice/refresh-token';

/**
 * Several invocations of one warm Lambda container: the handler as handler.ts builds it (secrets
 * per invocation from SSM, one access token cache), against Dovecot's oauth2 passdb, the token
 * endpoint and an SSM fake. The clock runs ahead of real time by `ahead`, as a container that
 * was frozen for a while would see it.
 */
describeWithDovecot(
  'a warm container over OAuth2 (the access token outlives an invocation)',
  () => {
    let mailbox: OAuth2Mailbox;
    let ssm: SsmHttpFake;
    let dir: string;
    let records: LogRecord[];
    let handler: ScheduledHandler;
    let ahead: number;

    beforeEach(async () => {
      mailbox = await startOAuth2Mailbox();
      ssm = await startSsmHttpFake({ [PARAMETER]: mailbox.endpoint.issueRefreshToken() });
      dir = await mkdtemp(join(tmpdir(), 'popfwd-warm-container-'));
      records = [];
      ahead = 0;
      const clock: Clock = { now: () => Date.now() + ahead };
      const ssmClient = new SSMClient({
        region: 'eu-west-1',
        endpoint: ssm.endpoint,
        credentials: { accessKeyId: 'AKIAWARMCONTAINER000', secretAccessKey: 'fake' },
      });
      const { config } = parseConfig(
        configDocument(mailbox, {
          auth: { method: 'oauth2', refreshToken: { ssm: PARAMETER } },
          store: { dir: join(dir, 'data') },
        }),
        'warm container test',
      );
      handler = createHandler({
        config,
        ...mailPorts(config),
        store: createLocalStore(join(dir, 'data')),
        openSecrets: () => openInvocationSecrets(ssmClient),
        accessTokens: createAccessTokenCache(),
        run: runMailbox,
        metrics: { addMetric: () => {}, publishStoredMetrics: () => {} },
        logFor: () => memoryLog(records),
        clock,
      });
    });
    afterEach(async () => {
      await mailbox?.stop();
      await ssm?.close();
      await rm(dir, { recursive: true, force: true });
    });

    const tokenRequests = () =>
      mailbox.endpoint.requests.filter((request) => request.path.endsWith('/token')).length;
    const ssmCalls = (action: string) => ssm.calls.filter((call) => call.action === action).length;
    const invoke = (): Promise<RunSummary> => handler({}, lambdaContext(300_000));

    it('makes no SSM call and no token request in a warm invocation, and still logs in and forwards', async () => {
      // Prepare
      await mailbox.dovecot.addMessages(MAILBOX_USER, [testMessage(1)]);
      await invoke();
      const before = { tokens: tokenRequests(), calls: ssm.calls.length };
      await mailbox.dovecot.addMessages(MAILBOX_USER, [testMessage(2)]);

      // Act
      const summary = await invoke();

      // Assess
      expect(before).toEqual({ tokens: 1, calls: 2 });
      expect(summary).toMatchObject({ fetched: 1, archived: 1, forwarded: 1, failed: 0 });
      expect(tokenRequests()).toBe(1);
      expect(ssm.calls).toHaveLength(2);
      expect(mailbox.smtp.messages.map((mail) => mail.to)).toEqual([[FORWARD_TO], [FORWARD_TO]]);
      expect(new Set(mailbox.introspected())).toEqual(new Set(mailbox.endpoint.accessTokens));
    });

    it('refreshes from SSM when the cached token would expire before the invocation ends', async () => {
      // Prepare: the token endpoint's tokens live 3599 s; the invocation may run 285 s
      await invoke();
      ahead = 3599_000 - 285_000 - 60_000;

      // Act
      const summary = await invoke();

      // Assess
      expect(summary.busy).toBeNull();
      expect(tokenRequests()).toBe(2);
      expect([ssmCalls('GetParameter'), ssmCalls('PutParameter')]).toEqual([2, 2]);
      expect(mailbox.endpoint.isRefreshTokenValid(ssm.parameters.get(PARAMETER)?.value ?? '')).toBe(
        true,
      );
    });

    it('refreshes once from SSM and logs in when the server rejects the cached token', async () => {
      // Prepare: the server no longer accepts the token popfwd still holds (e.g. revoked early)
      await invoke();
      mailbox.endpoint.expireAccessTokens();
      await mailbox.dovecot.addMessages(MAILBOX_USER, [testMessage(3)]);

      // Act
      const summary = await invoke();

      // Assess
      expect(summary).toMatchObject({ fetched: 1, archived: 1, forwarded: 1, failed: 0 });
      expect(tokenRequests()).toBe(2);
      expect([ssmCalls('GetParameter'), ssmCalls('PutParameter')]).toEqual([2, 2]);
      expect(mailbox.smtp.auths.map((auth) => auth.accessToken)).toEqual([
        mailbox.endpoint.accessTokens[1],
      ]);
    });

    it('fails with EINVALIDGRANT when the server rejects the cached token and the refresh token is dead', async () => {
      // Prepare
      await invoke();
      mailbox.endpoint.expireAccessTokens();
      mailbox.endpoint.revokeRefreshTokens();

      // Act
      const error = await invoke().catch((e: unknown) => e);

      // Assess
      expect(error).toMatchObject({ code: 'EINVALIDGRANT' });
      expect(tokenRequests()).toBe(2);
    });
  },
);
