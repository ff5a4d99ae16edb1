/**
 * A TLS setting that does not fit the port, or a certificate the client cannot trust: the error
 * names the fix in the config (exit code 2), against real servers on loopback.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  type Pop3ServerOptions,
  startPop3Server,
} from '../../../lambda/cli/sandbox/pop3-server.js';
import { runCli } from '../../helpers/cli/cli.js';
import { TLS_PATHS, testTls, untrustedTls } from '../../helpers/tls-fixtures.js';

const OWNER = 'alice@example.test';
const PASSWORD = 'pop3-Secret-never-logged';
const env = { POPFWD_PASSWORD: PASSWORD };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Pop3Setting {
  readonly host?: string;
  readonly security: 'tls' | 'starttls' | 'plain';
  readonly caFile?: string | null;
}

/** A sandbox POP3 server and a config that reaches it with `setting`. */
const setUp = async (server: Pop3ServerOptions, setting: Pop3Setting) => {
  const pop3 = await startPop3Server({
    users: [{ user: OWNER, password: PASSWORD }],
    mailbox: [],
    ...server,
  });
  cleanups.push(() => pop3.close());
  const dir = await mkdtemp(join(tmpdir(), 'popfwd-tls-hints-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const caFile = setting.caFile === undefined ? TLS_PATHS.ca : setting.caFile;
  const file = join(dir, 'popfwd.yaml');
  await writeFile(
    file,
    stringify({
      mailbox: {
        address: OWNER,
        pop3: { host: setting.host ?? pop3.host, port: pop3.port, security: setting.security },
        ...(caFile ? { caFile } : {}),
        auth: { method: 'password', password: { env: 'POPFWD_PASSWORD' } },
        retention: 'keep',
      },
      store: { dir: join(dir, 'store') },
    }),
  );
  return { pop3, dir, file };
};

describe('popfwd run: TLS errors that name the fix', () => {
  it('TLS to a plain port: says the port speaks plain POP3 and to use starttls (exit 2)', async () => {
    const { dir, file, pop3 } = await setUp({}, { security: 'tls' });

    const result = await runCli(['run', '--config', file], dir, { env });
    const verbose = await runCli(['run', '--config', file, '-v'], dir, { env });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `port ${pop3.port} speaks plain POP3, not TLS (127.0.0.1 answered in plain text): use security: starttls`,
    );
    // OpenSSL's words are the cause, shown with --verbose only
    expect(result.stderr).not.toMatch(/wrong version number|packet length too long/i);
    expect(verbose.code).toBe(2);
    expect(verbose.stderr).toMatch(/caused by: .*(wrong version number|packet length too long)/i);
  });

  it('plain to a TLS port: says the port expects TLS, long before the 15 s greeting timeout', async () => {
    const { dir, file, pop3 } = await setUp({ tls: testTls() }, { security: 'plain' });

    const started = Date.now();
    const result = await runCli(['run', '--config', file], dir, { env });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`port ${pop3.port} expects TLS`);
    expect(result.stderr).toContain('use security: tls');
    expect(Date.now() - started).toBeLessThan(2_500 + 3_000 + 2_000);
  });

  it('starttls to a TLS port: the same hint, nothing sent in plain text', async () => {
    const { dir, file, pop3 } = await setUp({ tls: testTls() }, { security: 'starttls' });

    const result = await runCli(['run', '--config', file], dir, { env });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`port ${pop3.port} expects TLS`);
    expect(result.stderr).not.toContain(PASSWORD);
  });

  it('a self-signed certificate: names it and says to add mailbox.caFile (exit 2)', async () => {
    const { dir, file } = await setUp({ tls: untrustedTls() }, { security: 'tls', caFile: null });

    const result = await runCli(['run', '--config', file], dir, { env });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not trusted: it is self-signed');
    expect(result.stderr).toContain('subject CN=localhost, issued by CN=localhost');
    expect(result.stderr).toContain('add mailbox.caFile');
  });

  it('a certificate from an unknown CA: names its issuer and says to add mailbox.caFile', async () => {
    const { dir, file } = await setUp({ tls: testTls() }, { security: 'tls', caFile: null });

    const result = await runCli(['run', '--config', file], dir, { env });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'signed by a certificate authority this machine does not trust',
    );
    expect(result.stderr).toContain('issued by CN=popfwd test CA');
    expect(result.stderr).toContain('add mailbox.caFile');
  });

  it('STLS to a self-signed certificate: the same hint, without a second handshake', async () => {
    const { dir, file } = await setUp(
      { starttls: untrustedTls() },
      { security: 'starttls', caFile: null },
    );

    const result = await runCli(['run', '--config', file], dir, { env });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not trusted: it is self-signed');
    expect(result.stderr).toContain('add mailbox.caFile');
  });

  it('a certificate for another name: says which names it lists and to change the host', async () => {
    // The certificate lists localhost and 127.0.0.1; the server also answers on 127.0.0.2
    const { dir, file } = await setUp(
      { tls: testTls(), host: '127.0.0.2' },
      { security: 'tls', host: '127.0.0.2' },
    );

    const result = await runCli(['run', '--config', file], dir, { env });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not issued for "127.0.0.2"');
    expect(result.stderr).toContain("is not in the cert's list: 127.0.0.1");
    expect(result.stderr).toContain('set mailbox.pop3.host to a name the certificate lists');
  });

  it('the right settings still work (no probe, no hint)', async () => {
    const { dir, file, pop3 } = await setUp({ tls: testTls() }, { security: 'tls' });

    const result = await runCli(['run', '--config', file], dir, { env });

    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('ETLS');
    expect(pop3.connections).toBe(1);
  });
});
