import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../../lambda/config/load.js';
import { parseConfig } from '../../../lambda/config/parse.js';
import type { PopfwdError } from '../../../lambda/errors.js';

const minimal = {
  mailbox: {
    address: 'alice@example.test',
    pop3: { host: 'pop.example.test' },
    auth: { method: 'password', password: { env: 'POPFWD_PASSWORD' } },
  },
};

const problems = (raw: unknown): string[] => {
  try {
    parseConfig(raw, 'test.yaml');
  } catch (error) {
    return ((error as PopfwdError).context.issues as { path: string; message: string }[]).map(
      (issue) => `${issue.path}: ${issue.message}`,
    );
  }
  throw new Error('expected the config to be invalid');
};

describe('parseConfig', () => {
  it('fills defaults for ports, security, retention, store and limits', () => {
    const { config } = parseConfig(minimal, 'test.yaml');
    expect(config.mailbox.pop3).toEqual({
      host: 'pop.example.test',
      port: 995,
      security: 'tls',
      pipelining: 'auto',
    });
    expect(config.mailbox.retention).toBe('keep');
    expect(config.store).toEqual({ dir: './popfwd-data' });
    expect(config.limits.maxSendsPerDay).toBe(200);
    expect(config.limits.runTimeout).toBe(600_000);
  });

  it('derives the default port from the security mode', () => {
    const { config } = parseConfig(
      {
        ...minimal,
        mailbox: {
          ...minimal.mailbox,
          pop3: { host: 'h', security: 'starttls' },
          smtp: { host: 'h', security: 'tls' },
        },
      },
      'test.yaml',
    );
    expect(config.mailbox.pop3.port).toBe(110);
    expect(config.mailbox.smtp?.port).toBe(465);
  });

  it('fills Outlook servers and OAuth2 from the outlook preset, explicit fields winning', () => {
    const { config, warnings } = parseConfig(
      {
        mailbox: {
          address: 'alice@outlook.com',
          preset: 'outlook',
          pop3: { port: 1995 },
          auth: {
            clientId: '11111111-2222-3333-4444-555555555555',
            refreshToken: { ssm: '/popfwd/alice/refresh' },
          },
        },
      },
      'test.yaml',
    );
    expect(config.mailbox.pop3).toMatchObject({
      host: 'outlook.office365.com',
      port: 1995,
      security: 'tls',
    });
    expect(config.mailbox.smtp).toMatchObject({
      host: 'smtp-mail.outlook.com',
      port: 587,
      security: 'starttls',
    });
    expect(config.mailbox.auth).toMatchObject({
      method: 'oauth2',
      tenant: 'consumers',
      authority: 'https://login.microsoftonline.com',
    });
    expect(warnings).toEqual([]);
  });

  it('warns that the 2010 Hotmail preset uses retired password logins', () => {
    const { warnings, config } = parseConfig(
      {
        mailbox: {
          address: 'a@hotmail.com',
          preset: 'hotmail-2010',
          auth: { password: { env: 'P' } },
        },
      },
      'test.yaml',
    );
    expect(config.mailbox.pop3.host).toBe('pop.live.com');
    expect(warnings[0]).toMatch(/retired password logins/);
  });

  it('names each wrong field and what was expected', () => {
    expect(
      problems({
        mailbox: {
          ...minimal.mailbox,
          pop3: { host: 'h', port: 'x' },
          retention: 'forever',
          extra: true,
        },
        limits: { maxBytesPerRun: 'lots' },
      }),
    ).toEqual([
      'mailbox.pop3.port: expected a port number',
      'mailbox.retention: expected keep, delete or { deleteAfterDays: N }',
      'mailbox.extra: unknown field',
      'limits.maxBytesPerRun: expected a size like "25MB" or "512KiB", got "lots"',
    ]);
  });

  it('refuses a secret written inline, without echoing it', () => {
    const issues = problems({
      ...minimal,
      mailbox: { ...minimal.mailbox, auth: { method: 'password', password: 'hunter2' } },
    });
    expect(issues).toEqual([
      'mailbox.auth.password: expected a secret reference: { env: NAME }, { file: PATH } or { ssm: NAME } (never the secret itself)',
    ]);
    expect(issues.join()).not.toContain('hunter2');
  });

  it('rejects control characters in host names', () => {
    expect(
      problems({
        ...minimal,
        mailbox: { ...minimal.mailbox, pop3: { host: 'pop.example\r\nRSET' } },
      })[0],
    ).toMatch(/^mailbox.pop3.host: .*control characters/);
  });

  it('requires an SMTP server when vacation replies are on', () => {
    expect(problems({ ...minimal, vacation: { enabled: true, body: 'away' } })).toEqual([
      expect.stringMatching(
        /^mailbox\.smtp: required to send forwards or replies \(.*vacation.*\); set it or mailbox\.preset$/,
      ),
    ]);
  });
});

describe('config warnings', () => {
  it('warns that security plain to another machine sends the login unencrypted', () => {
    const text = (host: string) =>
      [
        'mailbox:',
        '  address: a@example.test',
        `  pop3: { host: ${host}, security: plain }`,
        `  smtp: { host: ${host}, security: plain }`,
        '  auth: { method: password, password: { env: P } }',
      ].join('\n');

    const remote = parseConfig(parseConfigText(text('pop.example.net'), 't.yaml'), 't.yaml');
    const local = parseConfig(parseConfigText(text('127.0.0.1'), 't.yaml'), 't.yaml');

    expect(remote.warnings).toEqual([
      expect.stringMatching(/^mailbox\.pop3: security plain sends the login .* unencrypted/),
      expect.stringMatching(/^mailbox\.smtp: security plain/),
    ]);
    expect(local.warnings).toEqual([]);
  });

  it('warns that Outlook.com refuses redirect forwards', () => {
    const text = [
      'mailbox:',
      '  address: a@outlook.com',
      '  preset: outlook',
      '  auth: { clientId: 11111111-2222-3333-4444-555555555555, refreshToken: { env: T } }',
      'rules:',
      '  - name: to phone',
      '    then: [ { forward: { to: [me@phone.example], as: redirect } } ]',
    ].join('\n');

    const { warnings } = parseConfig(parseConfigText(text, 'test.yaml'), 'test.yaml');

    expect(warnings).toEqual([
      expect.stringMatching(/^rule "to phone" forwards as redirect.*SendAsDenied/),
    ]);
  });
});

describe('parseConfigText', () => {
  it('reports YAML syntax errors with their line', () => {
    expect(() => parseConfigText('mailbox:\n  address: [unclosed\n', 'broken.yaml')).toThrow(
      /broken.yaml is invalid:\n {2}- line \d+, column \d+/,
    );
  });

  it('reads JSON as well as YAML', () => {
    expect(parseConfigText('{"mailbox": {"address": "a@b.example"}}', 'c.json')).toEqual({
      mailbox: { address: 'a@b.example' },
    });
  });
});

describe('loadConfig', () => {
  it('resolves relative paths against the config file, not the working directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'popfwd-config-'));
    const file = join(dir, 'popfwd.yaml');
    await writeFile(
      file,
      'mailbox:\n  address: alice@example.test\n  pop3: { host: h }\n  caFile: ca.pem\n  auth: { method: password, password: { file: secrets/pw } }\nstore: { dir: data }\n',
    );

    const { config } = await loadConfig(file);

    expect(config.mailbox.caFile).toBe(join(dir, 'ca.pem'));
    expect(config.mailbox.auth).toMatchObject({ password: { file: join(dir, 'secrets/pw') } });
    expect(config.store).toEqual({ dir: join(dir, 'data') });
  });

  it('says when the file does not exist', async () => {
    await expect(loadConfig('/nonexistent/popfwd.yaml')).rejects.toMatchObject({
      code: 'ECONFIG',
      message: expect.stringMatching(/file not found/),
    });
  });
});
