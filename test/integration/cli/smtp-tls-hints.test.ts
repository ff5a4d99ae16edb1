/**
 * SMTP TLS settings that do not fit the server: the run's alert names the fix in the config,
 * against a real smtp-server on loopback. The sends wait (exit 5) until the config is fixed.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../../helpers/cli/cli.js';
import { type Engine, mails, PASSWORD, rulesYaml, useEngine } from '../engine/engine-fixture.js';

const env = { POPFWD_PASSWORD: PASSWORD };

const FORWARD_ALL = rulesYaml(`
- name: everything to the phone
  then: [ { forward: { to: [alice.phone@example.net] } } ]
`);

const configFile = async (mailbox: Engine, smtp: Record<string, unknown>): Promise<string> => {
  const document = mailbox.document({ rules: FORWARD_ALL }) as { mailbox: Record<string, unknown> };
  document.mailbox.smtp = smtp;
  const file = join(mailbox.dir, 'popfwd.yaml');
  await writeFile(file, stringify(document));
  return file;
};

describe('popfwd run: SMTP TLS errors that name the fix', () => {
  const engine = useEngine();

  it('implicit TLS to a STARTTLS port: says the port speaks plain SMTP, use starttls', async () => {
    const mailbox = await engine({ mailbox: mails(1), smtp: { mode: 'starttls' } });
    const port = mailbox.smtp?.port;
    const file = await configFile(mailbox, { host: 'localhost', port, security: 'tls' });

    const result = await runCli(['run', '--config', file], mailbox.dir, { env });

    expect(result.code).toBe(5);
    expect(result.stdout).toContain(
      'the SMTP port speaks plain SMTP, not TLS: use smtp.security: starttls',
    );
    expect(mailbox.smtp?.messages).toHaveLength(0);
  });

  it('a self-signed SMTP certificate: says to add mailbox.caFile, logs nothing in', async () => {
    const mailbox = await engine({ mailbox: mails(1), smtp: { untrusted: true } });
    const port = mailbox.smtp?.port;
    const file = await configFile(mailbox, { host: 'localhost', port, security: 'starttls' });

    const result = await runCli(['run', '--config', file], mailbox.dir, { env });

    expect(result.code).toBe(5);
    expect(result.stdout).toContain("the SMTP server's certificate is not trusted");
    expect(result.stdout).toContain('add mailbox.caFile');
    expect(mailbox.smtp?.auths).toHaveLength(0);
    expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
  });

  it('a certificate for another name: says to change smtp.host', async () => {
    // The certificate lists localhost and 127.0.0.1; the server also answers on 127.0.0.2
    const mailbox = await engine({ mailbox: mails(1), smtp: { host: '127.0.0.2' } });
    const port = mailbox.smtp?.port;
    const file = await configFile(mailbox, { host: '127.0.0.2', port, security: 'starttls' });

    const result = await runCli(['run', '--config', file], mailbox.dir, { env });

    expect(result.code).toBe(5);
    expect(result.stdout).toContain('set smtp.host to a name the certificate lists');
  });
});
