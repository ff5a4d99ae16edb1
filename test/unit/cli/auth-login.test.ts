import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Credentials } from '../../../lambda/auth/credentials.js';
import { createOAuth2Client } from '../../../lambda/auth/oauth2-client.js';
import {
  type AuthLoginDeps,
  createAuthLoginCommand,
} from '../../../lambda/cli/commands/auth-login.js';
import { main } from '../../../lambda/cli/main.js';
import type { LoginVerification, VerifyLogin } from '../../../lambda/cli/verify-login.js';
import { PopfwdError } from '../../../lambda/errors.js';
import { captureIO } from '../../helpers/cli/cli.js';
import { recordingSleep } from '../../helpers/fake-sleep.js';
import { startTokenEndpoint, type TokenEndpoint } from '../../helpers/oauth2/token-endpoint.js';

const testIO = (cwd: string, signal?: AbortSignal) => captureIO(cwd, signal ? { signal } : {});

describe('popfwd auth login', () => {
  let endpoint: TokenEndpoint;
  let dir: string;

  beforeEach(async () => {
    endpoint = await startTokenEndpoint({ username: 'alice@outlook.test' });
    dir = await mkdtemp(join(tmpdir(), 'popfwd-auth-login-'));
  });
  afterEach(async () => {
    await endpoint.close();
    await rm(dir, { recursive: true, force: true });
  });

  const writeConfig = async (auth: string): Promise<string> => {
    const file = join(dir, 'popfwd.yaml');
    await writeFile(
      file,
      `mailbox:\n  address: alice@outlook.test\n  preset: outlook\n  auth:\n${auth}`,
    );
    return file;
  };

  const oauthConfig = () =>
    writeConfig(
      [
        `    clientId: ${endpoint.clientId}`,
        `    authority: ${endpoint.authority}`,
        '    refreshToken: { file: ./secrets/refresh-token }',
        '',
      ].join('\n'),
    );

  const command = (deps: AuthLoginDeps = {}) =>
    createAuthLoginCommand({
      createClient: (auth) => createOAuth2Client({ auth, sleep: recordingSleep().sleep }),
      ...deps,
    });

  it('signs in with the device code, stores the refresh token 0600 and reports both logins', async () => {
    // Prepare
    await oauthConfig();
    endpoint.answerDevicePolls('authorization_pending', 'approve');
    const seen: Credentials[] = [];
    const verifyLogin: VerifyLogin = async (_mailbox, credentials) => {
      seen.push(credentials);
      const token =
        credentials.kind === 'oauth2' ? (await credentials.tokens.getAccessToken()).token : '';
      const active = endpoint.isAccessTokenActive(token);
      return {
        pop3: active ? { status: 'ok', detail: '3 messages' } : { status: 'failed', error: 'no' },
        smtp: { status: 'ok' },
      } satisfies LoginVerification;
    };
    const { io, stdout } = testIO(dir);

    // Act
    const code = await command({ verifyLogin }).run(['--config', 'popfwd.yaml'], io);

    // Assess
    const file = join(dir, 'secrets', 'refresh-token');
    const stored = (await readFile(file, 'utf8')).trim();
    const device = endpoint.requests.find((r) => r.path.endsWith('/devicecode'));
    expect(code).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(endpoint.isRefreshTokenValid(stored)).toBe(true);
    expect(device).toBeDefined();
    expect(stdout()).toContain('https://microsoft.com/devicelogin');
    expect(stdout()).toMatch(/enter the code\n\n {4}[0-9A-F]{8}\n/);
    expect(stdout()).toContain(
      `Refresh token saved to file:${file} (readable only by you, mode 0600)`,
    );
    expect(stdout()).toMatch(/POP3 +outlook\.office365\.com:995 +ok \(3 messages\)/);
    expect(stdout()).toMatch(/SMTP +smtp-mail\.outlook\.com:587 +ok/);
    expect(seen).toEqual([expect.objectContaining({ kind: 'oauth2', user: 'alice@outlook.test' })]);
  });

  it('prints no token and sends no client secret', async () => {
    await oauthConfig();
    endpoint.answerDevicePolls('approve');
    const { io, stdout, stderr } = testIO(dir);

    await command({
      verifyLogin: async (_mailbox, credentials) => {
        if (credentials.kind === 'oauth2') await credentials.tokens.getAccessToken();
        return { pop3: { status: 'ok' }, smtp: { status: 'ok' } };
      },
    }).run(['--config', 'popfwd.yaml'], io);

    const output = stdout() + stderr();
    const stored = (await readFile(join(dir, 'secrets', 'refresh-token'), 'utf8')).trim();
    expect(endpoint.accessTokens.length).toBeGreaterThan(0);
    for (const token of [...endpoint.accessTokens, stored]) expect(output).not.toContain(token);
    for (const request of endpoint.requests)
      expect(request.form).not.toHaveProperty('client_secret');
  });

  it('reports a failed check, hints at the POP setting and exits 1', async () => {
    await oauthConfig();
    endpoint.answerDevicePolls('approve');
    const { io, stdout } = testIO(dir);

    const code = await command({
      verifyLogin: async () => ({
        pop3: {
          status: 'failed',
          error: new PopfwdError('EAUTH', 'the POP3 server rejected the login'),
        },
        smtp: { status: 'skipped', reason: 'no SMTP server configured' },
      }),
    }).run(['--config', 'popfwd.yaml'], io);

    expect(code).toBe(1);
    expect(stdout()).toContain('FAILED: the POP3 server rejected the login [EAUTH:');
    expect(stdout()).toContain('skipped: no SMTP server configured');
    expect(stdout()).toContain('Settings → Mail → Forwarding and IMAP → POP');
  });

  it('says the logins were not tried when no verifier is wired in', async () => {
    await oauthConfig();
    endpoint.answerDevicePolls('approve');
    const { io, stdout } = testIO(dir);

    const code = await command().run(['--config', 'popfwd.yaml'], io);

    expect(code).toBe(0);
    expect(stdout()).toContain('The POP3 and SMTP logins were not tried');
  });

  it('ends with the reason when the user declines', async () => {
    await oauthConfig();
    endpoint.answerDevicePolls('authorization_pending', 'decline');
    const { io } = testIO(dir);

    const error = (await command()
      .run(['--config', 'popfwd.yaml'], io)
      .catch((e: unknown) => e)) as PopfwdError;

    expect(error.code).toBe('EOAUTH');
    expect(error.message).toContain('declined');
    await expect(stat(join(dir, 'secrets', 'refresh-token'))).rejects.toThrow();
  });

  it('stops cleanly on Ctrl-C while waiting for the sign-in', async () => {
    await oauthConfig();
    const controller = new AbortController();
    const { io } = testIO(dir, controller.signal);
    const cancelling = createAuthLoginCommand({
      createClient: (auth) =>
        createOAuth2Client({
          auth,
          sleep: async (_ms, signal) => {
            controller.abort();
            signal?.throwIfAborted();
          },
        }),
    });

    const error = (await cancelling
      .run(['--config', 'popfwd.yaml'], io)
      .catch((e: unknown) => e)) as PopfwdError;

    expect(error.code).toBe('EABORTED');
  });

  it('refuses a password config with a clear message and exit code 2', async () => {
    const file = await writeConfig(
      '    method: password\n    password: { env: POPFWD_PASSWORD }\n',
    );
    const { io, stderr } = testIO(dir);

    const code = await main(['auth', 'login', '--config', file], io);

    expect(code).toBe(2);
    expect(stderr()).toContain(
      'auth login signs in with OAuth2, but mailbox.auth.method is password',
    );
    expect(endpoint.requests).toHaveLength(0);
  });

  it('refuses a refresh token reference it cannot write', async () => {
    const file = await writeConfig(
      `    clientId: ${endpoint.clientId}\n    refreshToken: { env: POPFWD_REFRESH_TOKEN }\n`,
    );
    const { io, stderr } = testIO(dir);

    const code = await main(['auth', 'login', '--config', file], io);

    expect(code).toBe(2);
    expect(stderr()).toContain('point it at { file: PATH } or { ssm: NAME }');
  });

  it('says where it looked when no config is named or found', async () => {
    const { io, stderr } = testIO(dir);

    const code = await main(['auth', 'login'], { ...io, env: { XDG_CONFIG_HOME: dir } });

    expect(code).toBe(2);
    expect(stderr()).toContain(`no config found; popfwd looked at:`);
    expect(stderr()).toContain(join(dir, 'popfwd', 'config.yaml'));
  });
});
