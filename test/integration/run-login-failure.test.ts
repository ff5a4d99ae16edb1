import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Pop3Server, startPop3Server } from '../../lambda/cli/sandbox/pop3-server.js';
import { parseConfig } from '../../lambda/config/parse.js';
import type { PopfwdError } from '../../lambda/errors.js';
import { silentLog } from '../../lambda/log.js';
import { openSecretStore } from '../../lambda/secrets/open-secrets.js';
import { createLocalStore } from '../../lambda/stores/local/local-store.js';
import { runMailbox } from '../helpers/engine-run.js';
import { startTokenEndpoint, type TokenEndpoint } from '../helpers/oauth2/token-endpoint.js';

const USER = 'alice@example.test';

describe('runMailbox when the POP3 login fails', () => {
  let server: Pop3Server;
  let endpoint: TokenEndpoint;
  let dir: string;

  beforeEach(async () => {
    endpoint = await startTokenEndpoint({ username: USER });
    server = await startPop3Server({
      users: [{ user: USER, password: 'the-right-password', accessToken: 'never-issued' }],
      mailbox: [{ uidl: 'uid-1', data: Buffer.from('Subject: kept\r\n\r\nhello\r\n') }],
    });
    dir = await mkdtemp(join(tmpdir(), 'popfwd-login-failure-'));
  });
  afterEach(async () => {
    await server.close();
    await endpoint.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = (auth: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => {
    const { config } = parseConfig(
      {
        mailbox: {
          address: USER,
          pop3: { host: server.host, port: server.port, security: 'plain' },
          auth,
        },
        store: { dir: join(dir, 'data') },
      },
      'test config',
    );
    return runMailbox({
      config,
      store: createLocalStore(join(dir, 'data')),
      secrets: openSecretStore({ env }),
      log: silentLog,
      deadline: Date.now() + 60_000,
    }).then(
      () => {
        throw new Error('expected the run to fail');
      },
      (error: unknown) => error as PopfwdError,
    );
  };

  it('hangs up when the password is refused, so a CLI run can exit', async () => {
    // Act
    const error = await run({ method: 'password', password: { env: 'PW' } }, { PW: 'wrong' });
    await server.idle();

    // Assess: no session left open, no QUIT (nothing to commit), the message still there
    expect(error.code).toBe('EAUTH');
    expect(server.commands()).toEqual(['CAPA', 'AUTH PLAIN ****']);
    expect(server.mailbox.messages).toHaveLength(1);
  });

  it('hangs up when the refresh token is no longer valid', async () => {
    // Prepare
    const tokenFile = join(dir, 'refresh-token');
    await openSecretStore().write({ file: tokenFile }, endpoint.issueRefreshToken());
    endpoint.revokeRefreshTokens();

    // Act
    const error = await run({
      method: 'oauth2',
      clientId: endpoint.clientId,
      authority: endpoint.authority,
      refreshToken: { file: tokenFile },
    });
    await server.idle();

    // Assess
    expect(error.code).toBe('EINVALIDGRANT');
    expect(server.commands()).toEqual(['CAPA']);
  });
});
