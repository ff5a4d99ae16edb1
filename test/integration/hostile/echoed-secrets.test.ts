import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Pop3CommandHook,
  type Pop3ServerOptions,
  startPop3Server,
} from '../../../lambda/cli/sandbox/pop3-server.js';
import { parseConfig } from '../../../lambda/config/parse.js';
import type { RunSummary } from '../../../lambda/engine/summary.js';
import { plainPayload, xoauth2Payload } from '../../../lambda/pop3/sasl.js';
import { REDACTED } from '../../../lambda/redact/redactor.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { runCli } from '../../helpers/cli/cli.js';
import { runMailbox } from '../../helpers/engine-run.js';
import { type LogRecord, memoryLog } from '../../helpers/memory-log.js';
import { startTokenEndpoint, type TokenEndpoint } from '../../helpers/oauth2/token-endpoint.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import { proofConfig, writeProofConfig } from '../../helpers/proof/proof-config.js';
import { proofMessages } from '../../helpers/proof/proof-mail.js';
import { scratchDir } from '../../helpers/proof/scratch-dir.js';
import { memorySecrets } from '../../helpers/secrets/memory-secrets.js';
import { dump, findLeaks, readTree } from '../../helpers/secrets/secret-scan.js';
import {
  type SmtpTestServerOptions,
  smtpReply,
  startSmtpTestServer,
} from '../../helpers/smtp/smtp-test-server.js';
import { testTls } from '../../helpers/tls-fixtures.js';

/**
 * Servers that echo the secrets they were sent: a POP3 server quoting the password (raw, as the
 * SASL PLAIN payload or its base64) or the access token (in its XOAUTH2 failure challenge and its
 * -ERR), an SMTP server quoting them in 535, 451 and 554 replies, a token endpoint quoting the
 * refresh token in its error. `popfwd run --json --verbose` runs in-process against each; then
 * stderr, the JSON summary and every file of the store are searched for each secret as itself,
 * URL-encoded and in base64 at any alignment. Each case also checks that the echo did reach the
 * output, masked, so a case where the server's words never surfaced cannot pass by accident.
 */

const USER = 'echo@example.test';
const PASSWORD = 'Echo-me_if-you+dare/42';

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

interface Setup {
  readonly pop3?: Partial<Pop3ServerOptions>;
  readonly smtp?: SmtpTestServerOptions;
  /** Sign in with OAuth2 (a refresh token in a file) instead of the password. */
  readonly oauth2?: boolean;
  /** Before the run, with the token endpoint and the stored refresh token (oauth2). */
  readonly before?: (endpoint: TokenEndpoint, refreshToken: string) => void;
}

interface Outcome {
  readonly code: number;
  readonly summary: RunSummary | null;
  /** stdout, stderr and every file of the store, by name. */
  readonly texts: Record<string, string>;
  /** Every secret the run had: the password, or the refresh and access tokens. */
  readonly secrets: Record<string, string>;
}

describe('secrets a server echoes never reach the output or the store', () => {
  let dir: string;
  let endpoint: TokenEndpoint | null;

  beforeEach(async () => {
    dir = await scratchDir('popfwd-echoed-secrets-');
    endpoint = null;
  });
  afterEach(async () => {
    await endpoint?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (setup: Setup): Promise<Outcome> => {
    const { cert, key } = testTls();
    if (setup.oauth2) endpoint = await startTokenEndpoint({ username: USER });
    const pop3 = await startPop3Server({
      tls: { cert, key },
      mailbox: proofMessages(USER).map((data, index) => ({ uidl: `m${index + 1}`, data })),
      users: [{ user: USER, password: PASSWORD }],
      ...(endpoint
        ? {
            authenticate: (credentials) =>
              credentials.mechanism === 'XOAUTH2' &&
              (endpoint?.isAccessTokenActive(credentials.accessToken) ?? false),
          }
        : {}),
      ...setup.pop3,
    });
    const smtp = await startSmtpTestServer({ passwords: { [USER]: PASSWORD }, ...setup.smtp });
    const passwordFile = join(dir, 'password');
    const tokenFile = join(dir, 'refresh-token');
    await writeFile(passwordFile, PASSWORD);
    const refreshToken = endpoint?.issueRefreshToken() ?? '';
    await writeFile(tokenFile, refreshToken);
    if (endpoint) setup.before?.(endpoint, refreshToken);
    const storeDir = join(dir, 'store');
    const config = await writeProofConfig(dir, 'echo', {
      address: USER,
      pop3Port: pop3.port,
      smtpPort: smtp.port,
      passwordFile,
      storeDir,
      retention: 'keep',
      ...(endpoint
        ? {
            auth: {
              method: 'oauth2',
              clientId: endpoint.clientId,
              tenant: endpoint.tenant,
              authority: endpoint.authority,
              refreshToken: { file: tokenFile },
            },
          }
        : {}),
    });
    try {
      const cli = await runCli(['run', '--config', config, '--json', '--verbose'], dir);
      const secrets: Record<string, string> = endpoint
        ? {
            'refresh token': refreshToken,
            'stored refresh token': (await readFile(tokenFile, 'utf8')).trim(),
            ...Object.fromEntries(endpoint.accessTokens.map((token, n) => [`access #${n}`, token])),
          }
        : { password: PASSWORD };
      return {
        code: cli.code,
        summary: cli.code === 0 || cli.code === 5 ? (JSON.parse(cli.stdout) as RunSummary) : null,
        texts: { stdout: cli.stdout, stderr: cli.stderr, ...(await readTree(storeDir)) },
        secrets,
      };
    } finally {
      await Promise.all([pop3.close(), smtp.close()]);
    }
  };

  const expectMaskedNotLeaked = (outcome: Outcome) => {
    expect(findLeaks(outcome.secrets, outcome.texts)).toEqual([]);
    expect(Object.values(outcome.texts).join('\n')).toContain(REDACTED);
  };

  describe('POP3', () => {
    const onPassword =
      (command: 'USER' | 'PASS', reply: string): Pop3CommandHook =>
      (info) =>
        info.name === command ? fault.reply(reply) : undefined;

    it.each([
      ['PASS', `-ERR [AUTH] wrong password "${PASSWORD}"`],
      [
        'PASS',
        `-ERR [AUTH] cannot decode ${base64(PASSWORD)}, got ${encodeURIComponent(PASSWORD)}`,
      ],
      ['USER', `-ERR [AUTH] ${PASSWORD} is not a user name`],
    ] as const)('a -ERR to %s that quotes the password: %s', async (command, reply) => {
      const outcome = await run({
        pop3: { capabilities: { sasl: [] }, faults: { onCommand: onPassword(command, reply) } },
      });

      expect(outcome.code).toBe(3);
      expect(outcome.texts.stderr).toContain('[EAUTH:');
      expectMaskedNotLeaked(outcome);
    });

    it.each([
      ['the decoded PLAIN payload', `-ERR [AUTH] bad credentials \0${USER}\0${PASSWORD}`],
      ['the PLAIN payload in base64', `-ERR [AUTH] ${plainPayload(USER, PASSWORD)} refused`],
    ])('an AUTH PLAIN failure that echoes %s', async (_name, reply) => {
      const outcome = await run({
        pop3: {
          capabilities: { sasl: ['PLAIN'] },
          faults: { onCommand: (info) => (info.name === 'AUTH' ? fault.reply(reply) : undefined) },
        },
      });

      expect(outcome.code).toBe(3);
      expectMaskedNotLeaked(outcome);
    });

    it('an XOAUTH2 failure that echoes the token in its challenge and -ERR, raw and in base64', async () => {
      const tried: string[] = [];
      const echo = (reply: Buffer): Buffer => {
        const token = tried.at(-1) ?? '';
        const text = reply.toString('latin1');
        if (text.startsWith('+ ') && text.trim() !== '+') {
          const challenge = JSON.stringify({ status: '401', schemes: 'bearer', seen: token });
          return Buffer.from(`+ ${base64(challenge)}\r\n`);
        }
        if (text.startsWith('-ERR')) {
          return Buffer.from(
            `-ERR [AUTH] ${xoauth2Payload(USER, token)} refused; token ${token}\r\n`,
          );
        }
        return reply;
      };
      const outcome = await run({
        oauth2: true,
        pop3: {
          authenticate: (credentials) => {
            if (credentials.mechanism === 'XOAUTH2') tried.push(credentials.accessToken);
            return false;
          },
          faults: {
            onCommand: (info) => (info.name === 'AUTH' ? fault.rewrite(echo) : undefined),
          },
        },
      });

      expect(outcome.code).toBe(3);
      expect(tried).toHaveLength(2);
      expect(Object.keys(outcome.secrets)).toContain('access #1');
      expectMaskedNotLeaked(outcome);
    });

    it('a token endpoint error that quotes the refresh token', async () => {
      const outcome = await run({
        oauth2: true,
        before: (tokens, refreshToken) => {
          tokens.failNext({
            status: 400,
            body: {
              error: `invalid_request ${refreshToken}`,
              error_description: `AADSTS900144: bad refresh_token=${encodeURIComponent(refreshToken)} (${refreshToken})`,
            },
          });
        },
      });

      expect(outcome.code).toBe(2);
      expectMaskedNotLeaked(outcome);
    });
  });

  describe('POP3, masked where the reply is read (no log or CLI net involved)', () => {
    it.each([
      ['PASS', `-ERR [AUTH] wrong password "${PASSWORD}" (${base64(PASSWORD)})`],
      ['AUTH', `-ERR [AUTH] bad credentials \0${USER}\0${PASSWORD}`],
    ])('the error runMailbox throws for a -ERR to %s', async (command, reply) => {
      const { cert, key } = testTls();
      const pop3 = await startPop3Server({
        tls: { cert, key },
        users: [{ user: USER, password: PASSWORD }],
        capabilities: { sasl: command === 'AUTH' ? ['PLAIN'] : [] },
        faults: { onCommand: (info) => (info.name === command ? fault.reply(reply) : undefined) },
      });
      const records: LogRecord[] = [];
      try {
        const { config } = parseConfig(
          proofConfig({
            address: USER,
            pop3Port: pop3.port,
            passwordFile: join(dir, 'password'),
            storeDir: join(dir, 'store'),
            retention: 'keep',
          }),
          'engine',
        );
        const error = await runMailbox({
          config,
          store: createLocalStore(join(dir, 'store')),
          secrets: memorySecrets({ [`file:${join(dir, 'password')}`]: PASSWORD }).store,
          log: memoryLog(records),
          deadline: Date.now() + 20_000,
        }).catch((caught: unknown) => caught);

        expect(error).toMatchObject({ code: 'EAUTH', message: expect.stringContaining(REDACTED) });
        expect(
          findLeaks({ password: PASSWORD }, { error: dump(error), log: dump(records) }),
        ).toEqual([]);
      } finally {
        await pop3.close();
      }
    });
  });

  describe('SMTP', () => {
    it('a 535 that quotes the password, the PLAIN payload and the LOGIN base64', async () => {
      const outcome = await run({
        smtp: {
          server: {
            onAuth(_auth, _session, callback) {
              callback(
                smtpReply(
                  535,
                  `5.7.8 ${PASSWORD} / ${plainPayload(USER, PASSWORD)} / ${base64(PASSWORD)} not accepted`,
                ),
              );
            },
          },
        },
      });

      expect(outcome.code).toBe(5);
      expect(outcome.summary?.alerts).toEqual([
        { code: 'EACCOUNT', message: expect.stringContaining(REDACTED) },
      ]);
      expectMaskedNotLeaked(outcome);
    });

    it('a 451 on DATA that quotes the password: recorded for a retry', async () => {
      const outcome = await run({
        smtp: { dataReply: () => smtpReply(451, `4.3.0 try again later, ${PASSWORD}`) },
      });

      expect(outcome.code).toBe(5);
      expect(outcome.summary).toMatchObject({ forwarded: 0, replied: 0 });
      const state = Object.entries(outcome.texts).find(([name]) => name.endsWith('state.json'));
      expect(state?.[1]).toContain(REDACTED);
      expectMaskedNotLeaked(outcome);
    });

    it('a 554 on DATA that quotes the password: the account is paused, with an alert', async () => {
      const outcome = await run({
        smtp: {
          dataReply: () =>
            smtpReply(
              554,
              `5.2.0 STOREDRV.Submission.Exception:OutboundSpamException; ${PASSWORD} (${base64(PASSWORD)})`,
            ),
        },
      });

      expect(outcome.code).toBe(5);
      expect(outcome.summary?.alerts).toEqual([
        { code: 'EACCOUNT', message: expect.stringContaining(REDACTED) },
      ]);
      expectMaskedNotLeaked(outcome);
    });

    it('a 535 to XOAUTH2 that quotes the access token and its payload', async () => {
      const outcome = await run({
        oauth2: true,
        smtp: {
          xoauth2: ({ accessToken = '' }) =>
            smtpReply(
              535,
              `5.7.3 Authentication unsuccessful for ${accessToken} (${xoauth2Payload(USER, accessToken)})`,
            ),
        },
      });

      expect(outcome.code).toBe(5);
      expect(outcome.summary?.alerts).toEqual([
        { code: 'EACCOUNT', message: expect.stringContaining(REDACTED) },
      ]);
      expectMaskedNotLeaked(outcome);
    });
  });
});
