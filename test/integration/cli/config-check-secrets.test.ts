/**
 * `popfwd config check` reads every secret reference (reporting only whether it can be read),
 * flags what `auth login` or a run would trip over, and lists the settings that differ from the
 * defaults. No secret value ever appears in its output.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../../helpers/cli/cli.js';

const SECRET = 'Sup3r-secret-value-never-shown';
const CLIENT_ID = '00000000-0000-0000-0000-000000000000';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const scratch = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'popfwd-config-check-'));
  dirs.push(dir);
  return dir;
};

const passwordConfig = (password: unknown, extra: Record<string, unknown> = {}) => ({
  mailbox: {
    address: 'alice@example.test',
    pop3: { host: 'pop.example.test' },
    auth: { method: 'password', password },
  },
  ...extra,
});

const oauthConfig = (auth: Record<string, unknown>) => ({
  mailbox: {
    address: 'alice@outlook.example',
    pop3: { host: 'outlook.office365.com' },
    auth: { method: 'oauth2', clientId: CLIENT_ID, ...auth },
  },
});

const check = async (
  document: unknown,
  env: NodeJS.ProcessEnv = {},
  flags: readonly string[] = [],
) => {
  const dir = await scratch();
  const file = join(dir, 'popfwd.yaml');
  await writeFile(file, stringify(document));
  const result = await runCli(['config', 'check', '--config', file, ...flags], dir, { env });
  const output = `${result.stdout}${result.stderr}`;
  expect(output).not.toContain(SECRET);
  return { ...result, dir, file, output };
};

describe('popfwd config check: secrets', () => {
  it('an unset password variable is a problem (exit 2), not "valid"', async () => {
    const result = await check(passwordConfig({ env: 'POPFWD_TEST_UNSET' }));

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'problem: mailbox.auth.password (env:POPFWD_TEST_UNSET) cannot be read: cannot read env:POPFWD_TEST_UNSET: the environment variable is not set',
    );
    expect(result.stdout).toContain(': 1 problem(s), see above');
    expect(result.stdout).not.toContain(': valid');
    expect(result.stdout).toContain(
      'secrets    mailbox.auth.password (env:POPFWD_TEST_UNSET): cannot be read',
    );
  });

  it('an empty password variable is a problem too', async () => {
    const result = await check(passwordConfig({ env: 'POPFWD_TEST_EMPTY' }), {
      POPFWD_TEST_EMPTY: '',
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('env:POPFWD_TEST_EMPTY');
    expect(result.stderr).toContain('empty');
  });

  it('a readable variable: "readable", the value nowhere', async () => {
    const result = await check(passwordConfig({ env: 'POPFWD_TEST_SET' }), {
      POPFWD_TEST_SET: SECRET,
    });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(': valid');
    expect(result.stdout).toContain('mailbox.auth.password (env:POPFWD_TEST_SET): readable');
  });

  it('a missing file, a folder and a readable file', async () => {
    const missing = await check(passwordConfig({ file: './no-such-secret' }));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/problem: mailbox\.auth\.password \(file:.*no-such-secret\)/);

    const dir = await scratch();
    await mkdir(join(dir, 'a-folder'));
    const folder = await check(passwordConfig({ file: join(dir, 'a-folder') }));
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('cannot be read');

    await writeFile(join(dir, 'secret'), `${SECRET}\n`);
    const readable = await check(passwordConfig({ file: join(dir, 'secret') }));
    expect(readable.code).toBe(0);
    expect(readable.stdout).toContain(`(file:${join(dir, 'secret')}): readable`);
  });
});

describe('popfwd config check --offline', () => {
  it('lists the references without reading them; config problems still count', async () => {
    const unset = await check(passwordConfig({ env: 'POPFWD_TEST_UNSET' }), {}, ['--offline']);
    const envToken = await check(oauthConfig({ refreshToken: { env: 'POPFWD_TEST_TOKEN' } }), {}, [
      '--offline',
    ]);

    expect(unset.code).toBe(0);
    expect(unset.stdout).toContain(': valid');
    expect(unset.stdout).toContain(
      'secrets    mailbox.auth.password (env:POPFWD_TEST_UNSET): not read (--offline)',
    );
    expect(envToken.code).toBe(2);
    expect(envToken.stderr).toContain('mailbox.auth.refreshToken is an environment variable');
  });
});

describe('popfwd config check: OAuth2', () => {
  it('flags a refresh token in an environment variable, which auth login cannot store', async () => {
    const result = await check(oauthConfig({ refreshToken: { env: 'POPFWD_TEST_TOKEN' } }), {
      POPFWD_TEST_TOKEN: SECRET,
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'problem: mailbox.auth.refreshToken is an environment variable (env:POPFWD_TEST_TOKEN)',
    );
    expect(result.stderr).toContain('use { file: PATH } or { ssm: NAME }');
    // It can be read, it is just the wrong kind of place
    expect(result.stdout).toContain('(env:POPFWD_TEST_TOKEN): readable');
  });

  it('warns about a plain-http authority, not about one on this machine', async () => {
    const dir = await scratch();
    await writeFile(join(dir, 'token'), SECRET);
    const refreshToken = { file: join(dir, 'token') };

    const remote = await check(
      oauthConfig({ refreshToken, authority: 'http://login.example.test' }),
    );
    const local = await check(oauthConfig({ refreshToken, authority: 'http://127.0.0.1:8080' }));

    expect(remote.code).toBe(0);
    expect(remote.stderr).toContain(
      'warning: mailbox.auth.authority http://login.example.test is plain http',
    );
    expect(local.code).toBe(0);
    expect(local.stderr).not.toContain('plain http');
    expect(local.stdout).toContain(
      'mailbox.auth.authority: http://127.0.0.1:8080 (default https://login.microsoftonline.com)',
    );
  });
});

describe('popfwd config check: what differs from the defaults', () => {
  it('lists each changed setting with its default, and no unchanged one', async () => {
    const result = await check(
      {
        mailbox: {
          address: 'alice@example.test',
          pop3: { host: 'pop.example.test', security: 'plain', port: 1110 },
          smtp: { host: 'smtp.example.test' },
          auth: { method: 'password', password: { env: 'POPFWD_TEST_SET' } },
          retention: { deleteAfterDays: 7 },
        },
        limits: { maxMessagesPerRun: 50, maxMessageSize: '10MiB', runTimeout: '2m' },
      },
      { POPFWD_TEST_SET: SECRET },
    );

    expect(result.code).toBe(0);
    const changed = result.stdout.slice(result.stdout.indexOf('changed    '));
    expect(changed.trimEnd().split('\n')).toEqual([
      'changed    mailbox.pop3.security: plain (default tls)',
      '           mailbox.pop3.port: 1110 (default 110)',
      '           mailbox.retention: {"deleteAfterDays":7} (default keep)',
      '           limits.maxMessagesPerRun: 50 (default 500)',
      '           limits.maxMessageSize: 10 MiB (default 150 MiB)',
      '           limits.runTimeout: 2 min (default 10 min)',
    ]);
    // plain POP3 to another machine
    expect(result.stderr).toContain('warning: mailbox.pop3: security plain sends the login');
  });

  it('says so when nothing differs', async () => {
    const result = await check(passwordConfig({ env: 'POPFWD_TEST_SET' }), {
      POPFWD_TEST_SET: SECRET,
    });

    expect(result.stdout).toContain('changed    nothing: every other setting is the default');
  });
});
